/**
 * The issuing CA for MDM device certificates: creation, sealed export/import, and
 * loading an operator-supplied CA from PEM. The CA is a single self-signed ECDSA P-256
 * root (no intermediates) because devices only ever present certificates back to this
 * gateway, which trusts exactly this one CA.
 */
import { createPrivateKey, createPublicKey, sign, verify, webcrypto, type KeyObject } from 'node:crypto';
import { CertificateAuthorityError } from './certificate.errors.js';
import { sealPrivateKey, unsealPrivateKey } from './private-key-seal.js';
import { addValidity } from './validity.js';
import {
  ECDSA_P256_SHA256,
  RSA_PKCS1_SHA256,
  truncateToSeconds,
  x509,
  type CryptoKey,
} from './x509-runtime.js';

/**
 * Default CA lifetime in days: 3652 (about ten years; within one day of ten calendar years
 * depending on how many leap days fall inside). Uses the same fixed-86 400 s-day rule as
 * device certificates (validity.ts) so one rule governs every notAfter in the module.
 */
export const CA_VALIDITY_DAYS = 3652;

/**
 * An in-memory issuing CA. `privateKey` is an extractable WebCrypto signing key (so it
 * can be sealed for storage); `signingAlgorithm` is what certificates are signed with,
 * derived from the key type; `keyType` tells issuers whether the CA key is EC or RSA.
 */
export interface CertificateAuthority {
  readonly certificate: x509.X509Certificate;
  readonly certificatePem: string;
  readonly privateKey: CryptoKey;
  readonly signingAlgorithm: typeof ECDSA_P256_SHA256 | typeof RSA_PKCS1_SHA256;
  readonly keyType: 'EC' | 'RSA';
}

/** Storage form of a CA: public certificate in clear, private key sealed (see private-key-seal.ts). */
export interface ExportedCertificateAuthority {
  readonly certificatePem: string;
  readonly sealedPrivateKey: string;
}

/** Options for `createCertificateAuthority`. `now` is the issuance instant (ms are dropped). */
export interface CreateCertificateAuthorityOptions {
  organization: string;
  now: Date;
  commonName?: string;
  validityDays?: number;
}

/**
 * Creates a new self-signed issuing CA: ECDSA P-256 key, subject
 * `CN=MDM Enrollment Gateway Issuing CA, O=<organization>`, notBefore = now (whole
 * seconds), notAfter = addValidity(now, validityDays = 3652), critical basicConstraints
 * CA:true pathLen 0 (it signs only end-entity device certificates) and critical keyUsage
 * keyCertSign+cRLSign, plus SKI/AKI. Throws RangeError for an empty organization.
 */
export async function createCertificateAuthority(
  options: CreateCertificateAuthorityOptions,
): Promise<CertificateAuthority> {
  const organization = options.organization.trim();
  if (!organization) throw new RangeError('organization must be a non-empty string');
  const commonName = options.commonName ?? 'MDM Enrollment Gateway Issuing CA';
  const keys = (await webcrypto.subtle.generateKey(ECDSA_P256_SHA256, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const notBefore = truncateToSeconds(options.now);
  const ski = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: [{ CN: [commonName] }, { O: [organization] }],
    keys,
    signingAlgorithm: ECDSA_P256_SHA256,
    notBefore,
    notAfter: addValidity(notBefore, options.validityDays ?? CA_VALIDITY_DAYS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ski,
      new x509.AuthorityKeyIdentifierExtension(ski.keyId),
    ],
  });
  return {
    certificate,
    certificatePem: certificate.toString('pem'),
    privateKey: keys.privateKey,
    signingAlgorithm: ECDSA_P256_SHA256,
    keyType: 'EC',
  };
}

/** Seals the CA key under `keyMaterial` for storage. Errors: SealedKeyError (weak secret). */
export async function exportCertificateAuthority(
  ca: CertificateAuthority,
  keyMaterial: string,
): Promise<ExportedCertificateAuthority> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', ca.privateKey);
  return { certificatePem: ca.certificatePem, sealedPrivateKey: await sealPrivateKey(pkcs8, keyMaterial) };
}

/**
 * Restores a CA stored with `exportCertificateAuthority`. Errors: SealedKeyError (wrong
 * or weak secret, malformed blob), CertificateAuthorityError (see `loadCaFromPem`).
 */
export async function importCertificateAuthority(
  stored: ExportedCertificateAuthority,
  keyMaterial: string,
): Promise<CertificateAuthority> {
  const pkcs8 = await unsealPrivateKey(stored.sealedPrivateKey, keyMaterial);
  return assemble(stored.certificatePem, createKeyObject(Buffer.from(pkcs8), 'der'));
}

/**
 * Loads a CA supplied through configuration: `certPem` an X.509 CA certificate, `keyPem`
 * an unencrypted private key (PKCS#8, SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY").
 * Accepts EC P-256 or RSA >= 2048-bit keys. Why so strict: a CA that cannot be verified
 * to match its key would issue certificates no device check-in could ever validate.
 * Errors: CertificateAuthorityError INVALID_CA_CERTIFICATE | INVALID_CA_KEY | CA_KEY_MISMATCH.
 */
export async function loadCaFromPem(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  return assemble(certPem, createKeyObject(keyPem, 'pem'));
}

function createKeyObject(key: string | Buffer, format: 'pem' | 'der'): KeyObject {
  try {
    return typeof key === 'string'
      ? createPrivateKey({ key, format: 'pem' })
      : createPrivateKey({ key, format, type: 'pkcs8' });
  } catch (cause) {
    throw new CertificateAuthorityError(
      'INVALID_CA_KEY',
      `CA private key is unreadable: ${(cause as Error).message}`,
    );
  }
}

async function assemble(certPem: string, key: KeyObject): Promise<CertificateAuthority> {
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(certPem);
  } catch (cause) {
    throw new CertificateAuthorityError(
      'INVALID_CA_CERTIFICATE',
      `CA certificate is unreadable: ${(cause as Error).message}`,
    );
  }
  const basic = certificate.getExtension(x509.BasicConstraintsExtension);
  const usage = certificate.getExtension(x509.KeyUsagesExtension);
  if (!basic?.ca || (usage && !(usage.usages & x509.KeyUsageFlags.keyCertSign))) {
    const message = 'Certificate is not a CA (basicConstraints CA / keyCertSign missing)';
    throw new CertificateAuthorityError('INVALID_CA_CERTIFICATE', message);
  }
  const details = key.asymmetricKeyDetails ?? {};
  const keyType =
    key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1'
      ? 'EC'
      : key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048
        ? 'RSA'
        : undefined;
  if (!keyType)
    throw new CertificateAuthorityError('INVALID_CA_KEY', 'CA key must be EC P-256 or RSA >= 2048 bits');
  // Proof of key/certificate match: sign a probe with the key, verify with the certificate's public key.
  const probe = Buffer.from('mdm-ca-key-match-probe');
  let matches: boolean;
  try {
    const certKey = createPublicKey({
      key: Buffer.from(certificate.publicKey.rawData),
      format: 'der',
      type: 'spki',
    });
    matches = verify('sha256', probe, certKey, sign('sha256', probe, key));
  } catch {
    matches = false; // e.g. an RSA key against an EC certificate
  }
  if (!matches)
    throw new CertificateAuthorityError(
      'CA_KEY_MISMATCH',
      'CA private key does not belong to the CA certificate',
    );
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const algorithm = keyType === 'EC' ? ECDSA_P256_SHA256 : RSA_PKCS1_SHA256;
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, true, ['sign']);
  return {
    certificate,
    certificatePem: certificate.toString('pem'),
    privateKey,
    signingAlgorithm: algorithm,
    keyType,
  };
}
