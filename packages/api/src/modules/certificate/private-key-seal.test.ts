import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SealedKeyError } from './certificate.errors.js';
import { sealPrivateKey, unsealPrivateKey } from './private-key-seal.js';

const secret = 'correct horse battery staple';

async function pkcs8(): Promise<ArrayBuffer> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
  ])) as webcrypto.CryptoKeyPair;
  return webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(SealedKeyError);
    return (error as SealedKeyError).code;
  }
}

describe('sealPrivateKey / unsealPrivateKey', () => {
  it('round-trips the exact PKCS#8 bytes', async () => {
    const key = await pkcs8();
    const sealed = await sealPrivateKey(key, secret);
    expect(Buffer.from(await unsealPrivateKey(sealed, secret))).toEqual(Buffer.from(key));
  });

  it('produces a self-describing string with version, KDF, salt, iv, tag and ciphertext', async () => {
    const sealed = await sealPrivateKey(await pkcs8(), secret);
    const parts = sealed.split(':');
    expect(parts.slice(0, 3)).toEqual(['mdm-sealed-key', 'v1', 'scrypt-aes-256-gcm']);
    expect(parts).toHaveLength(7);
    expect(Buffer.from(parts[3]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(12);
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(16);
  });

  it('never emits the same string twice for the same key, because salt and IV are random', async () => {
    const key = await pkcs8();
    expect(await sealPrivateKey(key, secret)).not.toBe(await sealPrivateKey(key, secret));
  });

  it('refuses a wrong key with WRONG_KEY_MATERIAL', async () => {
    const sealed = await sealPrivateKey(await pkcs8(), secret);
    expect(await codeOf(unsealPrivateKey(sealed, 'another secret of enough length'))).toBe(
      'WRONG_KEY_MATERIAL',
    );
  });

  it('refuses an altered ciphertext, since GCM authenticates it', async () => {
    const parts = (await sealPrivateKey(await pkcs8(), secret)).split(':');
    const ct = Buffer.from(parts[6]!, 'base64');
    ct[0] = ct[0]! ^ 0xff;
    parts[6] = ct.toString('base64');
    expect(await codeOf(unsealPrivateKey(parts.join(':'), secret))).toBe('WRONG_KEY_MATERIAL');
  });

  it('refuses a string that is not in the sealed format or has another version', async () => {
    expect(await codeOf(unsealPrivateKey('not sealed at all', secret))).toBe('MALFORMED_SEALED_KEY');
    const sealed = await sealPrivateKey(await pkcs8(), secret);
    expect(await codeOf(unsealPrivateKey(sealed.replace(':v1:', ':v2:'), secret))).toBe(
      'MALFORMED_SEALED_KEY',
    );
  });

  it('refuses key material shorter than 16 characters', async () => {
    expect(await codeOf(sealPrivateKey(await pkcs8(), 'short'))).toBe('WEAK_KEY_MATERIAL');
  });
});
