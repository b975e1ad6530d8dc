/**
 * ECDSA P-256 key pairs for server-generated device keys, as SPKI and PKCS#8 DER.
 *
 * Why not `generateKeyPair('ec')`: with OpenSSL 3 it costs ~0.6 ms per key, almost all of it in
 * OpenSSL's generic key encoders (PKCS#8/SPKI export), which made key generation the largest
 * cost of a bulk enrollment (1,000 keys per call). `createECDH('prime256v1').generateKeys()`
 * draws the same kind of key (a random scalar on P-256 from OpenSSL's CSPRNG, and its public
 * point) in ~0.04 ms; the two encodings around it are fixed byte layouts (RFC 5480 SPKI,
 * RFC 5958 PKCS#8 wrapping an RFC 5915 ECPrivateKey), exactly the bytes OpenSSL writes
 * (ec-key.test.ts compares them and round-trips them through node:crypto).
 */
import { createECDH } from 'node:crypto';

/** SEQUENCE { AlgorithmIdentifier { id-ecPublicKey, prime256v1 }, BIT STRING (0 unused bits, 65-byte point follows) }. */
const SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
/** PKCS#8 v0 { id-ecPublicKey, prime256v1 } OCTET STRING { ECPrivateKey v1, privateKey OCTET STRING (32 bytes follow) }. */
const PKCS8_PREFIX = Buffer.from('308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420', 'hex');
/** ECPrivateKey publicKey [1] BIT STRING (0 unused bits, 65-byte point follows). */
const PKCS8_PUBLIC_KEY = Buffer.from('a144034200', 'hex');

/** A new P-256 key pair: `spki` (public, DER) and `pkcs8` (private, DER). Synchronous, ~40 µs. */
export function generateEcP256KeyPair(): { spki: Buffer; pkcs8: Buffer } {
  const ecdh = createECDH('prime256v1');
  const point = ecdh.generateKeys(); // uncompressed: 0x04 ‖ X ‖ Y, 65 bytes
  const scalar = ecdh.getPrivateKey(); // big-endian, leading zero bytes dropped
  const d = scalar.length === 32 ? scalar : Buffer.concat([Buffer.alloc(32 - scalar.length), scalar]);
  return { spki: Buffer.concat([SPKI_PREFIX, point]), pkcs8: Buffer.concat([PKCS8_PREFIX, d, PKCS8_PUBLIC_KEY, point]) };
}
