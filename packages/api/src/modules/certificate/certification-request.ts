/**
 * A PKCS#10 request (RFC 2986) read by walking its DER for what issuance needs, instead of
 * @peculiar/x509's parse (its ASN.1 schema parser was the costliest step left in a SCEP
 * enrollment). Only the common shape is read: DER, RSASSA-PKCS1-v1_5 or ECDSA with SHA-1/2;
 * anything else is left to the library (the reader returns undefined).
 */
import type { KeyObject } from 'node:crypto';
import { derBytes, derChildren, derExpect, derNode, derOid, derValue } from './der.js';

/** PKCS#9 challengePassword (RFC 2985 5.4.1). */
export const CHALLENGE_PASSWORD_OID = '1.2.840.113549.1.9.7';

/** What issuance reads of a PKCS#10 request; byte fields are views into `der`. */
export interface CertificationRequestFields {
  /** The whole request. */
  der: Uint8Array;
  /** The CertificationRequestInfo element: the signed bytes. */
  info: Uint8Array;
  /** The subject Name element. */
  subject: Uint8Array;
  /** The SubjectPublicKeyInfo element. */
  spki: Buffer;
  /** The PKCS#9 challengePassword (PrintableString or UTF8String); '' when absent. */
  challengePassword: string;
  /** The signature's digest, as node:crypto names it (`sha256`, ...). */
  digest: string;
  /** The key type the signature algorithm needs. */
  keyType: 'rsa' | 'ec';
  /** The signature (the BIT STRING's bytes, no unused-bits octet; DER ECDSA-Sig-Value for EC). */
  signature: Uint8Array;
  /**
   * `spki` as a key, when the caller already made one of the same bytes (SCEP: the PKCSReq's
   * signer has the requested key), so issuance does not import it again. Never set by the reader.
   */
  key?: KeyObject;
}

/** Signature algorithm OIDs read here: digest, key type, whether parameters are NULL-or-absent (RSA) or absent (ECDSA). */
const SIGNATURE_ALGORITHMS: Record<string, { digest: string; keyType: 'rsa' | 'ec' }> = {
  '1.2.840.113549.1.1.5': { digest: 'sha1', keyType: 'rsa' },
  '1.2.840.113549.1.1.11': { digest: 'sha256', keyType: 'rsa' },
  '1.2.840.113549.1.1.12': { digest: 'sha384', keyType: 'rsa' },
  '1.2.840.113549.1.1.13': { digest: 'sha512', keyType: 'rsa' },
  '1.2.840.10045.4.1': { digest: 'sha1', keyType: 'ec' },
  '1.2.840.10045.4.3.2': { digest: 'sha256', keyType: 'ec' },
  '1.2.840.10045.4.3.3': { digest: 'sha384', keyType: 'ec' },
  '1.2.840.10045.4.3.4': { digest: 'sha512', keyType: 'ec' },
};

/**
 * The fields of a DER PKCS#10 request: SEQUENCE { CertificationRequestInfo SEQUENCE { version
 * INTEGER, subject Name, SubjectPublicKeyInfo, [0] attributes }, AlgorithmIdentifier, BIT STRING }.
 * Nothing is verified here (the caller checks the key and the signature).
 * @returns undefined for anything else: BER, trailing bytes, another signature algorithm or
 *   parameters, a challenge password of another string type (the caller then asks the library)
 */
export function readCertificationRequest(der: Uint8Array): CertificationRequestFields | undefined {
  try {
    const outer = derExpect(derNode(der, 0), 0x30);
    if (outer.end !== der.length) return undefined;
    const [info, algorithm, bits, extra] = derChildren(der, outer);
    if (extra) return undefined;
    const [version, subject, spki, attributes, more] = derChildren(der, derExpect(info, 0x30));
    if (more) return undefined;
    derExpect(version, 0x02);
    derExpect(subject, 0x30);
    derExpect(spki, 0x30);
    let challengePassword = '';
    for (const attribute of attributes ? derChildren(der, derExpect(attributes, 0xa0)) : []) {
      const [type, values] = derChildren(der, derExpect(attribute, 0x30));
      if (derOid(der, type) !== CHALLENGE_PASSWORD_OID) continue;
      const [value] = derChildren(der, derExpect(values, 0x31));
      if (value?.tag !== 0x13 && value?.tag !== 0x0c) return undefined;
      challengePassword = Buffer.from(derValue(der, value)).toString('utf8');
      break;
    }
    const [oid, parameters, other] = derChildren(der, derExpect(algorithm, 0x30));
    const signatureAlgorithm = SIGNATURE_ALGORITHMS[derOid(der, oid)];
    if (!signatureAlgorithm || other) return undefined;
    // RFC 4055: RSA PKCS#1 v1.5 parameters are NULL (absent tolerated); RFC 5758: ECDSA's are absent.
    if (
      parameters &&
      (signatureAlgorithm.keyType === 'ec' ||
        parameters.tag !== 0x05 ||
        parameters.end !== parameters.valueStart)
    )
      return undefined;
    const signature = derValue(der, derExpect(bits, 0x03));
    if (signature.length < 2 || signature[0] !== 0) return undefined; // unused bits
    return {
      der,
      info: derBytes(der, info!),
      subject: derBytes(der, subject!),
      spki: Buffer.from(derBytes(der, spki!)),
      challengePassword,
      ...signatureAlgorithm,
      signature: signature.subarray(1),
    };
  } catch {
    return undefined;
  }
}
