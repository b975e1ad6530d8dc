/**
 * The per-CA template of MDM device certificates. A device certificate differs from the next
 * only in serial number, validity, subject and public key; everything else (signature algorithm,
 * issuer name, basicConstraints, keyUsage, extendedKeyUsage, the authority key identifier) is
 * built once per CA as @peculiar/asn1-x509 objects and reused. Each TBSCertificate is encoded
 * with @peculiar/asn1-schema (`AsnConvert.serialize`) and signed with node:crypto.
 *
 * Why this shape: building each certificate through @peculiar/x509's `X509CertificateGenerator`
 * cost 6-9 ms of CPU per certificate (17 % of an enrollment): it goes through WebCrypto, parses
 * every name and extension it has just serialized, and re-encodes the issuer each time. The ASN.1
 * encoding itself is left to the well-kept library (the project's rule: X.509 is not what this
 * gateway exists for; an earlier hand-written DER writer was faster but was our own ASN.1 code).
 * For names without quotes or backslashes the TBSCertificate is byte-for-byte what the generator
 * produced (device-certificate-template.test.ts compares them).
 *
 * Subject values are encoded verbatim (the generator's JSON-name processing unwrapped a quoted
 * section and resolved backslash escapes, so a device named `Lab "Mac", #2` got `Mac`).
 */
import { createHash, KeyObject, sign } from 'node:crypto';
import { AsnConvert, AsnSerializer, OctetString } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  id_kp_clientAuth,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import type { CertificateAuthority } from './certificate-authority.js';
import { x509 } from './x509-runtime.js';

/** OIDs of the subject attributes of a device certificate. */
const NAME_OIDS = {
  CN: '2.5.4.3',
  OU: '2.5.4.11',
  O: '2.5.4.10',
  serialNumber: '2.5.4.5',
  description: '2.5.4.13',
} as const;
export type DeviceNameAttribute = keyof typeof NAME_OIDS;
/** Labels @peculiar/x509's `Name.toString()` lacks by default (it knows CN, OU, O). */
const EXTRA_NAME_LABELS = { serialNumber: NAME_OIDS.serialNumber, description: NAME_OIDS.description };

/** The per-certificate parts: everything else comes from the template. */
export interface DeviceCertificateFields {
  /** 16 bytes, first byte 0x01..0x7f (positive INTEGER, fixed width). */
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** Subject attributes in order, one RDN each; values are encoded exactly as given. */
  subject: ReadonlyArray<readonly [DeviceNameAttribute, string]>;
  /** SubjectPublicKeyInfo: DER, or already decoded (a server-generated key has it; saves a parse). */
  spki: Uint8Array | SubjectPublicKeyInfo;
  /** RSA subject keys also get keyEncipherment. */
  isRsa: boolean;
}

/** A signed device certificate. */
export interface TemplateCertificate {
  der: Buffer;
  /** The subject as @peculiar/x509's `Name.toString()` prints it (RFC 4514 style, ", " separated). */
  subject: string;
}

/** A copy of `bytes` in an ArrayBuffer of its own (a Buffer may be a view into a shared pool). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/**
 * One subject attribute, its value verbatim: PrintableString when the value fits that type,
 * else UTF8String (the choice @peculiar/x509 makes, `Name.isPrintableString`).
 */
function attribute(type: DeviceNameAttribute, value: string): RelativeDistinguishedName {
  const encoded = x509.Name.isPrintableString(value)
    ? new AttributeValue({ printableString: value })
    : new AttributeValue({ utf8String: value });
  return new RelativeDistinguishedName([
    new AttributeTypeAndValue({ type: NAME_OIDS[type], value: encoded }),
  ]);
}

/** The DER of an extension value, wrapped as an Extension. */
function extension(extnID: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** SHA-1 of the subjectPublicKey BIT STRING's key bytes (RFC 5280 4.2.1.2 method 1, as @peculiar/x509 computes it). */
export function keyIdentifier(spki: SubjectPublicKeyInfo): Buffer {
  return createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest();
}

/** The issuer-side constants of one CA, built once. */
interface CaParts {
  signatureAlgorithm: AlgorithmIdentifier;
  issuer: Name;
  issuerString: string;
  organization: string | undefined;
  /** basicConstraints, keyUsage, extendedKeyUsage: for EC and for RSA subject keys. */
  fixedExtensionsEc: Extension[];
  fixedExtensionsRsa: Extension[];
  authorityKeyIdentifier: Extension;
  signingKey: KeyObject;
}

/** ecdsa-with-SHA256: parameters absent (RFC 5758 3.2). */
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** sha256WithRSAEncryption: parameters NULL (RFC 4055 5). */
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

const BASIC_CONSTRAINTS_END_ENTITY = extension(
  id_ce_basicConstraints,
  true,
  new BasicConstraints({ cA: false }),
);
const KEY_USAGE_EC = extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature));
const KEY_USAGE_RSA = extension(
  id_ce_keyUsage,
  true,
  new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment),
);
const EXTENDED_KEY_USAGE_CLIENT_AUTH = extension(
  id_ce_extKeyUsage,
  false,
  new ExtendedKeyUsage([id_kp_clientAuth]),
);

const cache = new WeakMap<CertificateAuthority, CaParts>();

/** The constants of `ca` (computed on first use, then cached for the CA's lifetime). */
function partsOf(ca: CertificateAuthority): CaParts {
  let parts = cache.get(ca);
  if (parts) return parts;
  const caCertificate = AsnConvert.parse(ca.certificate.rawData, Certificate);
  const caSki = ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const akiKeyId = caSki
    ? Buffer.from(caSki, 'hex')
    : keyIdentifier(caCertificate.tbsCertificate.subjectPublicKeyInfo);
  parts = {
    signatureAlgorithm:
      ca.keyType === 'RSA'
        ? new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null })
        : new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 }),
    issuer: caCertificate.tbsCertificate.subject,
    issuerString: ca.certificate.subject,
    organization: ca.certificate.subjectName.getField('O')[0],
    fixedExtensionsEc: [BASIC_CONSTRAINTS_END_ENTITY, KEY_USAGE_EC, EXTENDED_KEY_USAGE_CLIENT_AUTH],
    fixedExtensionsRsa: [BASIC_CONSTRAINTS_END_ENTITY, KEY_USAGE_RSA, EXTENDED_KEY_USAGE_CLIENT_AUTH],
    authorityKeyIdentifier: extension(
      id_ce_authorityKeyIdentifier,
      false,
      new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(akiKeyId) }),
    ),
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

/**
 * Builds the TBSCertificate of a device certificate from the CA's template.
 * Extensions, in the generator's order: basicConstraints CA:false (critical), keyUsage
 * (critical), extendedKeyUsage clientAuth, subjectKeyIdentifier, authorityKeyIdentifier.
 * `subject` is what @peculiar/x509 prints for the encoded name (its escaping, e.g. `\"`).
 */
export function deviceTbsCertificate(
  ca: CertificateAuthority,
  fields: DeviceCertificateFields,
): { tbs: TBSCertificate; subject: string } {
  const parts = partsOf(ca);
  if (fields.serial.length !== 16 || fields.serial[0]! < 0x01 || fields.serial[0]! > 0x7f)
    throw new RangeError('serial must be 16 bytes, first in 0x01..0x7f');
  const subject = new Name(fields.subject.map(([type, value]) => attribute(type, value)));
  const subjectPublicKeyInfo =
    fields.spki instanceof SubjectPublicKeyInfo
      ? fields.spki
      : AsnConvert.parse(fields.spki, SubjectPublicKeyInfo);
  const ski = extension(
    id_ce_subjectKeyIdentifier,
    false,
    new SubjectKeyIdentifier(keyIdentifier(subjectPublicKeyInfo)),
  );
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: ownBuffer(fields.serial),
    signature: parts.signatureAlgorithm,
    issuer: parts.issuer,
    validity: new Validity({ notBefore: fields.notBefore, notAfter: fields.notAfter }),
    subject,
    subjectPublicKeyInfo,
    extensions: new Extensions([
      ...(fields.isRsa ? parts.fixedExtensionsRsa : parts.fixedExtensionsEc),
      ski,
      parts.authorityKeyIdentifier,
    ]),
  });
  return { tbs, subject: new x509.Name(subject, EXTRA_NAME_LABELS).toString() };
}

/**
 * The TBSCertificate as an ASN.1 element that encodes its content octets verbatim: a SEQUENCE
 * (universal 16, constructed) carrying the content the library encoded once. Signing and the
 * certificate then use the same bytes, and the TBS is encoded once instead of twice (an encoding
 * is ~0.25 ms of CPU); asn1js writes the identifier and length octets.
 */
function encodedOnce(tbs: TBSCertificate): asn1js.Primitive {
  const content = (AsnSerializer.toASN(tbs) as asn1js.Sequence).valueBlock.toBER(false);
  const element = new asn1js.Primitive({ idBlock: { tagClass: 1, tagNumber: 16 }, valueHex: content });
  element.idBlock.isConstructed = true;
  return element;
}

/**
 * Builds and signs (SHA-256 with the CA key, node:crypto) one device certificate. The signature
 * is computed on the libuv thread pool (`sign` with a callback): the event loop stays free, and a
 * bulk enrollment's 1,000 signatures run in parallel (1,000 ECDSA signatures: ~100 ms on the
 * event loop, ~40 ms of wall time on the pool, same machine).
 */
export async function signDeviceCertificate(
  ca: CertificateAuthority,
  fields: DeviceCertificateFields,
): Promise<TemplateCertificate> {
  const parts = partsOf(ca);
  const { tbs, subject } = deviceTbsCertificate(ca, fields);
  const tbsElement = encodedOnce(tbs);
  const tbsDer = new Uint8Array(tbsElement.toBER(false));
  // ECDSA: node:crypto's default dsaEncoding is DER (Ecdsa-Sig-Value), what X.509 carries.
  const signature = await new Promise<Buffer>((resolve, reject) => {
    sign('sha256', tbsDer, parts.signingKey, (error, result) => (error ? reject(error) : resolve(result)));
  });
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280 4.1).
  const certificate = new asn1js.Sequence({
    value: [
      tbsElement,
      AsnSerializer.toASN(parts.signatureAlgorithm),
      new asn1js.BitString({ valueHex: signature }),
    ],
  });
  return { der: Buffer.from(certificate.toBER(false)), subject };
}
