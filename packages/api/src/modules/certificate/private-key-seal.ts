/**
 * Encryption at rest for CA private keys (PKCS#8 DER), so that a database dump or a
 * leaked config file alone does not yield a key able to mint device certificates.
 *
 * Format (one line, colon separated, every binary field standard base64):
 *   mdm-sealed-key:v1:scrypt-aes-256-gcm:<salt>:<iv>:<tag>:<ciphertext>
 * - key = scrypt(keyMaterial, salt, 32 bytes, N=2^14, r=8, p=1): a memory-hard KDF because
 *   the configured secret may be a human-chosen passphrase; a fresh 16-byte salt per seal.
 * - AES-256-GCM with a fresh 12-byte IV; the 16-byte tag authenticates the ciphertext.
 * - The header `mdm-sealed-key:v1:scrypt-aes-256-gcm` is bound as additional
 *   authenticated data, so the version/algorithm label cannot be swapped undetected.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { SealedKeyError } from './certificate.errors.js';

const PREFIX = 'mdm-sealed-key';
const VERSION = 'v1';
const ALGORITHM = 'scrypt-aes-256-gcm';
const HEADER = `${PREFIX}:${VERSION}:${ALGORITHM}`;
const SCRYPT = { N: 1 << 14, r: 8, p: 1 } as const;
const MIN_KEY_MATERIAL_LENGTH = 16;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function deriveKey(keyMaterial: string, salt: Buffer): Promise<Buffer> {
  if (keyMaterial.length < MIN_KEY_MATERIAL_LENGTH) {
    return Promise.reject(
      new SealedKeyError(
        'WEAK_KEY_MATERIAL',
        `Key material must be at least ${MIN_KEY_MATERIAL_LENGTH} characters`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    scrypt(keyMaterial, salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Encrypts a PKCS#8 private key under `keyMaterial` (the configured secret, >= 16 chars).
 * Returns the self-describing string documented above; sealing the same key twice gives
 * different strings (random salt and IV). Cost: one scrypt (~50 ms), fine for the rare
 * CA-creation path. Throws SealedKeyError('WEAK_KEY_MATERIAL') for a short secret.
 */
export async function sealPrivateKey(pkcs8: ArrayBuffer, keyMaterial: string): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await deriveKey(keyMaterial, salt);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(HEADER, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(pkcs8)), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [HEADER, salt, iv, tag, ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64')))
    .join(':');
}

/**
 * Reverses `sealPrivateKey`, returning the PKCS#8 DER bytes.
 * Throws SealedKeyError: 'MALFORMED_SEALED_KEY' (not this format/version, bad lengths),
 * 'WRONG_KEY_MATERIAL' (authentication failed: other secret or altered blob),
 * 'WEAK_KEY_MATERIAL' (secret shorter than 16 characters).
 */
export async function unsealPrivateKey(sealed: string, keyMaterial: string): Promise<ArrayBuffer> {
  const parts = sealed.trim().split(':');
  if (parts.length !== 7 || `${parts[0]}:${parts[1]}:${parts[2]}` !== HEADER) {
    throw new SealedKeyError('MALFORMED_SEALED_KEY', `Sealed key is not in the ${HEADER} format`);
  }
  const fields = parts.slice(3).map((p) => {
    if (!BASE64.test(p)) throw new SealedKeyError('MALFORMED_SEALED_KEY', 'Sealed key field is not base64');
    return Buffer.from(p, 'base64');
  });
  const [salt, iv, tag, ciphertext] = fields as [Buffer, Buffer, Buffer, Buffer];
  if (salt.length !== 16 || iv.length !== 12 || tag.length !== 16) {
    throw new SealedKeyError('MALFORMED_SEALED_KEY', 'Sealed key has wrong salt, IV or tag length');
  }
  const key = await deriveKey(keyMaterial, salt);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(HEADER, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    return plain.buffer.slice(plain.byteOffset, plain.byteOffset + plain.byteLength);
  } catch {
    throw new SealedKeyError(
      'WRONG_KEY_MATERIAL',
      'Could not unseal private key: wrong key material or altered data',
    );
  }
}
