/**
 * The per-CA DER template of MDM device certificates. A device certificate differs from the next
 * only in serial number, validity, subject and public key (and the subject key identifier derived
 * from it); everything else (version, signature algorithm, issuer name, basicConstraints,
 * keyUsage, extendedKeyUsage, the authority key identifier, the Certificate's own
 * signatureAlgorithm) is encoded once per CA by @peculiar/asn1-schema and kept as DER bytes. Each
 * certificate is then one buffer: the constant bytes copied, the device's fields written into
 * it, the TBSCertificate signed with node:crypto.
 *
 * Why: encoding every TBSCertificate through the library's object model (asn1js `toBER`, buffer
 * concatenation, base conversions) was most of the CPU of issuing a certificate and the largest
 * single cost of a bulk enrollment. The per-device encoders here are few (INTEGER, UTCTime /
 * GeneralizedTime, a Name of string attributes, lengths; der.ts); device-certificate-template.test.ts
 * compares their output byte for byte with the library's full encoding of the same fields, for
 * subjects crossing every length-octet boundary, unicode, EC and RSA keys and CAs.
 *
 * Subject values are encoded verbatim (the library generator's JSON-name processing unwrapped a
 * quoted section and resolved backslash escapes, so a device named `Lab "Mac", #2` got `Mac`).
 */
import { createHash, KeyObject, sign } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import type { CertificateAuthority } from './certificate-authority.js';
import { subjectPublicKeyBits, tlv, tlvSize, writeHeader } from './der.js';
import { x509 } from './x509-runtime.js';

/** OIDs of the subject attributes of a device certificate. */
export const NAME_OIDS = {
  CN: '2.5.4.3',
  OU: '2.5.4.11',
  O: '2.5.4.10',
  serialNumber: '2.5.4.5',
  description: '2.5.4.13',
} as const;
export type DeviceNameAttribute = keyof typeof NAME_OIDS;

/** The per-certificate parts: everything else comes from the template. */
export interface DeviceCertificateFields {
  /** 16 bytes, first byte 0x01..0x7f (positive INTEGER, fixed width). */
  serial: Uint8Array;
  /** Whole seconds are encoded (milliseconds dropped); years 1950-9999, UTCTime up to 2049. */
  notBefore: Date;
  notAfter: Date;
  /** Subject attributes in order, one RDN each; values are encoded exactly as given. */
  subject: ReadonlyArray<readonly [DeviceNameAttribute, string]>;
  /** SubjectPublicKeyInfo, DER (as node:crypto, @peculiar/x509 or ec-key.ts write it). */
  spki: Uint8Array;
  /** RSA subject keys also get keyEncipherment. */
  isRsa: boolean;
}

/** A signed device certificate. */
export interface TemplateCertificate {
  der: Buffer;
  /** The subject as @peculiar/x509's `Name.toString()` prints it (RFC 4514 style, ", " separated). */
  subject: string;
}

/** ecdsa-with-SHA256: parameters absent (RFC 5758 3.2). */
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** sha256WithRSAEncryption: parameters NULL (RFC 4055 5). */
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

const SEQUENCE = 0x30;
const SET = 0x31;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const UTF8_STRING = 0x0c;
const PRINTABLE_STRING = 0x13;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
/** [3] EXPLICIT, the TBSCertificate's extensions. */
const EXTENSIONS_TAG = 0xa3;

/** The DER of an extension, its value encoded by the library. */
function extensionDer(extnID: string, critical: boolean, value: object): Buffer {
  const extnValue = new OctetString(AsnConvert.serialize(value));
  return Buffer.from(AsnConvert.serialize(new Extension({ extnID, critical, extnValue })));
}

/** SHA-1 of the subjectPublicKey BIT STRING's key bits (RFC 5280 4.2.1.2 method 1, as @peculiar/x509 computes it). */
function keyIdentifier(keyBits: Uint8Array): Buffer {
  return createHash('sha1').update(keyBits).digest();
}

/** `[0] EXPLICIT Version`, v3 (INTEGER 2; RFC 5280 4.1). */
const VERSION_V3 = Buffer.from([0xa0, 0x03, INTEGER, 0x01, 0x02]);

/** Each subject attribute type's OID, DER (asn1js encodes them once). */
const NAME_TYPE_DER = Object.fromEntries(
  Object.entries(NAME_OIDS).map(([name, oid]) => [
    name,
    Buffer.from(new asn1js.ObjectIdentifier({ value: oid }).toBER(false)),
  ]),
) as Record<DeviceNameAttribute, Buffer>;

/** Labels @peculiar/x509's `Name.toString()` prints for the subject attributes (its registry plus the two extra names the issuer registers). */
const NAME_LABELS: Record<DeviceNameAttribute, string> = {
  CN: 'CN',
  OU: 'OU',
  O: 'O',
  serialNumber: 'serialNumber',
  description: 'description',
};

const BASIC_CONSTRAINTS_END_ENTITY = extensionDer(
  id_ce_basicConstraints,
  true,
  new BasicConstraints({ cA: false }),
);
const KEY_USAGE_EC = extensionDer(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature));
const KEY_USAGE_RSA = extensionDer(
  id_ce_keyUsage,
  true,
  new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment),
);
const EXTENDED_KEY_USAGE_CLIENT_AUTH = extensionDer(
  id_ce_extKeyUsage,
  false,
  new ExtendedKeyUsage([id_kp_clientAuth]),
);
/** SHA-1 key identifiers are 20 bytes: the SKI extension has a fixed size, its last 20 bytes the identifier. */
const KEY_ID_LENGTH = 20;
const SUBJECT_KEY_IDENTIFIER_PLACEHOLDER = extensionDer(
  id_ce_subjectKeyIdentifier,
  false,
  new SubjectKeyIdentifier(new Uint8Array(KEY_ID_LENGTH)),
);

/** The `[3] EXPLICIT Extensions` of one key type, the SKI left at zero, and where the SKI goes. */
interface ExtensionsTemplate {
  der: Buffer;
  keyIdOffset: number;
}

/** The issuer-side constants of one CA, encoded once. */
interface CaParts {
  /** `signature` AlgorithmIdentifier + issuer Name: they follow the serial in every TBSCertificate. */
  algorithmAndIssuer: Buffer;
  /** The Certificate's signatureAlgorithm (the same AlgorithmIdentifier). */
  signatureAlgorithm: Buffer;
  extensionsEc: ExtensionsTemplate;
  extensionsRsa: ExtensionsTemplate;
  issuerString: string;
  organization: string | undefined;
  signingKey: KeyObject;
}

function extensionsTemplate(fixed: Buffer[], authorityKeyIdentifier: Buffer): ExtensionsTemplate {
  const der = tlv(
    EXTENSIONS_TAG,
    tlv(SEQUENCE, ...fixed, SUBJECT_KEY_IDENTIFIER_PLACEHOLDER, authorityKeyIdentifier),
  );
  return { der, keyIdOffset: der.length - authorityKeyIdentifier.length - KEY_ID_LENGTH };
}

const cache = new WeakMap<CertificateAuthority, CaParts>();

/** The constants of `ca` (computed on first use, then cached for the CA's lifetime). */
function partsOf(ca: CertificateAuthority): CaParts {
  let parts = cache.get(ca);
  if (parts) return parts;
  const caCertificate = AsnConvert.parse(ca.certificate.rawData, Certificate);
  const caSki = ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const akiKeyId = caSki
    ? Buffer.from(caSki, 'hex')
    : keyIdentifier(new Uint8Array(caCertificate.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey));
  const authorityKeyIdentifier = extensionDer(
    id_ce_authorityKeyIdentifier,
    false,
    new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(akiKeyId) }),
  );
  const signatureAlgorithm = Buffer.from(
    AsnConvert.serialize(
      ca.keyType === 'RSA'
        ? new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null })
        : new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    ),
  );
  const issuer = Buffer.from(AsnConvert.serialize(caCertificate.tbsCertificate.subject));
  parts = {
    algorithmAndIssuer: Buffer.concat([signatureAlgorithm, issuer]),
    signatureAlgorithm,
    extensionsEc: extensionsTemplate(
      [BASIC_CONSTRAINTS_END_ENTITY, KEY_USAGE_EC, EXTENDED_KEY_USAGE_CLIENT_AUTH],
      authorityKeyIdentifier,
    ),
    extensionsRsa: extensionsTemplate(
      [BASIC_CONSTRAINTS_END_ENTITY, KEY_USAGE_RSA, EXTENDED_KEY_USAGE_CLIENT_AUTH],
      authorityKeyIdentifier,
    ),
    issuerString: ca.certificate.subject,
    organization: ca.certificate.subjectName.getField('O')[0],
    signingKey: KeyObject.from(ca.privateKey),
  };
  cache.set(ca, parts);
  return parts;
}

/** The CA's subject as a string (the issuer of every device certificate) and its organization. */
export function issuerOf(ca: CertificateAuthority): { issuer: string; organization: string | undefined } {
  const parts = partsOf(ca);
  return { issuer: parts.issuerString, organization: parts.organization };
}

/** Lone UTF-16 surrogates: the library refuses them (its UTF-8 conversion throws), so do we. */
const LONE_SURROGATE = /\p{Cs}/u;

/** One subject value: PrintableString when it fits that type (@peculiar/x509's choice), else UTF8String. */
function valueOf(value: string): { tag: number; bytes: Buffer } {
  if (x509.Name.isPrintableString(value))
    return { tag: PRINTABLE_STRING, bytes: Buffer.from(value, 'latin1') };
  if (LONE_SURROGATE.test(value)) throw new URIError('subject value is not well-formed UTF-16');
  return { tag: UTF8_STRING, bytes: Buffer.from(value, 'utf8') };
}

/**
 * The subject as @peculiar/x509's `Name.toString()` prints it: `label=value` joined by ", ",
 * values escaped by its rule (`,+"\<>;` backslashed, a leading space or `#` and a trailing space
 * backslashed, the first CR, LF or tab written as `\XX` hex).
 */
function subjectString(subject: DeviceCertificateFields['subject']): string {
  return subject.map(([type, value]) => `${NAME_LABELS[type]}=${escapeValue(value)}`).join(', ');
}

function escapeValue(value: string): string {
  return value
    .replace(/([,+"\\<>;])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/([ ]$)/, '\\$1')
    .replace(/([\r\n\t])/, (c) => `\\${Buffer.from(c).toString('hex').toUpperCase()}`);
}

/** Two-digit decimal at `offset`. */
function digits2(out: Uint8Array, offset: number, n: number): void {
  out[offset] = 0x30 + Math.floor(n / 10);
  out[offset + 1] = 0x30 + (n % 10);
}

/**
 * A Time (RFC 5280 4.1.2.5) at `offset`: UTCTime `YYMMDDHHMMSSZ` through 2049, GeneralizedTime
 * `YYYYMMDDHHMMSSZ` from 2050, whole seconds. Returns the offset after it.
 */
function writeTime(out: Uint8Array, offset: number, date: Date): number {
  const year = date.getUTCFullYear();
  if (year > 2049) {
    out[offset++] = GENERALIZED_TIME;
    out[offset++] = 15;
    digits2(out, offset, Math.floor(year / 100));
    offset += 2;
  } else {
    out[offset++] = UTC_TIME;
    out[offset++] = 13;
  }
  digits2(out, offset, year % 100);
  digits2(out, offset + 2, date.getUTCMonth() + 1);
  digits2(out, offset + 4, date.getUTCDate());
  digits2(out, offset + 6, date.getUTCHours());
  digits2(out, offset + 8, date.getUTCMinutes());
  digits2(out, offset + 10, date.getUTCSeconds());
  out[offset + 12] = 0x5a; // Z
  return offset + 13;
}

function timeSize(date: Date): number {
  return date.getUTCFullYear() > 2049 ? 17 : 15;
}

function checkYear(date: Date): void {
  const year = date.getUTCFullYear();
  if (!(year >= 1950 && year <= 9999)) throw new RangeError('certificate validity years must be 1950-9999');
}

/**
 * The DER TBSCertificate of a device certificate: the CA's constant parts and the device's fields.
 * Extensions, in this order: basicConstraints CA:false (critical), keyUsage digitalSignature
 * (+keyEncipherment for RSA keys, critical), extendedKeyUsage clientAuth, subjectKeyIdentifier
 * (SHA-1 of the key bits), authorityKeyIdentifier (the CA's SKI).
 * @throws RangeError for a malformed serial, SubjectPublicKeyInfo or a year outside 1950-9999;
 *   URIError for a subject value with a lone surrogate
 */
export function deviceTbsCertificate(
  ca: CertificateAuthority,
  fields: DeviceCertificateFields,
): { tbs: Buffer; subject: string } {
  const parts = partsOf(ca);
  const { serial, notBefore, notAfter, spki } = fields;
  if (serial.length !== 16 || serial[0]! < 0x01 || serial[0]! > 0x7f)
    throw new RangeError('serial must be 16 bytes, first in 0x01..0x7f');
  checkYear(notBefore);
  checkYear(notAfter);
  const keyId = keyIdentifier(subjectPublicKeyBits(spki));
  const extensions = fields.isRsa ? parts.extensionsRsa : parts.extensionsEc;

  const values = fields.subject.map(([type, value]) => ({ type: NAME_TYPE_DER[type], ...valueOf(value) }));
  // RelativeDistinguishedName ::= SET { SEQUENCE { type OID, value } }, one attribute each.
  const attributeLengths = values.map((v) => v.type.length + tlvSize(v.bytes.length));
  const nameLength = attributeLengths.reduce((sum, length) => sum + tlvSize(tlvSize(length)), 0);
  const validityLength = timeSize(notBefore) + timeSize(notAfter);
  const tbsLength =
    VERSION_V3.length +
    2 +
    serial.length +
    parts.algorithmAndIssuer.length +
    tlvSize(validityLength) +
    tlvSize(nameLength) +
    spki.length +
    extensions.der.length;

  const out = Buffer.allocUnsafe(tlvSize(tbsLength));
  let offset = writeHeader(out, 0, SEQUENCE, tbsLength);
  offset += VERSION_V3.copy(out, offset);
  offset = writeHeader(out, offset, INTEGER, serial.length);
  out.set(serial, offset);
  offset += serial.length;
  offset += parts.algorithmAndIssuer.copy(out, offset);
  offset = writeHeader(out, offset, SEQUENCE, validityLength);
  offset = writeTime(out, offset, notBefore);
  offset = writeTime(out, offset, notAfter);
  offset = writeHeader(out, offset, SEQUENCE, nameLength);
  values.forEach((value, i) => {
    const attributeLength = attributeLengths[i]!;
    offset = writeHeader(out, offset, SET, tlvSize(attributeLength));
    offset = writeHeader(out, offset, SEQUENCE, attributeLength);
    offset += value.type.copy(out, offset);
    offset = writeHeader(out, offset, value.tag, value.bytes.length);
    offset += value.bytes.copy(out, offset);
  });
  out.set(spki, offset);
  offset += spki.length;
  extensions.der.copy(out, offset);
  keyId.copy(out, offset + extensions.keyIdOffset);
  return { tbs: out, subject: subjectString(fields.subject) };
}

/**
 * Builds and signs (SHA-256 with the CA key, node:crypto) one device certificate. The signature
 * is computed on the libuv thread pool (`sign` with a callback): the event loop stays free, and a
 * bulk enrollment's 1,000 signatures run in parallel.
 * @throws as `deviceTbsCertificate`
 */
export async function signDeviceCertificate(
  ca: CertificateAuthority,
  fields: DeviceCertificateFields,
): Promise<TemplateCertificate> {
  const parts = partsOf(ca);
  const { tbs, subject } = deviceTbsCertificate(ca, fields);
  // ECDSA: node:crypto's default dsaEncoding is DER (Ecdsa-Sig-Value), what X.509 carries.
  const signature = await new Promise<Buffer>((resolve, reject) => {
    sign('sha256', tbs, parts.signingKey, (error, result) => (error ? reject(error) : resolve(result)));
  });
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280 4.1).
  const bitStringLength = 1 + signature.length;
  const length = tbs.length + parts.signatureAlgorithm.length + tlvSize(bitStringLength);
  const der = Buffer.allocUnsafe(tlvSize(length));
  let offset = writeHeader(der, 0, SEQUENCE, length);
  offset += tbs.copy(der, offset);
  offset += parts.signatureAlgorithm.copy(der, offset);
  offset = writeHeader(der, offset, BIT_STRING, bitStringLength);
  der[offset++] = 0; // no unused bits
  signature.copy(der, offset);
  return { der, subject };
}
