import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateEcP256KeyPair } from './ec-key.js';
import { pemOf } from './pem.js';
import { x509 } from './x509-runtime.js';

describe('pemOf', () => {
  it('writes what the library writes, for every length around the line width', () => {
    for (let length = 0; length <= 200; length++) {
      const der = randomBytes(length);
      expect(pemOf(der, 'CERTIFICATE')).toBe(x509.PemConverter.encode(der, 'CERTIFICATE'));
    }
  });

  it('writes what the library writes for a key pair and for a view into a larger buffer', () => {
    const { spki, pkcs8 } = generateEcP256KeyPair();
    expect(pemOf(pkcs8, 'PRIVATE KEY')).toBe(x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'));
    expect(pemOf(spki, 'PUBLIC KEY')).toBe(x509.PemConverter.encode(spki, 'PUBLIC KEY'));
    const pool = randomBytes(700);
    const view = pool.subarray(13, 613);
    expect(pemOf(view, 'CERTIFICATE')).toBe(x509.PemConverter.encode(view, 'CERTIFICATE'));
  });
});
