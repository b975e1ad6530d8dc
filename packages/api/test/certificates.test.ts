import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { createPrivateKey, createPublicKey, webcrypto, X509Certificate } from 'node:crypto';
import {
  CertificateAuthorityDocument,
  CheckInDocument,
  EnrollDeviceDocument,
  MdmCertificatesDocument,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECDSA_P256_SHA256, x509 } from '../src/modules/certificate/x509-runtime.js';
import { byodInput, uniqueSerial } from './support/builders.js';
import { enrollDevice, signedCheckIn } from './support/device-credential.js';
import { suppliedCaEnv } from './support/test-ca.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const DAY = 86_400_000;
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** A device-side key pair and its PKCS#10 request, as an MDM client would make them. */
async function deviceCsr() {
  const keys = (await webcrypto.subtle.generateKey(ECDSA_P256_SHA256, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=ignored-by-the-gateway',
    keys,
    signingAlgorithm: ECDSA_P256_SHA256,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    csrPem: csr.toString('pem'),
    privateKeyPem: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({
      type: 'pkcs8',
      format: 'pem',
    }) as string,
  };
}

describe('MDM certificates', () => {
  let gateway: TestGateway;
  let caPem: string;
  beforeAll(async () => {
    gateway = await startTestGateway();
    caPem = (await gateway.query(CertificateAuthorityDocument, {})).certificateAuthority.certificatePem;
  });
  afterAll(() => gateway.stop());

  const at = (iso: string) => gateway.clock.set(new Date(iso));
  const deviceRows = async () =>
    Number((await gateway.sql<{ n: string }>('select count(*) as n from managed_device'))[0]!.n);

  it('issues at enrollment a client-auth certificate that chains to the queryable CA, valid from 5 minutes before to 365 days after', async () => {
    at('2026-04-01T10:00:00.000Z');
    const { device, certificate, privateKeyPem } = await enrollDevice(gateway);
    const cert = new X509Certificate(certificate.pem);
    const ca = new X509Certificate(caPem);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toContain(CLIENT_AUTH);
    const keyUsage = new x509.X509Certificate(certificate.pem).getExtension(x509.KeyUsagesExtension)!;
    expect(keyUsage.critical).toBe(true);
    expect(keyUsage.usages & x509.KeyUsageFlags.digitalSignature).toBeTruthy();
    expect(keyUsage.usages & x509.KeyUsageFlags.keyCertSign).toBeFalsy();
    expect(cert.subject).toContain(`CN=${device.id}`);
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-04-01T09:55:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2027-04-01T10:00:00.000Z');
    expect(certificate).toMatchObject({
      status: 'valid',
      notBefore: '2026-04-01T09:55:00.000Z',
      notAfter: '2027-04-01T10:00:00.000Z',
      serialNumber: cert.serialNumber.toUpperCase(),
      sha256Thumbprint: cert.fingerprint256.replaceAll(':', ''),
    });
    expect(device.managementCertificateExpirationDate).toBe('2027-04-01T10:00:00.000Z');
    // The server-generated key is returned once and belongs to the certificate.
    expect(createPublicKey(privateKeyPem!).export({ type: 'spki', format: 'der' })).toEqual(
      cert.publicKey.export({ type: 'spki', format: 'der' }),
    );
    const stored = await gateway.sql<{ pem: string }>(
      'select * from mdm_certificate where serial_number = ?',
      [certificate.serialNumber],
    );
    expect(JSON.stringify(stored)).not.toContain('PRIVATE KEY');
  });

  it("certifies the device's own key when it sends a CSR, returns no private key, and accepts proofs made with that key", async () => {
    at('2026-04-02T10:00:00.000Z');
    const { csrPem, privateKeyPem } = await deviceCsr();
    const enrolled = await enrollDevice(gateway, { csr: csrPem }, privateKeyPem);
    expect(enrolled.privateKeyPem).toBeNull();
    const certKey = new X509Certificate(enrolled.certificate.pem).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    expect(certKey).toEqual(createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' }));
    const { checkIn } = await gateway.query(CheckInDocument, {
      input: signedCheckIn(enrolled.credential, gateway.clock.now()),
    });
    expect(checkIn.__typename).toBe('CheckInSuccess');
  });

  it('refuses a tampered CSR with a typed input error and writes neither device nor certificate', async () => {
    const { csrPem } = await deviceCsr();
    const body = csrPem.split('\n').slice(1, -2).join('');
    const tampered = Buffer.from(body, 'base64');
    tampered[tampered.length - 5]! ^= 0xff;
    const bad = `-----BEGIN CERTIFICATE REQUEST-----\n${tampered.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const [devicesBefore] = [await deviceRows()];
    for (const csr of [bad, 'not a csr']) {
      const { enrollDevice: result } = await gateway.query(EnrollDeviceDocument, {
        input: byodInput({ csr }),
      });
      expect(result).toMatchObject({
        __typename: 'InvalidInputError',
        violations: [expect.objectContaining({ field: 'input.csr' })],
      });
    }
    expect(await deviceRows()).toBe(devicesBefore);
  });

  it('gives a certificate issued on 29 February 2028 the notAfter 2029-02-28 at the same UTC time', async () => {
    at('2028-02-29T12:00:00.000Z');
    const { certificate } = await enrollDevice(gateway);
    expect(certificate.notAfter).toBe('2029-02-28T12:00:00.000Z');
  });

  it('revokes the previous certificate when the same hardware enrolls again, which then cannot check in', async () => {
    at('2026-05-01T08:00:00.000Z');
    const serialNumber = uniqueSerial();
    const first = await enrollDevice(gateway, { serialNumber });
    gateway.clock.advance(60_000);
    const second = await enrollDevice(gateway, {
      serialNumber,
      userPrincipalName: first.device.userPrincipalName,
    });
    expect(second.device.id).toBe(first.device.id);
    const { mdmCertificates } = await gateway.query(MdmCertificatesDocument, { deviceId: first.device.id });
    expect(mdmCertificates.map((c) => [c.id, c.status, c.revocationReason, c.supersededById])).toEqual([
      [second.certificate.id, 'valid', null, null],
      [first.certificate.id, 'revoked', 'superseded', second.certificate.id],
    ]);
    const old = await gateway.query(CheckInDocument, {
      input: signedCheckIn(first.credential, gateway.clock.now()),
    });
    expect(old.checkIn).toMatchObject({ __typename: 'OperationRefusedError', code: 'CERTIFICATE_REVOKED' });
    const current = await gateway.query(CheckInDocument, {
      input: signedCheckIn(second.credential, gateway.clock.now()),
    });
    expect(current.checkIn.__typename).toBe('CheckInSuccess');
  });

  it('does not renew a certificate with exactly 30 days left, and renews it one second later, superseding the old one', async () => {
    at('2026-06-01T00:00:00.000Z');
    const { device, certificate, credential } = await enrollDevice(gateway);
    const notAfter = new Date(certificate.notAfter).getTime();
    gateway.clock.set(new Date(notAfter - 30 * DAY));
    const outside = await gateway.query(CheckInDocument, {
      input: signedCheckIn(credential, gateway.clock.now()),
    });
    expect(outside.checkIn).toMatchObject({ __typename: 'CheckInSuccess', renewedCertificate: null });

    gateway.clock.set(new Date(notAfter - 30 * DAY + 1_000));
    const inside = await gateway.query(CheckInDocument, {
      input: signedCheckIn(credential, gateway.clock.now()),
    });
    if (inside.checkIn.__typename !== 'CheckInSuccess') throw new Error(inside.checkIn.__typename);
    const renewed = inside.checkIn.renewedCertificate!;
    expect(renewed.notAfter).toBe(new Date(gateway.clock.now().getTime() + 365 * DAY).toISOString());
    expect(inside.checkIn.privateKeyPem).toContain('PRIVATE KEY');
    expect(inside.checkIn.device.managementCertificateExpirationDate).toBe(renewed.notAfter);
    const { mdmCertificates } = await gateway.query(MdmCertificatesDocument, { deviceId: device.id });
    expect(mdmCertificates.find((c) => c.id === certificate.id)).toMatchObject({
      status: 'revoked',
      supersededById: renewed.id,
    });

    const next = {
      ...credential,
      certificateSerialNumber: renewed.serialNumber,
      privateKeyPem: inside.checkIn.privateKeyPem!,
      deviceToken: inside.checkIn.deviceToken!,
    };
    gateway.clock.advance(1_000);
    expect(
      (await gateway.query(CheckInDocument, { input: signedCheckIn(next, gateway.clock.now()) })).checkIn,
    ).toMatchObject({ renewedCertificate: null });
    expect(
      (await gateway.query(CheckInDocument, { input: signedCheckIn(credential, gateway.clock.now()) }))
        .checkIn,
    ).toMatchObject({ code: 'CERTIFICATE_REVOKED' });
  });

  it('accepts a check-in at exactly notAfter and refuses one a second later with CERTIFICATE_EXPIRED', async () => {
    at('2026-07-01T00:00:00.000Z');
    const { certificate, credential } = await enrollDevice(gateway, {}, undefined);
    const notAfter = new Date(certificate.notAfter).getTime();
    gateway.clock.set(new Date(notAfter + 1_000));
    const late = await gateway.query(CheckInDocument, {
      input: signedCheckIn(credential, gateway.clock.now()),
    });
    expect(late.checkIn).toMatchObject({ __typename: 'OperationRefusedError', code: 'CERTIFICATE_EXPIRED' });
    gateway.clock.set(new Date(notAfter));
    const onTime = await gateway.query(CheckInDocument, {
      input: signedCheckIn(credential, gateway.clock.now(), { proofType: 'HMAC' }),
    });
    expect(onTime.checkIn.__typename).toBe('CheckInSuccess');
  });

  it('revokes the certificate when a check-in completes a pending wipe, and refuses the wiped device afterwards', async () => {
    at('2026-08-01T00:00:00.000Z');
    const { device, credential } = await enrollDevice(gateway);
    await gateway.sql(`update managed_device set management_state = 'wipePending' where id = ?`, [device.id]);
    const done = await gateway.query(CheckInDocument, {
      input: signedCheckIn(credential, gateway.clock.now()),
    });
    expect(done.checkIn).toMatchObject({
      __typename: 'CheckInSuccess',
      device: { managementState: 'wiped' },
    });
    const { mdmCertificates } = await gateway.query(MdmCertificatesDocument, { deviceId: device.id });
    expect(mdmCertificates[0]).toMatchObject({ status: 'revoked', revocationReason: 'cessationOfOperation' });
    const after = await gateway.query(CheckInDocument, {
      input: signedCheckIn(credential, gateway.clock.now()),
    });
    expect(after.checkIn).toMatchObject({ code: 'INVALID_DEVICE_STATE' });
  });
});

describe('the issuing CA', () => {
  it('is the one supplied through CA_CERT_PEM/CA_KEY_PEM when given, and device certificates chain to it', async () => {
    const supplied = await suppliedCaEnv();
    const gateway = await startTestGateway({ env: supplied });
    try {
      const { certificateAuthority } = await gateway.query(CertificateAuthorityDocument, {});
      expect(certificateAuthority).toMatchObject({
        source: 'CONFIGURED',
        certificatePem: supplied.CA_CERT_PEM,
      });
      const { certificate } = await enrollDevice(gateway);
      expect(
        new X509Certificate(certificate.pem).verify(new X509Certificate(supplied.CA_CERT_PEM).publicKey),
      ).toBe(true);
    } finally {
      await gateway.stop();
    }
  });

  it('refuses to start when CA_KEY_SECRET does not open the stored CA key', async () => {
    // A database of its own (embedded), whose CA the first start seals with the run's secret.
    const dataDir = await mkdtemp(join(tmpdir(), 'mdm-ca-secret-'));
    try {
      const first = await startTestGateway({ embeddedDataDir: dataDir });
      await first.stop();
      const error = await startTestGateway({
        embeddedDataDir: dataDir,
        env: { CA_KEY_SECRET: 'not-the-secret-it-was-sealed-with' },
      }).then(
        async (unexpected) => {
          await unexpected.stop();
          return null;
        },
        (refusal: unknown) => refusal,
      );
      expect((error as { code?: string } | null)?.code).toBe('WRONG_KEY_MATERIAL');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('is stored with its key sealed, never in clear', async () => {
    const gateway = await startTestGateway();
    try {
      const [row] = await gateway.sql<{ sealed_private_key: string; certificate_pem: string }>(
        'select * from certificate_authority',
      );
      expect(row!.sealed_private_key).toMatch(/^mdm-sealed-key:v1:scrypt-aes-256-gcm:/);
      expect(JSON.stringify(row)).not.toContain('PRIVATE KEY');
      expect((await gateway.query(CertificateAuthorityDocument, {})).certificateAuthority).toMatchObject({
        source: 'GENERATED',
        certificatePem: row!.certificate_pem,
      });
    } finally {
      await gateway.stop();
    }
  });
});
