/**
 * The gateway's own RSA certificates issued from its CA: the SCEP registration authority (SCEP's
 * envelope needs an RSA recipient and the CA key is usually EC, so the RA holds an RSA key, as
 * Microsoft's NDES does) and the enrollment-profile signer. Stored beside the CA (table
 * `certificate_authority`, one row per purpose, key sealed) so every instance and every restart
 * serves the same certificate: a device fetches the RA certificate with GetCACert and encrypts
 * its request to it moments later, possibly through another instance.
 */
import { createPrivateKey, hkdfSync, webcrypto, type KeyObject } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import * as pkijs from 'pkijs';
import { DAY_MS, type Clock } from '../../shared/clock.js';
import type { CertificateAuthority } from './certificate-authority.js';
import { CertificateStore } from './certificate.store.js';
import { sealPrivateKey, unsealPrivateKey } from './private-key-seal.js';
import { addValidity } from './validity.js';
import { RSA_PKCS1_SHA256, truncateToSeconds, x509, type CryptoKey } from './x509-runtime.js';

/** Which service certificate. */
export type ServiceCertificatePurpose = 'scep-ra' | 'profile-signer';

/** A service certificate with its key, in the forms its users need. */
export interface ServiceCertificate {
  certificate: x509.X509Certificate;
  pem: string;
  /** The same certificate parsed by pkijs (CMS). */
  cms: pkijs.Certificate;
  privateKey: KeyObject;
  /** RSASSA-PKCS1-v1_5 SHA-256 signing key (WebCrypto), for CMS SignedData. */
  signingKey: CryptoKey;
}

/** Two years; replaced at start once fewer than 30 days remain (devices fetch it fresh at each enrollment). */
const VALIDITY_DAYS = 730;
const RENEW_BEFORE_MS = 30 * DAY_MS;

const SUBJECTS: Record<ServiceCertificatePurpose, string> = {
  'scep-ra': 'MDM Enrollment Gateway SCEP RA',
  'profile-signer': 'MDM Enrollment Gateway Profile Signing',
};

/** The sealing secret: derived from the CA key, so only a holder of the CA key can open it. */
async function sealingSecret(ca: CertificateAuthority, purpose: ServiceCertificatePurpose): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', ca.privateKey));
  return Buffer.from(hkdfSync('sha256', pkcs8, `mdm-service-certificate:${purpose}`, 'v1', 32)).toString(
    'base64url',
  );
}

/**
 * Loads the service certificate of `purpose`, issuing (and storing) one when none exists, when
 * the stored one was issued by another CA, is not valid yet at this instance's `now`, or expires
 * within 30 days. Concurrent starts
 * race on an upsert; each then reads the stored winner.
 */
export async function loadServiceCertificate(
  em: EntityManager,
  ca: CertificateAuthority,
  clock: Clock,
  purpose: ServiceCertificatePurpose,
  store = new CertificateStore(),
): Promise<ServiceCertificate> {
  const secret = await sealingSecret(ca, purpose);
  const now = clock.now();
  const stored = await store.authority(em, purpose);
  const usable =
    stored &&
    (() => {
      const certificate = new x509.X509Certificate(stored.certificatePem);
      return (
        certificate.issuer === ca.certificate.subject &&
        // One issued by an instance whose clock ran ahead is not valid yet for this one: clients
        // (openssl, devices) would refuse what it signs.
        certificate.notBefore.getTime() <= now.getTime() &&
        certificate.notAfter.getTime() - now.getTime() > RENEW_BEFORE_MS
      );
    })();
  if (!usable) {
    const issued = await issue(ca, purpose, now);
    await store.replaceAuthority(
      em,
      {
        id: purpose,
        certificatePem: issued.pem,
        sealedPrivateKey: await sealPrivateKey(issued.pkcs8, secret),
        createdDateTime: now,
      },
      stored?.certificatePem ?? '',
    );
  }
  const record = await store.authorityOrFail(em, purpose);
  const pkcs8 = await unsealPrivateKey(record.sealedPrivateKey, secret);
  const certificate = new x509.X509Certificate(record.certificatePem);
  return {
    certificate,
    pem: record.certificatePem,
    cms: pkijs.Certificate.fromBER(certificate.rawData),
    privateKey: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }),
    signingKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, RSA_PKCS1_SHA256, false, ['sign']),
  };
}

async function issue(
  ca: CertificateAuthority,
  purpose: ServiceCertificatePurpose,
  now: Date,
): Promise<{ pem: string; pkcs8: ArrayBuffer }> {
  const keys = (await webcrypto.subtle.generateKey(
    { ...RSA_PKCS1_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as webcrypto.CryptoKeyPair;
  const notBefore = truncateToSeconds(new Date(now.getTime() - 300_000));
  const wanted = addValidity(truncateToSeconds(now), VALIDITY_DAYS);
  const notAfter = wanted > ca.certificate.notAfter ? ca.certificate.notAfter : wanted;
  const organization = ca.certificate.subjectName.getField('O')[0];
  const usages =
    purpose === 'scep-ra'
      ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
      : x509.KeyUsageFlags.digitalSignature;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(
      webcrypto.getRandomValues(new Uint8Array(16)).map((b, i) => (i === 0 ? (b & 0x7f) | 1 : b)),
    ).toString('hex'),
    subject: [{ CN: [SUBJECTS[purpose]] }, ...(organization ? [{ O: [organization] }] : [])],
    issuer: ca.certificate.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: ca.signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
    ],
  });
  return {
    pem: certificate.toString('pem'),
    pkcs8: await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
  };
}
