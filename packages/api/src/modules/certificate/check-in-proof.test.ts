import { createPrivateKey, generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CertificateAuthority, createCertificateAuthority } from './certificate-authority.js';
import { type IssuedDeviceCertificate, issueDeviceCertificate } from './certificate-issuer.js';
import {
  type VerifyCheckInProofInput,
  checkInSigningInput,
  signCheckIn,
  verifyCheckInProof,
} from './check-in-proof.js';
import { RSA_PKCS1_SHA256, x509 } from './x509-runtime.js';

const issuedAt = new Date('2026-04-01T00:00:00Z');
const now = new Date('2026-06-01T12:00:00.000Z');
const nonce = 'n-7f3a9c2e41d8';
let ca: CertificateAuthority;
let device: IssuedDeviceCertificate;

beforeAll(async () => {
  ca = await createCertificateAuthority({ organization: 'Acme Corp', now: new Date('2026-01-01T00:00:00Z') });
  device = await issueDeviceCertificate({
    ca,
    deviceId: 'dev-42',
    deviceName: 'Kiosk',
    now: issuedAt,
    validityDays: 365,
  });
});

/** A proof for dev-42 signed at `now`, with any field overridable. */
function proof(
  overrides: Partial<VerifyCheckInProofInput> = {},
  signWith = device.privateKeyPem!,
): VerifyCheckInProofInput {
  const timestamp = overrides.timestamp ?? now.toISOString();
  const deviceId = overrides.deviceId ?? 'dev-42';
  const signatureB64 = signCheckIn({ privateKeyPem: signWith, deviceId, timestamp, nonce });
  return {
    certificatePem: device.certificatePem,
    caCertificatePem: ca.certificatePem,
    deviceId,
    timestamp,
    nonce,
    signatureB64,
    now,
    ...overrides,
  };
}

const failureOf = (input: VerifyCheckInProofInput) => {
  const result = verifyCheckInProof(input);
  return result.ok ? 'OK' : result.failure;
};

describe('verifyCheckInProof', () => {
  it('accepts a proof signed with the device key and returns the certificate identity', () => {
    const result = verifyCheckInProof(proof());
    expect(result).toEqual({
      ok: true,
      serialNumber: device.serialNumber,
      sha256Thumbprint: device.sha256Thumbprint,
      notAfter: device.notAfter,
    });
  });

  it('accepts the raw r||s ECDSA signature form that WebCrypto produces', () => {
    const message = checkInSigningInput('dev-42', now.toISOString(), nonce);
    const raw = sign('sha256', message, {
      key: createPrivateKey(device.privateKeyPem!),
      dsaEncoding: 'ieee-p1363',
    });
    expect(failureOf(proof({ signatureB64: raw.toString('base64') }))).toBe('OK');
  });

  it('refuses a certificate presented for another device id with WRONG_DEVICE', () => {
    expect(failureOf(proof({ deviceId: 'dev-43' }))).toBe('WRONG_DEVICE');
  });

  it('refuses a signature made by a different key with BAD_SIGNATURE', () => {
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    expect(failureOf(proof({}, otherKey))).toBe('BAD_SIGNATURE');
  });

  it('refuses a valid signature over a different nonce, since the nonce is part of the signed input', () => {
    expect(failureOf({ ...proof(), nonce: 'n-another-nonce' })).toBe('BAD_SIGNATURE');
  });

  it('accepts a timestamp exactly at the skew limit and refuses one a millisecond beyond it', () => {
    expect(failureOf(proof({ timestamp: new Date(now.getTime() - 300_000).toISOString() }))).toBe('OK');
    expect(failureOf(proof({ timestamp: new Date(now.getTime() - 300_001).toISOString() }))).toBe(
      'STALE_TIMESTAMP',
    );
    expect(failureOf(proof({ timestamp: new Date(now.getTime() + 300_001).toISOString() }))).toBe(
      'STALE_TIMESTAMP',
    );
  });

  it('honours a custom maximum skew', () => {
    expect(
      failureOf(proof({ timestamp: new Date(now.getTime() - 31_000).toISOString(), maxSkewSeconds: 30 })),
    ).toBe('STALE_TIMESTAMP');
  });

  it('refuses a certificate issued by another CA with NOT_ISSUED_BY_CA', async () => {
    const rogueCa = await createCertificateAuthority({
      organization: 'Acme Corp',
      now: new Date('2026-01-01T00:00:00Z'),
    });
    const rogue = await issueDeviceCertificate({
      ca: rogueCa,
      deviceId: 'dev-42',
      deviceName: 'Kiosk',
      now: issuedAt,
    });
    expect(failureOf(proof({ certificatePem: rogue.certificatePem }, rogue.privateKeyPem!))).toBe(
      'NOT_ISSUED_BY_CA',
    );
  });

  it('refuses the CA certificate itself, which is not a device certificate', () => {
    expect(failureOf(proof({ certificatePem: ca.certificatePem }))).toBe('NOT_ISSUED_BY_CA');
  });

  it('accepts at notAfter and refuses one second later with CERTIFICATE_EXPIRED', () => {
    const at = device.notAfter;
    const later = new Date(at.getTime() + 1000);
    expect(failureOf(proof({ now: at, timestamp: at.toISOString() }))).toBe('OK');
    expect(failureOf(proof({ now: later, timestamp: later.toISOString() }))).toBe('CERTIFICATE_EXPIRED');
  });

  it('refuses a certificate before its backdated notBefore with CERTIFICATE_NOT_YET_VALID', () => {
    const early = new Date(device.notBefore.getTime() - 1000);
    expect(failureOf(proof({ now: early, timestamp: early.toISOString() }))).toBe(
      'CERTIFICATE_NOT_YET_VALID',
    );
    expect(failureOf(proof({ now: device.notBefore, timestamp: device.notBefore.toISOString() }))).toBe('OK');
  });

  it('reports MISSING_PROOF when the signature, nonce, timestamp or certificate is absent', () => {
    for (const field of ['signatureB64', 'nonce', 'timestamp', 'certificatePem'] as const) {
      expect(failureOf({ ...proof(), [field]: null })).toBe('MISSING_PROOF');
    }
  });

  it('reports MALFORMED_PROOF for a non-ISO timestamp, a short nonce, non-base64 signature or garbage certificate', () => {
    expect(failureOf({ ...proof(), timestamp: 'yesterday' })).toBe('MALFORMED_PROOF');
    expect(failureOf({ ...proof(), nonce: 'short' })).toBe('MALFORMED_PROOF');
    expect(failureOf({ ...proof(), signatureB64: 'not base64!' })).toBe('MALFORMED_PROOF');
    expect(failureOf({ ...proof(), certificatePem: 'garbage' })).toBe('MALFORMED_PROOF');
  });

  it('verifies RSA PKCS#1 v1.5 proofs for devices enrolled with an RSA CSR', async () => {
    const keys = (await webcrypto.subtle.generateKey(
      { ...RSA_PKCS1_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ['sign', 'verify'],
    )) as webcrypto.CryptoKeyPair;
    const csrPem = (
      await x509.Pkcs10CertificateRequestGenerator.create({
        name: 'CN=rsa',
        keys,
        signingAlgorithm: RSA_PKCS1_SHA256,
      })
    ).toString('pem');
    const rsaDevice = await issueDeviceCertificate({
      ca,
      deviceId: 'dev-rsa',
      deviceName: 'R',
      csrPem,
      now: issuedAt,
    });
    const keyPem = x509.PemConverter.encode(
      await webcrypto.subtle.exportKey('pkcs8', keys.privateKey),
      'PRIVATE KEY',
    );
    expect(failureOf(proof({ certificatePem: rsaDevice.certificatePem, deviceId: 'dev-rsa' }, keyPem))).toBe(
      'OK',
    );
  });

  it('matches device ids containing DN special characters exactly', async () => {
    const odd = await issueDeviceCertificate({ ca, deviceId: 'dev,+"=1', deviceName: 'O', now: issuedAt });
    expect(
      failureOf(proof({ certificatePem: odd.certificatePem, deviceId: 'dev,+"=1' }, odd.privateKeyPem!)),
    ).toBe('OK');
    expect(
      failureOf(proof({ certificatePem: odd.certificatePem, deviceId: 'dev,+=1' }, odd.privateKeyPem!)),
    ).toBe('WRONG_DEVICE');
  });
});

describe('checkInSigningInput', () => {
  it('joins device id, timestamp and nonce with newlines', () => {
    expect(checkInSigningInput('d', '2026-01-01T00:00:00Z', 'abcdefgh').toString()).toBe(
      'd\n2026-01-01T00:00:00Z\nabcdefgh',
    );
  });

  it('refuses fields containing the separator so two inputs can never share a signature', () => {
    expect(() => checkInSigningInput('a\nb', 't', 'abcdefgh')).toThrow(RangeError);
    expect(() => checkInSigningInput('a', 't', 'abcd\nefgh')).toThrow(RangeError);
  });
});
