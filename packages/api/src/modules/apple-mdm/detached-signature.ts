import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { derChildren, derExpect, derNode, derOid, type DerNode } from '../certificate/der.js';

/**
 * The common shapes of a detached CMS signature (RFC 5652 SignedData, no encapsulated content),
 * verified with `node:crypto` on the DER itself: what Apple devices and `openssl cms -sign` send
 * as `Mdm-Signature` on every protocol check-in. Parsing the whole structure with asn1js and
 * verifying through WebCrypto cost ~22 % of the gateway's CPU per check-in (docs/performance.md);
 * this reads only the fields the verification needs.
 *
 * Handled: the first SignerInfo named by issuer and serial number, its certificate among the
 * SignedData's, SHA-1/256/384/512, RSA PKCS#1 v1.5 or ECDSA, with signed attributes (the
 * messageDigest attribute must hold the body's digest; the signature covers the attributes as a
 * DER SET) or without (the signature covers the body). Anything else returns `undefined`, and so
 * does a signature that does not verify: the caller then runs the general verifier, which
 * decides and says why.
 */

const OID = {
  signedData: '1.2.840.113549.1.7.2',
  messageDigest: '1.2.840.113549.1.9.4',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaSha1: '1.2.840.10045.4.1',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
} as const;

const DIGESTS: Record<string, string> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

/** Signature algorithms: the key type they need and the digest they imply (null: the SignerInfo's). */
const SIGNATURES: Record<string, { key: 'rsa' | 'ec'; digest: string | null }> = {
  [OID.rsaEncryption]: { key: 'rsa', digest: null },
  [OID.sha1WithRsa]: { key: 'rsa', digest: 'sha1' },
  [OID.sha256WithRsa]: { key: 'rsa', digest: 'sha256' },
  [OID.sha384WithRsa]: { key: 'rsa', digest: 'sha384' },
  [OID.sha512WithRsa]: { key: 'rsa', digest: 'sha512' },
  [OID.ecPublicKey]: { key: 'ec', digest: null },
  [OID.ecdsaSha1]: { key: 'ec', digest: 'sha1' },
  [OID.ecdsaSha256]: { key: 'ec', digest: 'sha256' },
  [OID.ecdsaSha384]: { key: 'ec', digest: 'sha384' },
  [OID.ecdsaSha512]: { key: 'ec', digest: 'sha512' },
};

/** One DER element: its tag byte, where its value starts and where it ends (exclusive). */
const bytes = (der: Buffer, node: DerNode) => der.subarray(node.start, node.end);
const value = (der: Buffer, node: DerNode) => der.subarray(node.valueStart, node.end);

/** A certificate's public key and the identifiers a SignerInfo names it by. */
interface SignerCandidate {
  cacheKey: string;
  der: Buffer;
  issuer: Buffer;
  serial: Buffer;
  key: KeyObject;
}

/**
 * Parsed signer certificates (public key, issuer, serial) by the SHA-256 of their DER, kept only
 * once a signature by them verified (a sender cannot fill it with certificates of its choosing),
 * and bounded by their size: 16 MiB of DER, about 10,000 device certificates.
 */
const candidates = new LRUCache<string, SignerCandidate>({
  maxSize: 16 * 1024 * 1024,
  sizeCalculation: (c) => c.der.length + 256,
});

/** How many signer certificates are cached (each one that signed a message that verified). */
export const cachedSignerCertificates = (): number => candidates.size;

function candidate(der: Buffer): SignerCandidate {
  const cacheKey = createHash('sha256').update(der).digest('base64');
  const hit = candidates.get(cacheKey);
  if (hit) return hit;
  const certificate = derNode(der, 0);
  const tbs = derChildren(der, derExpect(derChildren(der, derExpect(certificate, 0x30))[0], 0x30));
  const fields = tbs[0]?.tag === 0xa0 ? tbs.slice(1) : tbs; // [0] version is optional
  const serial = derExpect(fields[0], 0x02);
  const issuer = derExpect(fields[2], 0x30);
  const spki = derExpect(fields[5], 0x30);
  const found: SignerCandidate = {
    cacheKey,
    der: Buffer.from(der),
    issuer: Buffer.from(bytes(der, issuer)),
    serial: Buffer.from(value(der, serial)),
    key: createPublicKey({ key: bytes(der, spki), format: 'der', type: 'spki' }),
  };
  return found;
}

/**
 * Verifies the detached signature `der` (a ContentInfo holding a SignedData) over `body`.
 * @returns the signer's certificate (DER) when the first signer signed `body`; `undefined` when
 *   the signature does not verify or has a shape this reader leaves to the general verifier
 */
export function verifyDetachedCms(der: Buffer, body: Buffer): Buffer | undefined {
  try {
    return verifyOrThrow(der, body);
  } catch {
    return undefined;
  }
}

function verifyOrThrow(der: Buffer, body: Buffer): Buffer | undefined {
  const info = derChildren(der, derExpect(derNode(der, 0), 0x30));
  if (derOid(der, info[0]!) !== OID.signedData) return undefined;
  const signedData = derChildren(der, derExpect(derChildren(der, derExpect(info[1], 0xa0))[0], 0x30));
  // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
  const encap = derChildren(der, derExpect(signedData[2], 0x30));
  if (encap.length > 1) return undefined; // content attached: not a detached signature
  const certificates = signedData.find((t) => t.tag === 0xa0);
  const signerInfos = derExpect(signedData[signedData.length - 1], 0x31);
  if (!certificates) return undefined;
  const signer = derChildren(der, derChildren(der, signerInfos)[0] ?? derExpect(undefined, 0x30));
  // version, sid, digestAlgorithm, [0] signedAttrs?, signatureAlgorithm, signature, [1] unsignedAttrs?
  const sid = derExpect(signer[1], 0x30); // IssuerAndSerialNumber; a SubjectKeyIdentifier is left over
  const [sidIssuer, sidSerial] = derChildren(der, sid);
  const digest = DIGESTS[derOid(der, derChildren(der, derExpect(signer[2], 0x30))[0]!)];
  if (!digest || !sidIssuer || !sidSerial) return undefined;
  let next = 3;
  const signedAttributes = signer[next]?.tag === 0xa0 ? signer[next++] : undefined;
  const algorithm = SIGNATURES[derOid(der, derChildren(der, derExpect(signer[next++], 0x30))[0]!)];
  const signature = value(der, derExpect(signer[next], 0x04));
  if (!algorithm || (algorithm.digest && algorithm.digest !== digest)) return undefined;

  const issuer = bytes(der, derExpect(sidIssuer, 0x30));
  const serial = value(der, derExpect(sidSerial, 0x02));
  let signerCertificate: SignerCandidate | undefined;
  for (const certificate of derChildren(der, certificates)) {
    if (certificate.tag !== 0x30) continue;
    const found = candidate(bytes(der, certificate));
    if (found.serial.equals(serial) && found.issuer.equals(issuer)) {
      signerCertificate = found;
      break;
    }
  }
  if (!signerCertificate || signerCertificate.key.asymmetricKeyType !== algorithm.key) return undefined;

  let signed: Buffer;
  if (signedAttributes) {
    let messageDigest: Buffer | undefined;
    for (const attribute of derChildren(der, signedAttributes)) {
      const [type, values] = derChildren(der, derExpect(attribute, 0x30));
      if (derOid(der, type!) !== OID.messageDigest) continue;
      const inner = derChildren(der, derExpect(values, 0x31));
      if (inner.length !== 1 || messageDigest) return undefined;
      messageDigest = value(der, derExpect(inner[0], 0x04));
    }
    if (!messageDigest || !createHash(digest).update(body).digest().equals(messageDigest)) return undefined;
    // RFC 5652 5.4: the signature covers the attributes' DER with the SET OF tag, not [0].
    signed = Buffer.from(bytes(der, signedAttributes));
    signed[0] = 0x31;
  } else {
    signed = body;
  }
  const key =
    algorithm.key === 'ec'
      ? { key: signerCertificate.key, dsaEncoding: 'der' as const }
      : signerCertificate.key;
  if (!verify(digest, signed, key, signature)) return undefined;
  candidates.set(signerCertificate.cacheKey, signerCertificate);
  return signerCertificate.der;
}
