/**
 * ECDSA P-256 key pairs for server-generated device keys, as SPKI and PKCS#8 DER.
 *
 * Why not `generateKeyPair('ec')` with DER encodings: with OpenSSL 3 it costs ~0.22-0.6 ms per
 * key, most of it in OpenSSL's generic key encoders, and key generation was the largest cost of
 * a bulk enrollment (1,000 keys per call). `createECDH('prime256v1').generateKeys()` draws the
 * same kind of key (a random scalar on P-256 from OpenSSL's CSPRNG, and its public point) in
 * ~0.03 ms. Its two encodings (RFC 5480 SPKI, RFC 5958 PKCS#8 wrapping an RFC 5915 ECPrivateKey)
 * have a fixed size for P-256: @peculiar/asn1-x509 / asn1-pkcs8 / asn1-ecc encode each once, at
 * load, with placeholder key bytes, and every key pair is those bytes with its scalar and point
 * copied in (encoding both per key through the library was ~0.09 ms, three quarters of the cost).
 * The bytes are the ones OpenSSL writes (ec-key.test.ts compares them with OpenSSL's and with the
 * library's per-key encoding, and round-trips them through node:crypto).
 */
import { createECDH } from 'node:crypto';
import { ECParameters, ECPrivateKey, id_ecPublicKey, id_secp256r1 } from '@peculiar/asn1-ecc';
import { PrivateKey, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';

/** AlgorithmIdentifier { id-ecPublicKey, namedCurve prime256v1 } (RFC 5480 2.1.1), shared by both encodings. */
const EC_P256 = new AlgorithmIdentifier({
  algorithm: id_ecPublicKey,
  parameters: AsnConvert.serialize(new ECParameters({ namedCurve: id_secp256r1 })),
});

/** Sizes of a P-256 private scalar (RFC 5915: fixed length) and of an uncompressed point (0x04 ‖ X ‖ Y). */
const SCALAR_LENGTH = 32;
const POINT_LENGTH = 65;

/**
 * The library's encodings of a P-256 key pair, `d` the scalar (32 bytes) and `point` the public
 * point: what the templates are made of, and what the tests compare them with.
 */
export function encodeEcP256KeyPair(d: Uint8Array, point: Uint8Array): { spki: Buffer; pkcs8: Buffer } {
  const publicKey = new Uint8Array(point).buffer;
  const spki = AsnConvert.serialize(
    new SubjectPublicKeyInfo({ algorithm: EC_P256, subjectPublicKey: publicKey }),
  );
  const ecPrivateKey = AsnConvert.serialize(
    new ECPrivateKey({ privateKey: new OctetString(new Uint8Array(d)), publicKey }),
  );
  const pkcs8 = AsnConvert.serialize(
    new PrivateKeyInfo({ privateKeyAlgorithm: EC_P256, privateKey: new PrivateKey(ecPrivateKey) }),
  );
  return { spki: Buffer.from(spki), pkcs8: Buffer.from(pkcs8) };
}

/** The templates, and where the scalar and point go (found by their placeholder bytes). */
const TEMPLATE = (() => {
  const d = new Uint8Array(SCALAR_LENGTH).fill(0xd1);
  const point = new Uint8Array(POINT_LENGTH).fill(0x9e);
  point[0] = 0x04;
  const { spki, pkcs8 } = encodeEcP256KeyPair(d, point);
  const at = (der: Buffer, bytes: Uint8Array) => {
    const offset = der.indexOf(bytes);
    if (offset < 0 || der.indexOf(bytes, offset + 1) >= 0) throw new Error('ambiguous EC key template');
    return offset;
  };
  return {
    spki,
    spkiPoint: at(spki, point),
    pkcs8,
    pkcs8Scalar: at(pkcs8, d),
    pkcs8Point: at(pkcs8, point),
  };
})();

/**
 * The one ECDH object every key pair is drawn with: `generateKeys()` replaces its key with a new
 * random one each call (OpenSSL `EC_KEY_generate_key`). Why not one per key: with OpenSSL 3
 * constructing it looks the curve up again, under locks the thread pool's signatures also take;
 * 1,000 constructions beside a bulk call's signatures cost 70-250 ms of the event loop against
 * 50-70 ms reused. Used from this thread only, one call at a time (synchronous).
 */
const ecdh = createECDH('prime256v1');

/** A new P-256 key pair: `spki` (public, DER) and `pkcs8` (private, DER). Synchronous, ~0.04 ms. */
export function generateEcP256KeyPair(): { spki: Buffer; pkcs8: Buffer } {
  const point = ecdh.generateKeys(); // a new key; uncompressed point: 0x04 ‖ X ‖ Y, 65 bytes
  return ecP256KeyPairDer(ecdh.getPrivateKey(), point);
}

/**
 * The template's encodings of the key pair with scalar `scalar` (big-endian, leading zero bytes
 * dropped or not, as `ECDH.getPrivateKey()` gives it) and uncompressed point `point` (65 bytes).
 */
export function ecP256KeyPairDer(scalar: Uint8Array, point: Uint8Array): { spki: Buffer; pkcs8: Buffer } {
  if (point.length !== POINT_LENGTH || scalar.length > SCALAR_LENGTH)
    throw new RangeError('not a P-256 key pair');
  const spki = Buffer.from(TEMPLATE.spki);
  spki.set(point, TEMPLATE.spkiPoint);
  const pkcs8 = Buffer.from(TEMPLATE.pkcs8);
  // RFC 5915: privateKey is the scalar as a fixed-length (32-byte) octet string.
  const scalarEnd = TEMPLATE.pkcs8Scalar + SCALAR_LENGTH;
  pkcs8.fill(0, TEMPLATE.pkcs8Scalar, scalarEnd - scalar.length);
  pkcs8.set(scalar, scalarEnd - scalar.length);
  pkcs8.set(point, TEMPLATE.pkcs8Point);
  return { spki, pkcs8 };
}
