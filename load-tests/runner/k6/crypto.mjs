// `k6/crypto`: the hashing functions of k6, on node:crypto.
import { createHash, createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

/** @typedef {'hex' | 'base64' | 'base64url'} Encoding */

/** HMAC of `data` with `key`. @param {string} algorithm @param {string} key @param {string} data @param {Encoding} encoding */
export function hmac(algorithm, key, data, encoding) {
  return createHmac(algorithm, key).update(data).digest(encoding);
}
/** @param {string} data @param {Encoding} encoding */
export const sha256 = (data, encoding) => createHash('sha256').update(data).digest(encoding);
/** @param {string} data @param {Encoding} encoding */
export const sha1 = (data, encoding) => createHash('sha1').update(data).digest(encoding);
/** @param {string} data @param {Encoding} encoding */
export const md5 = (data, encoding) => createHash('md5').update(data).digest(encoding);
/** An ArrayBuffer of `size` random bytes. @param {number} size */
export const randomBytes = (size) => new Uint8Array(nodeRandomBytes(size)).buffer;
export default { hmac, sha256, sha1, md5, randomBytes };
