import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ecP256KeyPairDer, encodeEcP256KeyPair, generateEcP256KeyPair } from './ec-key.js';

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

  it("places scalar and point exactly where the library's own encoding of the same key puts them", () => {
    for (let i = 0; i < 300; i++) {
      // Scalars with 0, 1 and 2 leading zero bytes: ECDH.getPrivateKey() drops them, RFC 5915 keeps 32 bytes.
      const d = randomBytes(32);
      d.fill(0, 0, i % 3);
      if (d.every((b) => b === 0)) d[31] = 1;
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(d);
      const point = ecdh.getPublicKey();
      const expected = encodeEcP256KeyPair(d, point);
      expect(ecP256KeyPairDer(ecdh.getPrivateKey(), point)).toEqual(expected);
      expect(ecP256KeyPairDer(d, point)).toEqual(expected);
    }
    expect(() => ecP256KeyPairDer(randomBytes(33), createECDH('prime256v1').generateKeys())).toThrow(
      RangeError,
    );
  });
});
