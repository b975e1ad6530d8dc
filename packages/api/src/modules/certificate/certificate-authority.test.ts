import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  exportCertificateAuthority,
  importCertificateAuthority,
  loadCaFromPem,
} from './certificate-authority.js';
import { issueDeviceCertificate } from './certificate-issuer.js';
import { CertificateAuthorityError, SealedKeyError } from './certificate.errors.js';
import { x509 } from './x509-runtime.js';

const now = new Date('2026-03-10T08:15:30.250Z');
const secret = 'a configured secret that is long enough';
let ca: CertificateAuthority;

beforeAll(async () => {
  ca = await createCertificateAuthority({ organization: 'Acme Corp', now });
});

async function caErrorCode(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CertificateAuthorityError);
  return (error as CertificateAuthorityError).code;
}

describe('createCertificateAuthority', () => {
  it('creates a self-signed certificate naming the gateway CA and the organization', async () => {
    expect(ca.certificate.subject).toBe('CN=MDM Enrollment Gateway Issuing CA, O=Acme Corp');
    expect(ca.certificate.issuer).toBe(ca.certificate.subject);
    expect(await ca.certificate.verify({ publicKey: ca.certificate.publicKey, signatureOnly: true })).toBe(
      true,
    );
  });

  it('marks the certificate as a CA allowed to sign certificates and CRLs', () => {
    const basic = ca.certificate.getExtension(x509.BasicConstraintsExtension);
    expect(basic?.ca).toBe(true);
    expect(basic?.critical).toBe(true);
    const usage = ca.certificate.getExtension(x509.KeyUsagesExtension);
    expect(usage?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  });

  it('uses an ECDSA P-256 key', () => {
    expect(ca.keyType).toBe('EC');
    expect(ca.certificate.publicKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
  });

  it('is valid from now (whole seconds) for 3652 days, about ten years', () => {
    expect(ca.certificate.notBefore.toISOString()).toBe('2026-03-10T08:15:30.000Z');
    // 3652 days of 86 400 s; three leap days fall in between, so it ends one calendar day short of 10 years.
    expect(ca.certificate.notAfter.toISOString()).toBe('2036-03-09T08:15:30.000Z');
  });

  it('refuses an empty organization', async () => {
    await expect(createCertificateAuthority({ organization: '  ', now })).rejects.toThrow(RangeError);
  });
});

describe('exportCertificateAuthority / importCertificateAuthority', () => {
  it('restores a CA that issues certificates verifiable with the original CA certificate', async () => {
    const stored = await exportCertificateAuthority(ca, secret);
    expect(stored.sealedPrivateKey).not.toContain('PRIVATE KEY');
    const restored = await importCertificateAuthority(stored, secret);
    const issued = await issueDeviceCertificate({
      ca: restored,
      deviceId: 'dev-restored',
      deviceName: 'R',
      now,
    });
    const cert = new x509.X509Certificate(issued.certificatePem);
    expect(await cert.verify({ publicKey: ca.certificate.publicKey, date: now })).toBe(true);
  });

  it('refuses to import with the wrong key material', async () => {
    const stored = await exportCertificateAuthority(ca, secret);
    const error = await importCertificateAuthority(stored, 'some other long secret value').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SealedKeyError);
    expect((error as SealedKeyError).code).toBe('WRONG_KEY_MATERIAL');
  });
});

describe('loadCaFromPem', () => {
  it('loads a CA from certificate and PKCS#8 PEM and issues with it', async () => {
    const pkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', ca.privateKey);
    const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
    const loaded = await loadCaFromPem(ca.certificatePem, keyPem);
    const issued = await issueDeviceCertificate({ ca: loaded, deviceId: 'dev-loaded', deviceName: 'L', now });
    expect(
      await new x509.X509Certificate(issued.certificatePem).verify({
        publicKey: ca.certificate.publicKey,
        date: now,
      }),
    ).toBe(true);
  });

  it('accepts an RSA CA key in PKCS#1 PEM and signs with RSA', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const subtle = globalThis.crypto.subtle;
    const keys = {
      privateKey: await subtle.importKey(
        'pkcs8',
        privateKey.export({ type: 'pkcs8', format: 'der' }),
        rsa,
        true,
        ['sign'],
      ),
      publicKey: await subtle.importKey(
        'spki',
        createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
        rsa,
        true,
        ['verify'],
      ),
    };
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Operator RSA CA',
      keys,
      notBefore: now,
      notAfter: new Date('2030-01-01T00:00:00Z'),
      signingAlgorithm: rsa,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    const loaded = await loadCaFromPem(
      cert.toString('pem'),
      privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    );
    expect(loaded.keyType).toBe('RSA');
    const issued = await issueDeviceCertificate({ ca: loaded, deviceId: 'dev-rsa-ca', deviceName: 'R', now });
    expect(
      await new x509.X509Certificate(issued.certificatePem).verify({ publicKey: cert.publicKey, date: now }),
    ).toBe(true);
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyPem = privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    expect(await caErrorCode(loadCaFromPem(ca.certificatePem, keyPem))).toBe('CA_KEY_MISMATCH');
  });

  it('refuses a key of an unsupported type', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(
      await caErrorCode(
        loadCaFromPem(ca.certificatePem, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      ),
    ).toBe('INVALID_CA_KEY');
  });

  it('refuses a certificate that is not a CA', async () => {
    const issued = await issueDeviceCertificate({ ca, deviceId: 'dev-not-ca', deviceName: 'N', now });
    expect(await caErrorCode(loadCaFromPem(issued.certificatePem, issued.privateKeyPem!))).toBe(
      'INVALID_CA_CERTIFICATE',
    );
  });

  it('refuses unreadable PEM', async () => {
    expect(await caErrorCode(loadCaFromPem('garbage', 'garbage'))).toBe('INVALID_CA_KEY');
  });
});
