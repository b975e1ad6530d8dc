import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateEcP256KeyPair } from './ec-key.js';

describe('generateEcP256KeyPair', () => {
  it('writes the same DER layout as OpenSSL and round-trips through node:crypto', () => {
    const reference = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    });
    for (let i = 0; i < 200; i++) {
      const { spki, pkcs8 } = generateEcP256KeyPair();
      expect([spki.length, pkcs8.length]).toEqual([reference.publicKey.length, reference.privateKey.length]);
      const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
      expect(privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(privateKey.export({ type: 'pkcs8', format: 'der' })).toEqual(pkcs8);
      expect(createPublicKey(privateKey).export({ type: 'spki', format: 'der' })).toEqual(spki);
      const message = Buffer.from(`probe ${i}`);
      expect(
        verify(
          'sha256',
          message,
          createPublicKey({ key: spki, format: 'der', type: 'spki' }),
          sign('sha256', message, privateKey),
        ),
      ).toBe(true);
    }
  });

  it('draws a different key every time', () => {
    const keys = new Set(Array.from({ length: 500 }, () => generateEcP256KeyPair().pkcs8.toString('hex')));
    expect(keys.size).toBe(500);
  });
});
