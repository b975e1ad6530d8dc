import { createHmac } from 'node:crypto';
/** k6/crypto's hmac, for the identifier and proof helpers. */
export default {
  hmac: (algorithm: string, key: string, data: string, encoding: 'base64' | 'hex') =>
    createHmac(algorithm, key).update(data).digest(encoding),
};
