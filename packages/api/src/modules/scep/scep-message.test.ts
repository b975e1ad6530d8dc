import {
  constants,
  createCipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  publicEncrypt,
  randomBytes,
  webcrypto,
  type KeyObject,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { RSA_PKCS1_SHA256, x509, type CryptoKey } from '../certificate/x509-runtime.js';
import {
  degenerateCertificates,
  encodeCertRep,
  encodeCertRepAttributes,
  encodeDegenerateCertificates,
  encodeEnvelope,
  openEnvelope,
  readCommonRequest,
  readRequestWithLibrary,
  readScepRequest,
  ScepFailInfo,
  ScepMessageError,
  ScepRefusal,
  scepCertificate,
  type CertRepAttributes,
  type EnvelopeParts,
  type ScepRecipient,
} from './scep-message.js';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  messageType: '2.16.840.1.113733.1.9.2',
  pkiStatus: '2.16.840.1.113733.1.9.3',
  failInfo: '2.16.840.1.113733.1.9.4',
  senderNonce: '2.16.840.1.113733.1.9.5',
  recipientNonce: '2.16.840.1.113733.1.9.6',
  transactionId: '2.16.840.1.113733.1.9.7',
  aes128: '2.16.840.1.101.3.4.1.2',
  desEde3: '1.2.840.113549.3.7',
};

const buffer = (bytes: Uint8Array): ArrayBuffer => Uint8Array.from(bytes).buffer;

/** An RSA 2048 key and a self-signed certificate for it, in every form the tests need. */
interface Party {
  der: Uint8Array;
  cms: pkijs.Certificate;
  signingKey: CryptoKey;
  privateKey: KeyObject;
}

async function party(name: string, serialNumber: string): Promise<Party> {
  const keys = (await webcrypto.subtle.generateKey(
    { ...RSA_PKCS1_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber,
    name: `CN=${name}, O=Contoso`,
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2028-01-01T00:00:00Z'),
    keys,
    signingAlgorithm: RSA_PKCS1_SHA256,
  });
  const der = new Uint8Array(certificate.rawData);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    der,
    cms: pkijs.Certificate.fromBER(buffer(der)),
    signingKey: keys.privateKey,
    privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }),
  };
}

/** The EnvelopedData as the library writes it (the gateway's encoding before this module wrote its own). */
function libraryEnvelope(parts: EnvelopeParts, recipient: pkijs.Certificate): Uint8Array {
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
          encryptedKey: new asn1js.OctetString({ valueHex: buffer(parts.encryptedKey) }),
        }),
      }),
    ],
    encryptedContentInfo: new pkijs.EncryptedContentInfo({
      contentType: OID.data,
      contentEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: parts.cipherOid,
        algorithmParams: new asn1js.OctetString({ valueHex: buffer(parts.iv) }),
      }),
      encryptedContent: new asn1js.OctetString({ valueHex: buffer(parts.encrypted) }),
    }),
  });
  const info = new pkijs.ContentInfo({ contentType: OID.envelopedData, content: enveloped.toSchema() });
  return new Uint8Array(info.toSchema().toBER(false));
}

/** The CertRep SignedData as the library writes and signs it, with the same attribute values. */
async function libraryCertRep(signer: Party, content: Uint8Array, a: CertRepAttributes): Promise<Uint8Array> {
  const printable = (value: string) => new asn1js.PrintableString({ value });
  const attributes = [
    new pkijs.Attribute({
      type: OID.contentType,
      values: [new asn1js.ObjectIdentifier({ value: OID.data })],
    }),
    new pkijs.Attribute({
      type: OID.messageDigest,
      values: [new asn1js.OctetString({ valueHex: buffer(a.digest) })],
    }),
    new pkijs.Attribute({ type: OID.transactionId, values: [printable(a.transactionId)] }),
    new pkijs.Attribute({ type: OID.messageType, values: [printable('3')] }),
    new pkijs.Attribute({ type: OID.pkiStatus, values: [printable(a.status)] }),
    new pkijs.Attribute({
      type: OID.senderNonce,
      values: [new asn1js.OctetString({ valueHex: buffer(a.senderNonce) })],
    }),
    new pkijs.Attribute({
      type: OID.recipientNonce,
      values: [new asn1js.OctetString({ valueHex: buffer(a.recipientNonce) })],
    }),
  ];
  if (a.failInfo !== undefined)
    attributes.push(new pkijs.Attribute({ type: OID.failInfo, values: [printable(a.failInfo)] }));
  const ordered = attributes
    .map((attribute) => ({ attribute, der: Buffer.from(attribute.toSchema().toBER(false)) }))
    .sort((x, y) => Buffer.compare(x.der, y.der))
    .map((e) => e.attribute);
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID.data,
      ...(content.length ? { eContent: new asn1js.OctetString({ valueHex: buffer(content) }) } : {}),
    }),
    certificates: [signer.cms],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: signer.cms.issuer,
          serialNumber: signer.cms.serialNumber,
        }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: ordered }),
      }),
    ],
  });
  await signed.sign(signer.signingKey, 0, 'SHA-256');
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}

/** A client pkiMessage (PKCSReq) over `envelope`, written and signed by the library. */
async function libraryRequest(
  client: Party,
  envelope: Uint8Array,
  options: { transactionId?: string; nonce?: Uint8Array; messageType?: string } = {},
): Promise<Uint8Array> {
  const printable = (value: string) => new asn1js.PrintableString({ value });
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID.data,
      eContent: new asn1js.OctetString({ valueHex: buffer(envelope) }),
    }),
    certificates: [client.cms],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: client.cms.issuer,
          serialNumber: client.cms.serialNumber,
        }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          attributes: [
            new pkijs.Attribute({
              type: OID.contentType,
              values: [new asn1js.ObjectIdentifier({ value: OID.data })],
            }),
            new pkijs.Attribute({
              type: OID.messageDigest,
              values: [
                new asn1js.OctetString({ valueHex: buffer(createHash('sha256').update(envelope).digest()) }),
              ],
            }),
            new pkijs.Attribute({ type: OID.messageType, values: [printable(options.messageType ?? '19')] }),
            new pkijs.Attribute({
              type: OID.transactionId,
              values: [printable(options.transactionId ?? 'tx-1')],
            }),
            new pkijs.Attribute({
              type: OID.senderNonce,
              values: [
                new asn1js.OctetString({ valueHex: buffer(options.nonce ?? new Uint8Array(16).fill(9)) }),
              ],
            }),
          ],
        }),
      }),
    ],
  });
  await signed.sign(client.signingKey, 0, 'SHA-256', buffer(envelope));
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}

describe('SCEP messages without the library object model', () => {
  let ra: Party;
  let client: Party;
  let device: Party;

  beforeAll(async () => {
    [ra, client, device] = await Promise.all([
      party('SCEP RA', '0a1b2c'),
      party('scep-client', '7f'),
      party('device', '00ff10'),
    ]);
  });

  const attributes = (extra: Partial<CertRepAttributes> = {}): CertRepAttributes => ({
    transactionId: 'F1E2D3C4B5A69788',
    status: '0',
    senderNonce: randomBytes(16),
    recipientNonce: randomBytes(16),
    digest: randomBytes(32),
    ...extra,
  });

  it('writes the certs-only SignedData in the bytes the library writes', () => {
    for (const list of [[device], [device, ra], [device, ra, client]])
      expect(Buffer.from(encodeDegenerateCertificates(list.map((p) => p.der)))).toEqual(
        Buffer.from(degenerateCertificates(list.map((p) => p.cms))),
      );
  });

  it('writes the EnvelopedData in the bytes the library writes, for every content size and cipher', () => {
    const recipient = scepCertificate(client.der);
    for (const size of [16, 1008, 1024, 1040, 2048, 3000, 70_000])
      for (const [cipherOid, ivLength] of [
        [OID.aes128, 16],
        [OID.desEde3, 8],
      ] as const) {
        const parts: EnvelopeParts = {
          recipient,
          encryptedKey: randomBytes(256),
          cipherOid,
          iv: randomBytes(ivLength),
          encrypted: randomBytes(size),
        };
        expect(encodeEnvelope(parts)).toEqual(Buffer.from(libraryEnvelope(parts, client.cms)));
      }
  });

  it('writes and signs the CertRep in the bytes the library writes and signs (SUCCESS and FAILURE)', async () => {
    const signer = scepCertificate(ra.der);
    const cases: [Uint8Array, CertRepAttributes][] = [
      [randomBytes(2100), attributes()],
      [randomBytes(70_000), attributes({ transactionId: 'a'.repeat(200) })],
      [new Uint8Array(0), attributes({ status: '2', failInfo: ScepFailInfo.badRequest })],
      [new Uint8Array(0), attributes({ status: '2', failInfo: ScepFailInfo.badMessageCheck })],
    ];
    for (const [content, a] of cases) {
      const signedAttributes = encodeCertRepAttributes(a);
      const signature = Buffer.from(
        await webcrypto.subtle.sign(RSA_PKCS1_SHA256, ra.signingKey, signedAttributes),
      );
      expect(encodeCertRep(signer, content, signedAttributes, signature)).toEqual(
        Buffer.from(await libraryCertRep(ra, content, a)),
      );
    }
  });

  it('reads a pkiMessage as the library does, and leaves what it does not verify to the library', async () => {
    const envelope = randomBytes(600);
    const message = await libraryRequest(client, envelope, {
      transactionId: 'T-42',
      nonce: new Uint8Array(16).fill(3),
    });
    const fast = await readScepRequest(message);
    expect(readCommonRequest(message)).toEqual(fast);
    // The same fields; the fast reader also keeps the signer's key object it verified with.
    expect(fast.signerCertificate.key?.asymmetricKeyType).toBe('rsa');
    const { key: _key, ...signer } = fast.signerCertificate;
    expect({ ...fast, signerCertificate: signer }).toEqual(await readRequestWithLibrary(message));
    expect(fast.signerCertificate.der).toEqual(Buffer.from(client.der));
    expect(Buffer.from(fast.envelope)).toEqual(envelope);
    expect(fast.transactionId).toBe('T-42');

    // A flipped byte in the signed content: the library's reader answers, with its reason.
    const tampered = Buffer.from(message);
    const at = tampered.indexOf(envelope.subarray(0, 32)) + 5;
    tampered[at] = tampered[at]! ^ 0xff;
    expect(readCommonRequest(tampered)).toBeUndefined();
    const error = await readScepRequest(tampered).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScepMessageError);
    expect((error as ScepMessageError).failInfo).toBe(ScepFailInfo.badMessageCheck);

    const unknown = await libraryRequest(client, envelope, { messageType: '99' });
    await expect(readScepRequest(unknown)).rejects.toThrow('unknown messageType 99');
  });

  it('opens envelopes in its encoding and in BER it leaves to the library', async () => {
    const recipient: ScepRecipient = {
      certificate: scepCertificate(ra.der),
      cms: ra.cms,
      privateKey: ra.privateKey,
      rejectionKey: randomBytes(32),
    };
    const content = randomBytes(1500);
    const key = randomBytes(16);
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', key, iv);
    const parts: EnvelopeParts = {
      recipient: recipient.certificate,
      encryptedKey: publicEncrypt(
        {
          key: createPublicKey({ key: recipient.certificate.spki, format: 'der', type: 'spki' }),
          padding: constants.RSA_PKCS1_PADDING,
        },
        key,
      ),
      cipherOid: OID.aes128,
      iv,
      encrypted: Buffer.concat([cipher.update(content), cipher.final()]),
    };
    expect(openEnvelope(encodeEnvelope(parts), recipient)).toEqual(content);
    expect(openEnvelope(libraryEnvelope(parts, ra.cms), recipient)).toEqual(content);
    // An encrypted key that is no RSA ciphertext for the RA's modulus (too long, not below it):
    // refused as an envelope that does not decrypt, like any bad key.
    // The substitute key may, rarely, leave a valid final padding: then garbage comes out, never the content.
    const opened = (encryptedKey: Buffer) => {
      try {
        return openEnvelope(encodeEnvelope({ ...parts, encryptedKey }), recipient);
      } catch (error) {
        if (error instanceof ScepRefusal && error.failInfo === ScepFailInfo.badMessageCheck) return 'refused';
        throw error;
      }
    };
    for (const encryptedKey of [Buffer.alloc(256, 0xff), Buffer.alloc(512, 0x01), Buffer.alloc(3, 0x01)])
      expect(opened(encryptedKey)).not.toEqual(content);
    // Addressed to someone else: refused by the library's reader.
    expect(() =>
      openEnvelope(encodeEnvelope({ ...parts, recipient: scepCertificate(client.der) }), recipient),
    ).toThrow('not addressed to the SCEP RA');
  });
});
