import { createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CertificateAuthority, createCertificateAuthority } from './certificate-authority.js';
import { issueDeviceCertificate } from './certificate-issuer.js';
import { CertificateAuthorityError, InvalidCsrError } from './certificate.errors.js';
import { ECDSA_P256_SHA256, RSA_PKCS1_SHA256, x509 } from './x509-runtime.js';

const now = new Date('2026-05-04T09:10:11.900Z');
let ca: CertificateAuthority;

beforeAll(async () => {
  ca = await createCertificateAuthority({ organization: 'Acme Corp', now: new Date('2026-01-01T00:00:00Z') });
});

async function csrFor(
  algorithm:
    | typeof ECDSA_P256_SHA256
    | (typeof RSA_PKCS1_SHA256 & { modulusLength: number; publicExponent: Uint8Array }),
  name = 'CN=device-csr',
) {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: algorithm,
  });
  return { csrPem: csr.toString('pem'), keys };
}

const rsa = (bits: number) => ({
  ...RSA_PKCS1_SHA256,
  modulusLength: bits,
  publicExponent: new Uint8Array([1, 0, 1]),
});

async function csrErrorReason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidCsrError);
  expect((error as InvalidCsrError).code).toBe('INVALID_CSR');
  return (error as InvalidCsrError).reason;
}

describe('issueDeviceCertificate with a server-generated key', () => {
  it('issues a certificate whose chain verifies against the CA', async () => {
    const issued = await issueDeviceCertificate({
      ca,
      deviceId: 'dev-1',
      deviceName: 'Front desk iPad',
      now,
    });
    const cert = new x509.X509Certificate(issued.certificatePem);
    expect(await cert.verify({ publicKey: ca.certificate.publicKey, date: now })).toBe(true);
    const chain = await new x509.X509ChainBuilder({ certificates: [ca.certificate] }).build(cert);
    expect(chain.map((c) => c.subject)).toEqual([cert.subject, ca.certificate.subject]);
  });

  it('returns a PKCS#8 private key that matches the certificate public key', async () => {
    const issued = await issueDeviceCertificate({ ca, deviceId: 'dev-2', deviceName: 'Phone', now });
    expect(issued.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const derived = createPublicKey(createPrivateKey(issued.privateKeyPem!)).export({
      type: 'spki',
      format: 'der',
    });
    expect(derived).toEqual(Buffer.from(new x509.X509Certificate(issued.certificatePem).publicKey.rawData));
  });

  it('marks the certificate as a non-CA client-authentication certificate with key identifiers', async () => {
    const cert = new x509.X509Certificate(
      (await issueDeviceCertificate({ ca, deviceId: 'dev-3', deviceName: 'X', now })).certificatePem,
    );
    expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(cert.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([
      x509.ExtendedKeyUsage.clientAuth,
    ]);
    const caSki = ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caSki);
    expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('names the device in the subject, including its hardware serial and name, and the CA as issuer', async () => {
    const issued = await issueDeviceCertificate({
      ca,
      deviceId: 'dev-4',
      deviceName: 'Lab Mac',
      serialNumber: 'C02XK1ABCD',
      now,
    });
    expect(issued.subject).toBe(
      'CN=dev-4, OU=MDM Device, O=Acme Corp, serialNumber=C02XK1ABCD, description=Lab Mac',
    );
    expect(issued.issuer).toBe('CN=MDM Enrollment Gateway Issuing CA, O=Acme Corp');
  });

  it('gives a random positive 16-byte serial and an uppercase SHA-256 thumbprint of the DER', async () => {
    const a = await issueDeviceCertificate({ ca, deviceId: 'dev-5', deviceName: 'A', now });
    const b = await issueDeviceCertificate({ ca, deviceId: 'dev-5', deviceName: 'A', now });
    expect(a.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    const der = new x509.X509Certificate(a.certificatePem).rawData;
    const digest = Buffer.from(await webcrypto.subtle.digest('SHA-256', der))
      .toString('hex')
      .toUpperCase();
    expect(a.sha256Thumbprint).toBe(digest);
  });

  it('backdates notBefore by five minutes and truncates both bounds to whole seconds', async () => {
    const issued = await issueDeviceCertificate({ ca, deviceId: 'dev-6', deviceName: 'B', now });
    expect(issued.notBefore.toISOString()).toBe('2026-05-04T09:05:11.000Z');
    expect(issued.notAfter.toISOString()).toBe('2027-05-04T09:10:11.000Z');
    const cert = new x509.X509Certificate(issued.certificatePem);
    expect(cert.notBefore.getTime()).toBe(issued.notBefore.getTime());
    expect(cert.notAfter.getTime()).toBe(issued.notAfter.getTime());
  });

  it('issued on 29 Feb 2028 for 365 days expires on 28 Feb 2029 at the same time of day', async () => {
    const issued = await issueDeviceCertificate({
      ca,
      deviceId: 'dev-leap',
      deviceName: 'L',
      now: new Date('2028-02-29T15:45:00Z'),
      backdateSeconds: 0,
    });
    expect(issued.notBefore.toISOString()).toBe('2028-02-29T15:45:00.000Z');
    expect(issued.notAfter.toISOString()).toBe('2029-02-28T15:45:00.000Z');
  });

  it('never lets a device certificate outlive the CA', async () => {
    const issued = await issueDeviceCertificate({
      ca,
      deviceId: 'dev-late',
      deviceName: 'L',
      now: new Date('2035-12-01T00:00:00Z'),
    });
    expect(issued.notAfter.getTime()).toBe(ca.certificate.notAfter.getTime());
  });

  it('refuses to issue when the CA is outside its validity period', async () => {
    const error = await issueDeviceCertificate({
      ca,
      deviceId: 'd',
      deviceName: 'd',
      now: new Date('2040-01-01T00:00:00Z'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertificateAuthorityError);
    expect((error as CertificateAuthorityError).code).toBe('CA_NOT_VALID');
  });

  it('refuses device ids that are empty, contain control characters or cannot be encoded exactly', async () => {
    for (const deviceId of ['', 'a\nb', 'a\\b']) {
      await expect(issueDeviceCertificate({ ca, deviceId, deviceName: 'x', now })).rejects.toThrow(
        RangeError,
      );
    }
  });
});

describe('issueDeviceCertificate with a CSR', () => {
  it('certifies the EC P-256 key from the CSR and returns no private key', async () => {
    const { csrPem, keys } = await csrFor(ECDSA_P256_SHA256);
    const issued = await issueDeviceCertificate({ ca, deviceId: 'dev-csr', deviceName: 'C', csrPem, now });
    expect(issued.privateKeyPem).toBeUndefined();
    const cert = new x509.X509Certificate(issued.certificatePem);
    expect(Buffer.from(cert.publicKey.rawData)).toEqual(
      Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey)),
    );
    expect(await cert.verify({ publicKey: ca.certificate.publicKey, date: now })).toBe(true);
  });

  it('uses the device id for the subject, ignoring the name requested in the CSR', async () => {
    const { csrPem } = await csrFor(ECDSA_P256_SHA256, 'CN=admin');
    const issued = await issueDeviceCertificate({ ca, deviceId: 'dev-csr-2', deviceName: 'C', csrPem, now });
    expect(issued.subject.startsWith('CN=dev-csr-2, ')).toBe(true);
  });

  it('accepts an RSA 2048 key and adds keyEncipherment to the key usage', async () => {
    const { csrPem } = await csrFor(rsa(2048));
    const cert = new x509.X509Certificate(
      (await issueDeviceCertificate({ ca, deviceId: 'dev-rsa', deviceName: 'R', csrPem, now }))
        .certificatePem,
    );
    expect(cert.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    );
  });

  it('refuses an RSA key shorter than 2048 bits and other curves', async () => {
    expect(
      await csrErrorReason(
        csrFor(rsa(1024)).then(({ csrPem }) =>
          issueDeviceCertificate({ ca, deviceId: 'd', deviceName: 'd', csrPem, now }),
        ),
      ),
    ).toBe('UNSUPPORTED_KEY');
    const p384 = { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' };
    const keys = (await webcrypto.subtle.generateKey(p384, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const csrPem = (
      await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=x', keys, signingAlgorithm: p384 })
    ).toString('pem');
    expect(
      await csrErrorReason(issueDeviceCertificate({ ca, deviceId: 'd', deviceName: 'd', csrPem, now })),
    ).toBe('UNSUPPORTED_KEY');
  });

  it('refuses a CSR whose content was altered after signing', async () => {
    const { csrPem } = await csrFor(ECDSA_P256_SHA256, 'CN=device-aaaa');
    const der = Buffer.from(x509.PemConverter.decodeFirst(csrPem));
    const at = der.indexOf('device-aaaa');
    der.write('device-bbbb', at);
    const tampered = x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
    expect(
      await csrErrorReason(
        issueDeviceCertificate({ ca, deviceId: 'd', deviceName: 'd', csrPem: tampered, now }),
      ),
    ).toBe('BAD_SIGNATURE');
  });

  it('refuses something that is not a CSR', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const notCsr = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(
      await csrErrorReason(
        issueDeviceCertificate({ ca, deviceId: 'd', deviceName: 'd', csrPem: notCsr, now }),
      ),
    ).toBe('MALFORMED');
    expect(
      await csrErrorReason(
        issueDeviceCertificate({ ca, deviceId: 'd', deviceName: 'd', csrPem: 'hello', now }),
      ),
    ).toBe('MALFORMED');
  });
});
