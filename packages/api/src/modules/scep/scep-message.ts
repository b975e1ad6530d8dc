/**
 * SCEP messages (RFC 8894 section 3): reading a client's pkiMessage (a CMS SignedData whose
 * content is an EnvelopedData holding a PKCS#10 request) and writing the CertRep answer. The CMS
 * and ASN.1 structures are pkijs's (parsing, signature verification, signing); the ciphers are
 * node:crypto's. No database and no HTTP: the SCEP service decides, this module encodes.
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
  type KeyObject,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

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
} as const;

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

/** A verified client pkiMessage. */
export interface ScepRequest {
  messageType: ScepMessageType;
  transactionId: string;
  senderNonce: Uint8Array;
  /** The certificate that signed the message (self-signed for PKCSReq, the current one for RenewalReq), DER. */
  signerCertificate: pkijs.Certificate;
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
    signerCertificate,
    envelope: new Uint8Array(content.getValue()),
  };
  if (!verified)
    throw new ScepMessageError('pkiMessage signature does not verify', ScepFailInfo.badMessageCheck, request);
  return request;
}

/** The recipient's key and certificate: the SCEP RA (RSA: key transport needs an RSA recipient). */
export interface ScepRecipient {
  certificate: pkijs.Certificate;
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
  const block = privateDecrypt(
    { key: recipient.privateKey, padding: constants.RSA_NO_PADDING },
    encryptedKey,
  );
  const substitute = createHmac('sha256', recipient.rejectionKey).update(encryptedKey).digest();
  const fallback = Buffer.concat([substitute, substitute]).subarray(0, keyLength);
  // EM = 0x00 || 0x02 || PS (>= 8 non-zero bytes) || 0x00 || M, with |M| = keyLength.
  const separator = block.length - keyLength - 1;
  let good = block[0] === 0x00 && block[1] === 0x02 && separator >= 10 && block[separator] === 0x00 ? 1 : 0;
  for (let i = 2; i < Math.max(separator, 2); i += 1) good &= block[i] !== 0x00 ? 1 : 0;
  const key = block.subarray(block.length - keyLength);
  return good === 1 ? Buffer.from(key) : fallback;
}

/**
 * Decrypts a pkcsPKIEnvelope addressed to `recipient` and returns its content (a PKCS#10 request
 * for PKCSReq and RenewalReq).
 * @throws ScepRefusal badAlg for an unsupported cipher or key transport; badMessageCheck when it
 *   is not addressed to the RA or does not decrypt
 */
export function openEnvelope(envelopeDer: Uint8Array, recipient: ScepRecipient): Buffer {
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
  openedCiphers.set(envelopeDer, enveloped.encryptedContentInfo.contentEncryptionAlgorithm.algorithmId);
  const transport = enveloped.recipientInfos
    .map((r) => r.value)
    .find(
      (r): r is pkijs.KeyTransRecipientInfo =>
        r instanceof pkijs.KeyTransRecipientInfo && matchesIssuerAndSerial(recipient.certificate, r.rid),
    );
  if (!transport)
    throw new ScepRefusal(ScepFailInfo.badMessageCheck, 'pkcsPKIEnvelope is not addressed to the SCEP RA');
  if (transport.keyEncryptionAlgorithm.algorithmId !== OID.rsaEncryption)
    throw new ScepRefusal(
      ScepFailInfo.badAlg,
      `unsupported key transport ${transport.keyEncryptionAlgorithm.algorithmId}`,
    );
  const info = enveloped.encryptedContentInfo;
  const cipher = CIPHERS[info.contentEncryptionAlgorithm.algorithmId];
  const iv = info.contentEncryptionAlgorithm.algorithmParams;
  if (!cipher || !(iv instanceof asn1js.OctetString) || !info.encryptedContent)
    throw new ScepRefusal(
      ScepFailInfo.badAlg,
      `unsupported content encryption ${info.contentEncryptionAlgorithm.algorithmId}`,
    );
  const key = unwrapKey(recipient, new Uint8Array(transport.encryptedKey.getValue()), cipher.keyLength);
  const [name, cipherKey] =
    cipher.name === 'des-cbc' ? ['des-ede3-cbc', Buffer.concat([key, key, key])] : [cipher.name, key];
  try {
    const decipher = createDecipheriv(name, cipherKey, Buffer.from(iv.getValue()));
    return Buffer.concat([decipher.update(octetsOf(info.encryptedContent)), decipher.final()]);
  } catch {
    throw new ScepRefusal(ScepFailInfo.badMessageCheck, 'pkcsPKIEnvelope does not decrypt');
  }
}

/** The RA that signs CertReps: its certificate and WebCrypto signing key (RSASSA-PKCS1-v1_5). */
export interface ScepSigner {
  cms: pkijs.Certificate;
  signingKey: CryptoKey;
}
type CryptoKey = Parameters<pkijs.SignedData['sign']>[0];

/** What to answer: SUCCESS with the issued certificate, or FAILURE with a failInfo. */
export type CertRepOutcome =
  | { status: 'SUCCESS'; certificate: pkijs.Certificate; caCertificates: pkijs.Certificate[] }
  | { status: 'FAILURE'; failInfo: ScepFailInfo };

/**
 * The attributes in DER order (X.690 section 11.6: a SET OF sorted by encoding). The signature
 * covers the DER encoding, and verifiers that re-encode the parsed attributes (Go's
 * encoding/asn1, used by micromdm's scepclient) sort them, so unsorted ones would not verify.
 */
function derOrdered(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const encoded = attributes.map((attribute) => ({
    attribute,
    der: Buffer.from(attribute.toSchema().toBER(false)),
  }));
  return encoded.sort((a, b) => Buffer.compare(a.der, b.der)).map((e) => e.attribute);
}

/** A degenerate ("certs-only") SignedData ContentInfo (RFC 8894 section 3.4). */
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

/**
 * Encrypts `content` to `recipient` (RSA key transport, PKCS#1 v1.5 as every SCEP client
 * decrypts it). The cipher follows the request: AES stays AES; DES is answered with DES-EDE3.
 */
function envelope(
  content: Uint8Array,
  recipient: pkijs.Certificate,
  requestCipherOid: string | undefined,
): Uint8Array {
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
  const publicKey = createPublicKey({
    key: Buffer.from(recipient.subjectPublicKeyInfo.toSchema().toBER(false)),
    format: 'der',
    type: 'spki',
  });
  const encryptedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
  const enveloped = new pkijs.EnvelopedData({
    version: 0,
    recipientInfos: [
      new pkijs.RecipientInfo({
        variant: 1,
        value: new pkijs.KeyTransRecipientInfo({
          version: 0,
          rid: new pkijs.IssuerAndSerialNumber({
            issuer: recipient.issuer,
            serialNumber: recipient.serialNumber,
          }),
          keyEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({
            algorithmId: OID.rsaEncryption,
            algorithmParams: new asn1js.Null(),
          }),
          encryptedKey: new asn1js.OctetString({ valueHex: encryptedKey }),
        }),
      }),
    ],
    encryptedContentInfo: new pkijs.EncryptedContentInfo({
      contentType: OID.data,
      contentEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: oid,
        algorithmParams: new asn1js.OctetString({ valueHex: iv }),
      }),
      encryptedContent: new asn1js.OctetString({ valueHex: encrypted }),
    }),
  });
  const info = new pkijs.ContentInfo({ contentType: OID.envelopedData, content: enveloped.toSchema() });
  return new Uint8Array(info.toSchema().toBER(false));
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
 * certificate as a certs-only SignedData, encrypted to the request's signer certificate.
 */
export async function writeCertRep(
  request: ScepRequest,
  signer: ScepSigner,
  outcome: CertRepOutcome,
): Promise<Buffer> {
  const printable = (value: string) => new asn1js.PrintableString({ value });
  const content =
    outcome.status === 'SUCCESS'
      ? envelope(
          degenerateCertificates([outcome.certificate, ...outcome.caCertificates]),
          request.signerCertificate,
          envelopeCipher(request.envelope),
        )
      : new Uint8Array(0);
  const digest = createHash('sha256').update(content).digest();
  const attributes = [
    new pkijs.Attribute({
      type: OID.contentType,
      values: [new asn1js.ObjectIdentifier({ value: OID.data })],
    }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
    new pkijs.Attribute({ type: OID.transactionId, values: [printable(request.transactionId)] }),
    new pkijs.Attribute({ type: OID.messageType, values: [printable(ScepMessageType.CertRep)] }),
    new pkijs.Attribute({
      type: OID.pkiStatus,
      values: [printable(outcome.status === 'SUCCESS' ? '0' : '2')],
    }),
    new pkijs.Attribute({
      type: OID.senderNonce,
      values: [new asn1js.OctetString({ valueHex: randomBytes(16) })],
    }),
    new pkijs.Attribute({
      type: OID.recipientNonce,
      values: [new asn1js.OctetString({ valueHex: toArrayBuffer(request.senderNonce) })],
    }),
  ];
  if (outcome.status === 'FAILURE')
    attributes.push(new pkijs.Attribute({ type: OID.failInfo, values: [printable(outcome.failInfo)] }));
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID.data,
      ...(content.length ? { eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(content) }) } : {}),
    }),
    certificates: [signer.cms],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: signer.cms.issuer,
          serialNumber: signer.cms.serialNumber,
        }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: derOrdered(attributes) }),
      }),
    ],
  });
  await signed.sign(signer.signingKey, 0, 'SHA-256');
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}
