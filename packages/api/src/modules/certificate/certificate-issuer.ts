/**
 * Issues MDM device (client-authentication) certificates signed by the gateway CA,
 * either for a device-supplied PKCS#10 request or with a server-generated key pair.
 */
import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { CertificateAuthority } from './certificate-authority.js';
import { CertificateAuthorityError, InvalidCsrError } from './certificate.errors.js';
import { generateEcP256KeyPair } from './ec-key.js';
import { type DeviceNameAttribute, issuerOf, signDeviceCertificate } from './device-certificate-template.js';
import { pemOf } from './pem.js';
import { derBytes, derChildren, derExpect, derNode, derValue } from './der.js';
import { addValidity } from './validity.js';
import type { CertificationRequestFields } from './certification-request.js';
import { epochSeconds, truncateToSeconds, x509 } from './x509-runtime.js';

/**
 * Input of `issueDeviceCertificate`.
 * - `deviceId`: becomes the subject CN; check-in proofs are bound to it. Non-empty, no control characters.
 * - `deviceName`: human label, stored as the subject `description` (2.5.4.13) so an operator
 *   looking at a certificate (logs, TLS inspection) can tell whose device it is; empty = omitted.
 * - `serialNumber`: the device's hardware serial (not the certificate serial); added as subject serialNumber.
 * - `csrPem`: optional PKCS#10 request; when present the device keeps its own key.
 * - `now`: issuance instant. `validityDays` (default 365, positive integer) and `backdateSeconds`
 *   (default 300, non-negative integer; tolerates device clocks running a few minutes slow).
 */
export interface IssueDeviceCertificateInput {
  ca: CertificateAuthority;
  deviceId: string;
  deviceName: string;
  serialNumber?: string;
  csrPem?: string;
  /**
   * `csrPem` already read by the caller, so it is not parsed again: the library's parse, or its
   * fields read from the DER (certification-request.ts).
   */
  csr?: x509.Pkcs10CertificateRequest | CertificationRequestFields;
  now: Date;
  validityDays?: number;
  backdateSeconds?: number;
}

/**
 * Result of issuance. `serialNumber` is the certificate serial: 32 uppercase hex digits
 * (16 random bytes, high bit cleared so the DER INTEGER is positive, first byte non-zero so
 * the hex form has a fixed width). `sha256Thumbprint` is SHA-256 over the DER, uppercase hex,
 * no colons: the stable key for lookups. `privateKeyPem` (PKCS#8) exists only when the server
 * generated the key, and is returned this once: it is never stored by this module.
 */
export interface IssuedDeviceCertificate {
  certificatePem: string;
  serialNumber: string;
  sha256Thumbprint: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  privateKeyPem?: string;
}

const DEVICE_OU = 'MDM Device';

/**
 * Issues a device certificate. Validity: notBefore = now − backdateSeconds, notAfter =
 * addValidity(now, validityDays) (see validity.ts; 2028-02-29 + 365 d = 2029-02-28, same
 * time of day), both whole seconds, and notAfter clamped to the CA's own notAfter so a
 * device certificate never outlives its issuer. Extensions: basicConstraints CA:false
 * (critical), keyUsage digitalSignature (+keyEncipherment for RSA keys, critical),
 * extendedKeyUsage clientAuth, SKI, AKI (the CA's SKI).
 * Errors: InvalidCsrError (bad CSR), CertificateAuthorityError('CA_NOT_VALID') when `now`
 * is outside the CA validity, RangeError for bad deviceId/validityDays/backdateSeconds.
 */
export async function issueDeviceCertificate(
  input: IssueDeviceCertificateInput,
): Promise<IssuedDeviceCertificate> {
  const { ca, deviceId, now } = input;
  const backdateSeconds = input.backdateSeconds ?? 300;
  if (!deviceId || /\p{Cc}/u.test(deviceId)) {
    throw new RangeError('deviceId must be non-empty without control characters');
  }
  if (!Number.isInteger(backdateSeconds) || backdateSeconds < 0) {
    throw new RangeError('backdateSeconds must be a non-negative integer');
  }
  const { notBefore, notAfter } = deviceCertificateValidity(
    ca,
    now,
    input.validityDays ?? 365,
    backdateSeconds,
  );

  let spki: Uint8Array;
  let isRsa = false;
  let privateKeyPem: string | undefined;
  if (input.csrPem !== undefined) {
    const checked = await checkCsr(input.csr ?? input.csrPem);
    spki = checked.spki;
    isRsa = checked.isRsa;
  } else {
    const keys = generateEcP256KeyPair();
    spki = keys.spki;
    privateKeyPem = pemOf(keys.pkcs8, 'PRIVATE KEY');
  }

  const { organization } = issuerOf(ca);
  const subjectParts: [DeviceNameAttribute, string][] = [
    ['CN', deviceId],
    ['OU', DEVICE_OU],
  ];
  if (organization) subjectParts.push(['O', organization]);
  if (input.serialNumber) subjectParts.push(['serialNumber', input.serialNumber]);
  if (input.deviceName) subjectParts.push(['description', input.deviceName]);
  // Subject values are encoded verbatim, so the CN is the device id byte for byte. Check-ins read
  // the CN back from Node's escaped subject rendering (certificate-cache.ts); device ids are ours
  // (UUIDs), so an id with the escape character itself is refused rather than trusted to unescaping.
  if (deviceId.includes('\\')) throw new RangeError('deviceId must not contain a backslash');

  const serial = randomSerial();
  const { der, subject } = await signDeviceCertificate(ca, {
    serial,
    notBefore,
    notAfter,
    subject: subjectParts,
    spki,
    isRsa,
  });
  return {
    certificatePem: pemOf(der, 'CERTIFICATE'),
    serialNumber: Buffer.from(serial).toString('hex').toUpperCase(),
    sha256Thumbprint: createHash('sha256').update(der).digest('hex').toUpperCase(),
    subject,
    issuer: issuerOf(ca).issuer,
    notBefore,
    notAfter,
    ...(privateKeyPem ? { privateKeyPem } : {}),
  };
}

/**
 * The validity of a device certificate issued at `now`: notBefore = now − backdateSeconds,
 * notAfter = addValidity(now, validityDays) clamped to the CA's notAfter (whole seconds, UTC).
 * Exported so a batch (bulk enrollment) can record the expiration date with its device rows.
 * @throws CertificateAuthorityError('CA_NOT_VALID') when `now` is outside the CA validity
 */
export function deviceCertificateValidity(
  ca: CertificateAuthority,
  now: Date,
  validityDays: number,
  backdateSeconds: number,
): { notBefore: Date; notAfter: Date } {
  if (now < ca.certificate.notBefore || now > ca.certificate.notAfter) {
    throw new CertificateAuthorityError('CA_NOT_VALID', 'The issuing CA is not within its validity period');
  }
  const notBefore = new Date((epochSeconds(now) - backdateSeconds) * 1000);
  const wanted = addValidity(now, validityDays);
  const notAfter = wanted > ca.certificate.notAfter ? truncateToSeconds(ca.certificate.notAfter) : wanted;
  return { notBefore, notAfter };
}

/** 16 random bytes, first byte in 0x01..0x7f: positive and fixed-width (~126 bits of entropy). */
function randomSerial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes;
}

async function checkCsr(
  request: string | x509.Pkcs10CertificateRequest | CertificationRequestFields,
): Promise<{ spki: Uint8Array; isRsa: boolean }> {
  if (typeof request !== 'string' && !(request instanceof x509.Pkcs10CertificateRequest))
    return checkCsrFields(request);
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = typeof request === 'string' ? new x509.Pkcs10CertificateRequest(request) : request;
  } catch {
    throw new InvalidCsrError('MALFORMED', 'CSR is not a parseable PKCS#10 request');
  }
  const key = acceptedKey(new Uint8Array(csr.publicKey.rawData));
  // Proof of possession: the request must be signed by the key it asks us to certify.
  const signatureOk = verifyCsrSignature(csr, key.key) ?? (await csr.verify().catch(() => false));
  if (!signatureOk) throw new InvalidCsrError('BAD_SIGNATURE', 'CSR signature does not verify');
  return { spki: new Uint8Array(csr.publicKey.rawData), isRsa: key.isRsa };
}

/** `checkCsr` for a request read from its DER: same rules, the signature checked with node:crypto. */
function checkCsrFields(fields: CertificationRequestFields): { spki: Uint8Array; isRsa: boolean } {
  const key = acceptedKey(fields.spki, fields.key);
  let signatureOk = false;
  if (key.key.asymmetricKeyType === fields.keyType) {
    try {
      signatureOk = verify(fields.digest, fields.info, key.key, fields.signature);
    } catch {
      signatureOk = false;
    }
  }
  if (!signatureOk) throw new InvalidCsrError('BAD_SIGNATURE', 'CSR signature does not verify');
  return { spki: fields.spki, isRsa: key.isRsa };
}

/**
 * The CSR's key when it is one we certify: EC P-256 or RSA of at least 2048 bits. `made`: the
 * same key already imported by the caller.
 * @throws InvalidCsrError('UNSUPPORTED_KEY') otherwise
 */
function acceptedKey(spki: Uint8Array, made?: KeyObject): { key: KeyObject; isRsa: boolean } {
  let key: KeyObject | undefined = made;
  try {
    key ??= createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch {
    key = undefined;
  }
  const details = key && { type: key.asymmetricKeyType, ...key.asymmetricKeyDetails };
  const isEcP256 = details?.type === 'ec' && details.namedCurve === 'prime256v1';
  const isRsa = details?.type === 'rsa' && (details.modulusLength ?? 0) >= 2048;
  if (!isEcP256 && !isRsa)
    throw new InvalidCsrError('UNSUPPORTED_KEY', 'CSR key must be EC P-256 or RSA >= 2048 bits');
  return { key: key!, isRsa };
}

/** Node's digest names for the WebCrypto hashes a CSR signature names. */
const CSR_DIGESTS: Record<string, string> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/**
 * The CSR's signature checked with node:crypto over its CertificationRequestInfo DER (RFC 2986),
 * for RSASSA-PKCS1-v1_5 and ECDSA (DER signature) with SHA-1/2: @peculiar/x509's `verify()`
 * imports the key into WebCrypto first, which cost more than the verification.
 * @returns whether it verifies; undefined for another algorithm or shape (the caller then asks
 *   the library)
 */
function verifyCsrSignature(csr: x509.Pkcs10CertificateRequest, key: KeyObject): boolean | undefined {
  try {
    const algorithm = csr.signatureAlgorithm as { name: string; hash?: { name: string } };
    const digest = CSR_DIGESTS[algorithm.hash?.name ?? ''];
    const keyType = { 'RSASSA-PKCS1-v1_5': 'rsa', ECDSA: 'ec' }[algorithm.name];
    if (!digest || !keyType || key.asymmetricKeyType !== keyType) return undefined;
    const der = new Uint8Array(csr.rawData);
    const outer = derExpect(derNode(der, 0), 0x30);
    if (outer.end !== der.length) return undefined;
    const [info, , bits] = derChildren(der, outer);
    const signature = derValue(der, derExpect(bits, 0x03));
    if (signature[0] !== 0) return undefined; // unused bits
    return verify(digest, derBytes(der, derExpect(info, 0x30)), key, signature.subarray(1));
  } catch {
    return undefined;
  }
}
