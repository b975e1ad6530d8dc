/**
 * SCEP messages (RFC 8894 section 3): reading a client's pkiMessage (a CMS SignedData whose
 * content is an EnvelopedData holding a PKCS#10 request) and writing the CertRep answer. No
 * database and no HTTP: the SCEP service decides, this module encodes.
 *
 * Reading walks the DER for the few fields SCEP needs and verifies with node:crypto; anything
 * outside the common shape (BER indefinite lengths, a SubjectKeyIdentifier signer, another
 * signature algorithm, a signature that does not verify) goes to pkijs's full parse, which decides
 * and says why. Writing encodes the CertRep directly in the bytes pkijs writes for the same
 * structure (scep-message.test.ts compares them byte for byte): building it through pkijs's and
 * asn1js's object model was most of the gateway's CPU per SCEP enrollment (docs/performance.md).
 * The ciphers and signatures are node:crypto's.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  derBytes,
  derChildren,
  derExpect,
  derNode,
  derOid,
  derOidBytes,
  derValue,
  tlv,
  type DerNode,
} from '../certificate/der.js';

/** SCEP attribute OIDs (RFC 8894 section 3.2.1, VeriSign arc). */
const OID = {
  messageType: '2.16.840.1.113733.1.9.2',
  pkiStatus: '2.16.840.1.113733.1.9.3',
  failInfo: '2.16.840.1.113733.1.9.4',
  senderNonce: '2.16.840.1.113733.1.9.5',
  recipientNonce: '2.16.840.1.113733.1.9.6',
  transactionId: '2.16.840.1.113733.1.9.7',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** Digest algorithms of a SignerInfo the fast reader verifies, by OID: node's name. */
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  [OID.sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** RSA PKCS#1 v1.5 signature algorithms, by OID: the digest they imply (null: the SignerInfo's). */
const RSA_SIGNATURES: Record<string, string | null> = {
  [OID.rsaEncryption]: null,
  '1.2.840.113549.1.1.5': 'sha1',
  [OID.sha256WithRsa]: 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};

/** SCEP messageType values (RFC 8894 section 3.2.1.2). */
export enum ScepMessageType {
  CertRep = '3',
  RenewalReq = '17',
  PKCSReq = '19',
  CertPoll = '20',
  GetCert = '21',
  GetCRL = '22',
}

/** SCEP failInfo values (RFC 8894 section 3.2.1.4). */
export enum ScepFailInfo {
  /** Unrecognized or unsupported algorithm. */
  badAlg = '0',
  /** Integrity check (signature verification) failed. */
  badMessageCheck = '1',
  /** Transaction not permitted or supported (a wrong, used or expired challenge, a refused renewal). */
  badRequest = '2',
  /** The signingTime attribute was not sufficiently close to the system time. */
  badTime = '3',
  /** No certificate could be identified matching the provided criteria. */
  badCertId = '4',
}

/** Content-encryption algorithms accepted in a request, by OID: node cipher name and key length (bytes). */
const CIPHERS: Record<string, { name: string; keyLength: number }> = {
  // DES-CBC: RFC 8894 deprecates it, but older clients (micromdm's scepclient 2.1) still send it.
  // OpenSSL 3 ships single DES only in its legacy provider, which Node does not load; DES-EDE3
  // with the key repeated three times (K, K, K) is the same cipher (E_K(D_K(E_K(x))) = E_K(x)).
  '1.3.14.3.2.7': { name: 'des-cbc', keyLength: 8 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
};
const DES_EDE3_CBC = '1.2.840.113549.3.7';
const AES_128_CBC = '2.16.840.1.101.3.4.1.2';

/** A request that cannot be answered with a CertRep (no readable transaction id or nonce). */
export class ScepMessageError extends Error {
  /**
   * @param request set when the message was readable but its signature does not verify: the
   *   answer is then a CertRep FAILURE badMessageCheck
   */
  constructor(
    message: string,
    readonly failInfo: ScepFailInfo = ScepFailInfo.badRequest,
    readonly request?: ScepRequest,
  ) {
    super(message);
    this.name = 'ScepMessageError';
  }
}

/** A request whose envelope is readable enough to answer, but that must be refused with `failInfo`. */
export class ScepRefusal extends Error {
  /**
   * @param code the audit code (e.g. SCEP_CHALLENGE_USED)
   * @param invitationId the enrollment invitation concerned, when known
   */
  constructor(
    readonly failInfo: ScepFailInfo,
    message: string,
    readonly code = 'SCEP_REFUSED',
    readonly invitationId?: string,
  ) {
    super(message);
    this.name = 'ScepRefusal';
  }
}

/** A certificate as SCEP uses it: its DER, and the DER of its issuer Name, serial INTEGER and key. */
export interface ScepCertificate {
  der: Buffer;
  /** The issuer Name (SEQUENCE), DER: with `serial`, how a CMS IssuerAndSerialNumber names it. */
  issuer: Buffer;
  /** The serialNumber INTEGER element (tag, length, value), DER. */
  serial: Buffer;
  /** The SubjectPublicKeyInfo (SEQUENCE), DER. */
  spki: Buffer;
  /** `spki` as a key, when a reader already made it (the CertRep's envelope is encrypted to it). */
  key?: KeyObject;
}

/**
 * The issuer, serial and key of a DER certificate (RFC 5280 4.1).
 * @throws RangeError when `der` is not a certificate
 */
export function scepCertificate(der: Uint8Array): ScepCertificate {
  const certificate = derExpect(derNode(der, 0), 0x30);
  if (certificate.end !== der.length) throw new RangeError('trailing bytes after the certificate');
  const tbs = derChildren(der, derExpect(derChildren(der, certificate)[0], 0x30));
  const fields = tbs[0]?.tag === 0xa0 ? tbs.slice(1) : tbs; // [0] version is optional
  return {
    der: Buffer.from(der),
    serial: Buffer.from(derBytes(der, derExpect(fields[0], 0x02))),
    issuer: Buffer.from(derBytes(der, derExpect(fields[2], 0x30))),
    spki: Buffer.from(derBytes(der, derExpect(fields[5], 0x30))),
  };
}

/** PKCS#9 challengePassword, where SCEP carries the challenge (RFC 8894 section 2.3). */
export { CHALLENGE_PASSWORD_OID } from '../certificate/certification-request.js';

/** A verified client pkiMessage. */
export interface ScepRequest {
  messageType: ScepMessageType;
  transactionId: string;
  senderNonce: Uint8Array;
  /** The certificate that signed the message (self-signed for PKCSReq, the current one for RenewalReq). */
  signerCertificate: ScepCertificate;
  /** The encapsulated pkcsPKIEnvelope (EnvelopedData ContentInfo), DER. */
  envelope: Uint8Array;
}

function attributeValue(signer: pkijs.SignerInfo, type: string): asn1js.AsnType | undefined {
  return signer.signedAttrs?.attributes.find((a) => a.type === type)?.values[0] as asn1js.AsnType | undefined;
}

function textOf(value: asn1js.AsnType | undefined): string | undefined {
  if (!value) return undefined;
  if (value instanceof asn1js.PrintableString || value instanceof asn1js.Utf8String)
    return value.valueBlock.value;
  if (value instanceof asn1js.OctetString) return Buffer.from(value.getValue()).toString('latin1');
  return undefined;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return Uint8Array.from(bytes).buffer;
}

/**
 * The octets of an OCTET STRING as pkijs leaves it after parsing: an `[0] IMPLICIT` encrypted
 * content is kept as the element asn1js read (a `Primitive`, or a `Constructed` of OCTET STRING
 * chunks, as Go's pkcs7 writes it), not as an asn1js OctetString.
 * @throws Error for any other element (the caller refuses the envelope as undecryptable)
 */
function octetsOf(element: asn1js.BaseBlock): Buffer {
  if (element instanceof asn1js.OctetString) return Buffer.from(element.getValue());
  if (element instanceof asn1js.Constructed) return Buffer.concat(element.valueBlock.value.map(octetsOf));
  if (element instanceof asn1js.Primitive) return Buffer.from(element.valueBlock.valueHexView);
  throw new Error(`encrypted content is a ${element.constructor.name}, not an OCTET STRING`);
}

/** `octetsOf`, or no bytes (which then fail to decrypt) for an element that is not an OCTET STRING. */
function octetsOrNothing(element: asn1js.BaseBlock): Buffer {
  try {
    return octetsOf(element);
  } catch {
    return Buffer.alloc(0);
  }
}

/** Does `certificate` match the IssuerAndSerialNumber `sid`? */
function matchesIssuerAndSerial(certificate: pkijs.Certificate, sid: unknown): boolean {
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) return false;
  return certificate.issuer.isEqual(sid.issuer) && certificate.serialNumber.isEqual(sid.serialNumber);
}

/**
 * Reads and verifies a client pkiMessage (RFC 8894 section 3.2): the SignedData's signature by
 * the certificate it carries (proof of possession of the key; who that certificate must be is
 * the service's decision), and the SCEP attributes messageType, transactionID, senderNonce.
 * @throws ScepMessageError when the message is unreadable, lacks a required attribute, or its
 *   signature does not verify (badMessageCheck)
 */
export async function readScepRequest(der: Uint8Array): Promise<ScepRequest> {
  return readCommonRequest(der) ?? readRequestWithLibrary(der);
}

/** SCEP's text attributes: PrintableString or UTF8String as pkijs reads them, an OCTET STRING as latin1. */
function textAt(der: Uint8Array, node: DerNode): string | undefined {
  const value = Buffer.from(derValue(der, node));
  if (node.tag === 0x13 || node.tag === 0x04) return value.toString('latin1');
  if (node.tag === 0x0c) return value.toString('utf8');
  return undefined;
}

/**
 * The common pkiMessage read from its DER: a ContentInfo holding a SignedData with its content
 * attached as one OCTET STRING (primitive, or constructed of primitive pieces), one SignerInfo named by issuer and serial, with signed
 * attributes, RSA PKCS#1 v1.5, its certificate among the SignedData's, and a signature that
 * verifies (over the attributes as a DER SET, whose messageDigest is the content's digest).
 * @returns undefined for any other shape, or when the signature does not verify: the library's
 *   reader then decides
 */
export function readCommonRequest(der: Uint8Array): ScepRequest | undefined {
  try {
    return readCommon(der);
  } catch {
    return undefined; // a shape this reader does not walk
  }
}

/** `octets` of an OCTET STRING element, primitive or constructed of primitive pieces (as pkijs writes it). */
function octetString(der: Uint8Array, node: DerNode | undefined): Buffer {
  if (node?.tag === 0x24)
    return Buffer.concat(derChildren(der, node).map((piece) => derValue(der, derExpect(piece, 0x04))));
  return Buffer.from(derValue(der, derExpect(node, 0x04)));
}

function readCommon(der: Uint8Array): ScepRequest | undefined {
  const outer = derExpect(derNode(der, 0), 0x30);
  if (outer.end !== der.length) return undefined;
  const info = derChildren(der, outer);
  if (derOid(der, info[0]) !== OID.signedData) return undefined;
  const signedData = derChildren(der, derExpect(derChildren(der, derExpect(info[1], 0xa0))[0], 0x30));
  // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
  const encap = derChildren(der, derExpect(signedData[2], 0x30));
  const wrapped = derChildren(der, derExpect(encap[1], 0xa0));
  if (wrapped.length !== 1) return undefined;
  const content = octetString(der, wrapped[0]);
  const certificates = signedData.find((node) => node.tag === 0xa0);
  const signerInfos = derChildren(der, derExpect(signedData[signedData.length - 1], 0x31));
  if (!certificates || signerInfos.length !== 1) return undefined;
  const signer = derChildren(der, derExpect(signerInfos[0], 0x30));
  // version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature, [1] unsignedAttrs?
  const [sidIssuer, sidSerial] = derChildren(der, derExpect(signer[1], 0x30));
  const digest = DIGESTS[derOid(der, derChildren(der, derExpect(signer[2], 0x30))[0])];
  const attributes = derExpect(signer[3], 0xa0);
  const implied = RSA_SIGNATURES[derOid(der, derChildren(der, derExpect(signer[4], 0x30))[0])];
  const signature = derValue(der, derExpect(signer[5], 0x04));
  if (!digest || implied === undefined || (implied !== null && implied !== digest)) return undefined;
  const issuer = derBytes(der, derExpect(sidIssuer, 0x30));
  const serial = derBytes(der, derExpect(sidSerial, 0x02));

  let signerCertificate: ScepCertificate | undefined;
  for (const node of derChildren(der, certificates)) {
    if (node.tag !== 0x30) continue;
    const candidate = scepCertificate(derBytes(der, node));
    if (candidate.serial.equals(serial) && candidate.issuer.equals(issuer)) {
      signerCertificate = candidate;
      break;
    }
  }
  if (!signerCertificate) return undefined;

  const found = new Map<string, DerNode>();
  for (const attribute of derChildren(der, attributes)) {
    const [type, values] = derChildren(der, derExpect(attribute, 0x30));
    const inner = derChildren(der, derExpect(values, 0x31));
    const name = derOid(der, type);
    if (inner.length !== 1 || found.has(name)) return undefined;
    found.set(name, inner[0]!);
  }
  const messageDigest = found.get(OID.messageDigest);
  const messageType = found.get(OID.messageType);
  const transactionId = found.get(OID.transactionId);
  const nonce = found.get(OID.senderNonce);
  if (!messageDigest || !messageType || !transactionId || nonce?.tag !== 0x04) return undefined;
  const type = textAt(der, messageType);
  const transaction = textAt(der, transactionId);
  if (!type || !transaction || !Object.values(ScepMessageType).includes(type as ScepMessageType))
    return undefined;
  if (
    !createHash(digest)
      .update(content)
      .digest()
      .equals(derValue(der, derExpect(messageDigest, 0x04)))
  )
    return undefined;
  // RFC 5652 5.4: the signature covers the attributes' DER with the SET OF tag, not [0].
  const signed = Buffer.from(derBytes(der, attributes));
  signed[0] = 0x31;
  const key = createPublicKey({ key: signerCertificate.spki, format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'rsa' || !verify(digest, signed, key, signature)) return undefined;
  return {
    messageType: type as ScepMessageType,
    transactionId: transaction,
    senderNonce: new Uint8Array(derValue(der, nonce)),
    signerCertificate: { ...signerCertificate, key },
    envelope: new Uint8Array(content),
  };
}

/**
 * readScepRequest through pkijs's full parse and verification: every shape, every refusal's reason
 * (exported as the reference the fast reader is tested against).
 */
export async function readRequestWithLibrary(der: Uint8Array): Promise<ScepRequest> {
  let signedData: pkijs.SignedData;
  try {
    const info = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
    if (info.contentType !== OID.signedData) throw new Error('not SignedData');
    signedData = new pkijs.SignedData({ schema: info.content });
  } catch (error) {
    throw new ScepMessageError(`pkiMessage is not a CMS SignedData: ${(error as Error).message}`);
  }
  const signer = signedData.signerInfos[0];
  if (!signer || signedData.signerInfos.length !== 1)
    throw new ScepMessageError('pkiMessage must have exactly one signer');
  const messageType = textOf(attributeValue(signer, OID.messageType));
  const transactionId = textOf(attributeValue(signer, OID.transactionId));
  const nonce = attributeValue(signer, OID.senderNonce);
  if (!messageType || !transactionId || !(nonce instanceof asn1js.OctetString))
    throw new ScepMessageError('pkiMessage lacks messageType, transactionID or senderNonce');
  if (!Object.values(ScepMessageType).includes(messageType as ScepMessageType))
    throw new ScepMessageError(`unknown messageType ${messageType}`);
  const signerCertificate = (signedData.certificates ?? []).find(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate && matchesIssuerAndSerial(c, signer.sid),
  );
  if (!signerCertificate) throw new ScepMessageError('pkiMessage does not carry its signer certificate');
  const content = signedData.encapContentInfo.eContent;
  if (!content) throw new ScepMessageError('pkiMessage has no pkcsPKIEnvelope');
  const verified = await signedData
    .verify({ signer: 0, checkChain: false, extendedMode: false })
    .catch(() => false);
  const request: ScepRequest = {
    messageType: messageType as ScepMessageType,
    transactionId,
    senderNonce: new Uint8Array(nonce.getValue()),
    signerCertificate: signerOf(signerCertificate),
    envelope: new Uint8Array(content.getValue()),
  };
  if (!verified)
    throw new ScepMessageError('pkiMessage signature does not verify', ScepFailInfo.badMessageCheck, request);
  return request;
}

/**
 * The signer certificate as the gateway reads certificates (DER). pkijs also accepts BER forms
 * (indefinite lengths) that re-encode to no valid DER: such a certificate is refused as unreadable.
 * @throws ScepMessageError
 */
function signerOf(certificate: pkijs.Certificate): ScepCertificate {
  try {
    return scepCertificate(new Uint8Array(certificate.toSchema().toBER(false)));
  } catch (error) {
    throw new ScepMessageError(`pkiMessage signer certificate is not DER: ${(error as Error).message}`);
  }
}

/** The recipient's key and certificate: the SCEP RA (RSA: key transport needs an RSA recipient). */
export interface ScepRecipient {
  certificate: ScepCertificate;
  /** The same certificate parsed by pkijs, for the library's reader. */
  cms: pkijs.Certificate;
  privateKey: KeyObject;
  /** A secret for implicit rejection of a bad key-transport padding (see `unwrapKey`). */
  rejectionKey: Buffer;
}

/**
 * RSAES-PKCS1-v1_5 key transport without a padding oracle. Node no longer decrypts PKCS#1 v1.5
 * (CVE-2023-46809, Bleichenbacher), and SCEP clients use nothing else (RFC 8894 section 3.5.2).
 * So the raw RSA operation is node's and the padding check follows RFC 8017 section 7.2.2 with
 * implicit rejection (draft-irtf-cfrg-rsa-guidance): a malformed block yields a key derived from
 * the ciphertext and a gateway secret instead of an error, so a forged envelope fails later, at
 * the content's padding, exactly like a wrong key, and the answer reveals nothing about the block.
 */
function unwrapKey(recipient: ScepRecipient, encryptedKey: Uint8Array, keyLength: number): Buffer {
  const substitute = createHmac('sha256', recipient.rejectionKey).update(encryptedKey).digest();
  const fallback = Buffer.concat([substitute, substitute]).subarray(0, keyLength);
  let block: Buffer;
  try {
    block = privateDecrypt({ key: recipient.privateKey, padding: constants.RSA_NO_PADDING }, encryptedKey);
  } catch {
    // A ciphertext of the wrong length or not below the modulus: no RSA block at all, rejected
    // like a malformed one (the content then fails to decrypt).
    return fallback;
  }
  // EM = 0x00 || 0x02 || PS (>= 8 non-zero bytes) || 0x00 || M, with |M| = keyLength.
  const separator = block.length - keyLength - 1;
  let good = block[0] === 0x00 && block[1] === 0x02 && separator >= 10 && block[separator] === 0x00 ? 1 : 0;
  for (let i = 2; i < Math.max(separator, 2); i += 1) good &= block[i] !== 0x00 ? 1 : 0;
  const key = block.subarray(block.length - keyLength);
  return good === 1 ? Buffer.from(key) : fallback;
}

/** What decrypting a pkcsPKIEnvelope needs from it, however it was read. */
interface EnvelopeFields {
  cipherOid: string;
  /** The content-encryption parameters when they are an OCTET STRING (the IV), else undefined. */
  iv: Uint8Array | undefined;
  /** The key transport addressed to the recipient, or undefined when none is. */
  transport: { algorithm: string; encryptedKey: Uint8Array } | undefined;
  /** The encrypted content, or undefined when absent. */
  encrypted: Buffer | undefined;
}

/**
 * The common pkcsPKIEnvelope read from its DER: a ContentInfo holding an EnvelopedData whose
 * KeyTransRecipientInfo names `recipient` by its issuer and serial bytes.
 * @returns undefined for any other shape (BER indefinite lengths, a recipient named otherwise):
 *   the library's reader then decides
 */
function readCommonEnvelope(der: Uint8Array, recipient: ScepCertificate): EnvelopeFields | undefined {
  const outer = derExpect(derNode(der, 0), 0x30);
  if (outer.end !== der.length) return undefined;
  const info = derChildren(der, outer);
  if (derOid(der, info[0]) !== OID.envelopedData) return undefined;
  const enveloped = derChildren(der, derExpect(derChildren(der, derExpect(info[1], 0xa0))[0], 0x30));
  // version, [0] originatorInfo?, recipientInfos, encryptedContentInfo, [1] unprotectedAttrs?
  const at = enveloped[1]?.tag === 0xa0 ? 2 : 1;
  let transport: EnvelopeFields['transport'];
  for (const node of derChildren(der, derExpect(enveloped[at], 0x31))) {
    if (node.tag !== 0x30) continue; // another kind of RecipientInfo ([1] KeyAgree, ...)
    const fields = derChildren(der, node);
    if (fields[1]?.tag !== 0x30) continue; // [0] SubjectKeyIdentifier
    const [issuer, serial] = derChildren(der, fields[1]);
    if (
      !issuer ||
      !serial ||
      !recipient.issuer.equals(derBytes(der, issuer)) ||
      !recipient.serial.equals(derBytes(der, serial))
    )
      continue;
    transport = {
      algorithm: derOid(der, derChildren(der, derExpect(fields[2], 0x30))[0]),
      encryptedKey: derValue(der, derExpect(fields[3], 0x04)),
    };
    break;
  }
  if (!transport) return undefined;
  const [, algorithm, content] = derChildren(der, derExpect(enveloped[at + 1], 0x30));
  const [cipher, parameters] = derChildren(der, derExpect(algorithm, 0x30));
  let encrypted: Buffer | undefined;
  if (content?.tag === 0x80) encrypted = Buffer.from(derValue(der, content));
  else if (content?.tag === 0xa0)
    encrypted = Buffer.concat(
      derChildren(der, content).map((chunk) => derValue(der, derExpect(chunk, 0x04))),
    );
  else if (content) return undefined;
  return {
    cipherOid: derOid(der, cipher),
    iv: parameters?.tag === 0x04 ? derValue(der, parameters) : undefined,
    transport,
    encrypted,
  };
}

/**
 * The pkcsPKIEnvelope through pkijs's full parse.
 * @throws ScepRefusal badRequest when it is not an EnvelopedData
 */
function readEnvelopeWithLibrary(envelopeDer: Uint8Array, recipient: ScepRecipient): EnvelopeFields {
  let enveloped: pkijs.EnvelopedData;
  try {
    const info = pkijs.ContentInfo.fromBER(toArrayBuffer(envelopeDer));
    if (info.contentType !== OID.envelopedData) throw new Error('not EnvelopedData');
    enveloped = new pkijs.EnvelopedData({ schema: info.content });
  } catch (error) {
    throw new ScepRefusal(
      ScepFailInfo.badRequest,
      `pkcsPKIEnvelope is unreadable: ${(error as Error).message}`,
    );
  }
  const transport = enveloped.recipientInfos
    .map((r) => r.value)
    .find(
      (r): r is pkijs.KeyTransRecipientInfo =>
        r instanceof pkijs.KeyTransRecipientInfo && matchesIssuerAndSerial(recipient.cms, r.rid),
    );
  const info = enveloped.encryptedContentInfo;
  const iv = info.contentEncryptionAlgorithm.algorithmParams;
  return {
    cipherOid: info.contentEncryptionAlgorithm.algorithmId,
    iv: iv instanceof asn1js.OctetString ? new Uint8Array(iv.getValue()) : undefined,
    transport: transport && {
      algorithm: transport.keyEncryptionAlgorithm.algorithmId,
      encryptedKey: new Uint8Array(transport.encryptedKey.getValue()),
    },
    encrypted: info.encryptedContent ? octetsOrNothing(info.encryptedContent) : undefined,
  };
}

/**
 * Decrypts a pkcsPKIEnvelope addressed to `recipient` and returns its content (a PKCS#10 request
 * for PKCSReq and RenewalReq).
 * @throws ScepRefusal badAlg for an unsupported cipher or key transport; badMessageCheck when it
 *   is not addressed to the RA or does not decrypt; badRequest when it is unreadable
 */
export function openEnvelope(envelopeDer: Uint8Array, recipient: ScepRecipient): Buffer {
  let fields: EnvelopeFields | undefined;
  try {
    fields = readCommonEnvelope(envelopeDer, recipient.certificate);
  } catch {
    fields = undefined;
  }
  fields ??= readEnvelopeWithLibrary(envelopeDer, recipient);
  openedCiphers.set(envelopeDer, fields.cipherOid);
  const { transport, iv, encrypted } = fields;
  if (!transport)
    throw new ScepRefusal(ScepFailInfo.badMessageCheck, 'pkcsPKIEnvelope is not addressed to the SCEP RA');
  if (transport.algorithm !== OID.rsaEncryption)
    throw new ScepRefusal(ScepFailInfo.badAlg, `unsupported key transport ${transport.algorithm}`);
  const cipher = CIPHERS[fields.cipherOid];
  if (!cipher || !iv || !encrypted)
    throw new ScepRefusal(ScepFailInfo.badAlg, `unsupported content encryption ${fields.cipherOid}`);
  const key = unwrapKey(recipient, transport.encryptedKey, cipher.keyLength);
  const [name, cipherKey] =
    cipher.name === 'des-cbc' ? ['des-ede3-cbc', Buffer.concat([key, key, key])] : [cipher.name, key];
  try {
    const decipher = createDecipheriv(name, cipherKey, iv);
    return Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    throw new ScepRefusal(ScepFailInfo.badMessageCheck, 'pkcsPKIEnvelope does not decrypt');
  }
}

/** The RA that signs CertReps (RSASSA-PKCS1-v1_5 with SHA-256). */
export interface ScepSigner {
  certificate: ScepCertificate;
  privateKey: KeyObject;
}

/** What to answer: SUCCESS with the issued certificate (DER) and the CA's, or FAILURE with a failInfo. */
export type CertRepOutcome =
  | { status: 'SUCCESS'; certificate: Uint8Array; caCertificates: Uint8Array[] }
  | { status: 'FAILURE'; failInfo: ScepFailInfo };

/** A degenerate ("certs-only") SignedData ContentInfo (RFC 8894 section 3.4), through pkijs. */
export function degenerateCertificates(certificates: pkijs.Certificate[]): Uint8Array {
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates,
    signerInfos: [],
  });
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}

// ---- the CertRep's encoding: the bytes pkijs writes for it, without its object model ----

const OIDS = {
  signedData: derOidBytes(OID.signedData),
  envelopedData: derOidBytes(OID.envelopedData),
  data: derOidBytes(OID.data),
  /** AlgorithmIdentifier rsaEncryption with NULL parameters (the key transport). */
  rsaEncryption: tlv(0x30, derOidBytes(OID.rsaEncryption), Buffer.from([0x05, 0x00])),
  /** AlgorithmIdentifier SHA-256 with NULL parameters, as pkijs writes the digest algorithm. */
  sha256: tlv(0x30, derOidBytes(OID.sha256), Buffer.from([0x05, 0x00])),
  /** AlgorithmIdentifier sha256WithRSAEncryption without parameters, as pkijs writes it. */
  sha256WithRsa: tlv(0x30, derOidBytes(OID.sha256WithRsa)),
  messageType: derOidBytes(OID.messageType),
  pkiStatus: derOidBytes(OID.pkiStatus),
  failInfo: derOidBytes(OID.failInfo),
  senderNonce: derOidBytes(OID.senderNonce),
  recipientNonce: derOidBytes(OID.recipientNonce),
  transactionId: derOidBytes(OID.transactionId),
  contentType: derOidBytes(OID.contentType),
  messageDigest: derOidBytes(OID.messageDigest),
};
/** BER end-of-contents octets, closing an indefinite length. */
const EOC = Buffer.from([0x00, 0x00]);
/** An indefinite-length header with `tag` (pkijs writes the envelope's outer structures this way). */
const open = (tag: number) => Buffer.from([tag, 0x80]);

/** A degenerate ("certs-only") SignedData of DER certificates, the bytes `degenerateCertificates` writes. */
export function encodeDegenerateCertificates(certificates: Uint8Array[]): Buffer {
  const signed = tlv(
    0x30,
    Buffer.from([0x02, 0x01, 0x01, 0x31, 0x00]), // version 1, no digest algorithms
    tlv(0x30, OIDS.data),
    tlv(0xa0, ...certificates),
    Buffer.from([0x31, 0x00]), // no signers
  );
  return tlv(0x30, OIDS.signedData, tlv(0xa0, signed));
}

/** The parts of an EnvelopedData with one RSA key-transport recipient (RFC 5652 section 6). */
export interface EnvelopeParts {
  recipient: ScepCertificate;
  encryptedKey: Uint8Array;
  cipherOid: string;
  iv: Uint8Array;
  encrypted: Uint8Array;
}

/**
 * The EnvelopedData ContentInfo as pkijs writes it: the ContentInfo, its [0], the EnvelopedData
 * and its EncryptedContentInfo in indefinite lengths, the encrypted content as a constructed
 * [0] of OCTET STRINGs of 1,024 bytes; everything else definite.
 */
export function encodeEnvelope(parts: EnvelopeParts): Buffer {
  const recipientInfo = tlv(
    0x30,
    Buffer.from([0x02, 0x01, 0x00]), // version 0: IssuerAndSerialNumber
    tlv(0x30, parts.recipient.issuer, parts.recipient.serial),
    OIDS.rsaEncryption,
    tlv(0x04, parts.encryptedKey),
  );
  const chunks: Buffer[] = [];
  for (let at = 0; at < parts.encrypted.length; at += 1024)
    chunks.push(tlv(0x04, parts.encrypted.subarray(at, at + 1024)));
  return Buffer.concat([
    open(0x30),
    OIDS.envelopedData,
    open(0xa0),
    open(0x30),
    Buffer.from([0x02, 0x01, 0x00]), // version 0
    tlv(0x31, recipientInfo),
    open(0x30),
    OIDS.data,
    tlv(0x30, derOidBytes(parts.cipherOid), tlv(0x04, parts.iv)),
    open(0xa0),
    ...chunks,
    EOC, // encrypted content
    EOC, // EncryptedContentInfo
    EOC, // EnvelopedData
    EOC, // [0]
    EOC, // ContentInfo
  ]);
}

/** The signed attributes of a CertRep (RFC 8894 section 3.2.1). */
export interface CertRepAttributes {
  transactionId: string;
  status: '0' | '2';
  failInfo?: ScepFailInfo;
  senderNonce: Uint8Array;
  recipientNonce: Uint8Array;
  /** SHA-256 of the content (the envelope, or nothing on FAILURE). */
  digest: Uint8Array;
}

const printable = (value: string) => tlv(0x13, Buffer.from(value, 'latin1'));
const attribute = (type: Buffer, value: Buffer) => tlv(0x30, type, tlv(0x31, value));

/**
 * The signed attributes as a DER SET (the bytes the signature covers): in DER order (X.690
 * section 11.6: a SET OF sorted by encoding), because verifiers that re-encode the parsed
 * attributes (Go's encoding/asn1, used by micromdm's scepclient) sort them.
 */
export function encodeCertRepAttributes(a: CertRepAttributes): Buffer {
  const attributes = [
    attribute(OIDS.contentType, OIDS.data),
    attribute(OIDS.messageDigest, tlv(0x04, a.digest)),
    attribute(OIDS.transactionId, printable(a.transactionId)),
    attribute(OIDS.messageType, printable(ScepMessageType.CertRep)),
    attribute(OIDS.pkiStatus, printable(a.status)),
    attribute(OIDS.senderNonce, tlv(0x04, a.senderNonce)),
    attribute(OIDS.recipientNonce, tlv(0x04, a.recipientNonce)),
    ...(a.failInfo !== undefined ? [attribute(OIDS.failInfo, printable(a.failInfo))] : []),
  ];
  return tlv(0x31, ...attributes.sort(Buffer.compare));
}

/**
 * The CertRep SignedData ContentInfo as pkijs writes it: `content` (the envelope, absent on
 * FAILURE) as a [0] holding a constructed OCTET STRING of pieces of up to 65,536 bytes, the RA's
 * certificate, one SignerInfo by issuer and serial with `attributes` (a DER SET, sent as [0]) and
 * its SHA-256 RSA `signature`.
 */
export function encodeCertRep(
  signer: ScepCertificate,
  content: Uint8Array,
  attributes: Uint8Array,
  signature: Uint8Array,
): Buffer {
  const pieces: Buffer[] = [];
  for (let at = 0; at < content.length; at += 65536) pieces.push(tlv(0x04, content.subarray(at, at + 65536)));
  const encapsulated = content.length
    ? tlv(0x30, OIDS.data, tlv(0xa0, tlv(0x24, ...pieces)))
    : tlv(0x30, OIDS.data);
  const signedAttributes = Buffer.from(attributes);
  signedAttributes[0] = 0xa0; // [0] IMPLICIT in the SignerInfo
  const signerInfo = tlv(
    0x30,
    Buffer.from([0x02, 0x01, 0x01]), // version 1: IssuerAndSerialNumber
    tlv(0x30, signer.issuer, signer.serial),
    OIDS.sha256,
    signedAttributes,
    OIDS.sha256WithRsa,
    tlv(0x04, signature),
  );
  const signed = tlv(
    0x30,
    Buffer.from([0x02, 0x01, 0x01]), // version 1
    tlv(0x31, OIDS.sha256),
    encapsulated,
    tlv(0xa0, signer.der),
    tlv(0x31, signerInfo),
  );
  return tlv(0x30, OIDS.signedData, tlv(0xa0, signed));
}

/**
 * Encrypts `content` to `recipient` (RSA key transport, PKCS#1 v1.5 as every SCEP client
 * decrypts it). The cipher follows the request: AES stays AES; DES is answered with DES-EDE3.
 */
function envelope(
  content: Uint8Array,
  recipient: ScepCertificate,
  requestCipherOid: string | undefined,
): Buffer {
  const oid =
    requestCipherOid && requestCipherOid !== '1.3.14.3.2.7' && CIPHERS[requestCipherOid]
      ? requestCipherOid
      : requestCipherOid
        ? DES_EDE3_CBC
        : AES_128_CBC;
  const cipher = CIPHERS[oid]!;
  const key = randomBytes(cipher.keyLength);
  const iv = randomBytes(cipher.name.startsWith('aes') ? 16 : 8);
  const encipher = createCipheriv(cipher.name, key, iv);
  const encrypted = Buffer.concat([encipher.update(content), encipher.final()]);
  const publicKey = recipient.key ?? createPublicKey({ key: recipient.spki, format: 'der', type: 'spki' });
  const encryptedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
  return encodeEnvelope({ recipient, encryptedKey, cipherOid: oid, iv, encrypted });
}

/**
 * The cipher OID of each envelope `openEnvelope` has read, by its bytes: the CertRep answers in
 * the request's cipher, and parsing the envelope a second time for it cost as much as opening it.
 */
const openedCiphers = new WeakMap<Uint8Array, string>();

/** The cipher OID of a request envelope, or undefined when unreadable. */
export function envelopeCipher(envelopeDer: Uint8Array): string | undefined {
  const opened = openedCiphers.get(envelopeDer);
  if (opened !== undefined) return opened;
  try {
    const info = pkijs.ContentInfo.fromBER(toArrayBuffer(envelopeDer));
    return new pkijs.EnvelopedData({ schema: info.content }).encryptedContentInfo.contentEncryptionAlgorithm
      .algorithmId;
  } catch {
    return undefined;
  }
}

/**
 * Writes the CertRep for `request` (RFC 8894 section 3.3.2): a SignedData by the RA (SHA-256,
 * RSASSA-PKCS1-v1_5) with transactionID, messageType 3, pkiStatus, failInfo (FAILURE), a fresh
 * senderNonce and the request's nonce as recipientNonce; on SUCCESS its content is the issued
 * certificate and the CA's as a certs-only SignedData, encrypted to the request's signer
 * certificate. The signature runs on libuv's thread pool.
 */
export async function writeCertRep(
  request: ScepRequest,
  signer: ScepSigner,
  outcome: CertRepOutcome,
): Promise<Buffer> {
  const content =
    outcome.status === 'SUCCESS'
      ? envelope(
          encodeDegenerateCertificates([outcome.certificate, ...outcome.caCertificates]),
          request.signerCertificate,
          envelopeCipher(request.envelope),
        )
      : Buffer.alloc(0);
  const attributes = encodeCertRepAttributes({
    transactionId: request.transactionId,
    status: outcome.status === 'SUCCESS' ? '0' : '2',
    ...(outcome.status === 'FAILURE' ? { failInfo: outcome.failInfo } : {}),
    senderNonce: randomBytes(16),
    recipientNonce: request.senderNonce,
    digest: createHash('sha256').update(content).digest(),
  });
  const signature = await new Promise<Buffer>((resolve, reject) =>
    sign('sha256', attributes, signer.privateKey, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
  return encodeCertRep(signer.certificate, content, attributes, signature);
}
