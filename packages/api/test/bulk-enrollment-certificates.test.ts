import { CertificateAuthorityDocument, EnrollDevicesDocument, RetireDeviceDocument } from '@mdm/schema';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { x509 } from '../src/modules/certificate/x509-runtime.js';
import { byodInput, uniqueImei, uniqueSerial } from './support/builders.js';
import { enrollmentSetup } from './support/enrollment-setup.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** A thousand certificates in one call: a minute on a busy 2-core machine running two test files at once. */
const HEAVY_TIMEOUT_MS = 180_000;

/** Set-based certificate issuance of Windows bulk enrollment (enrollDevices), over real HTTP and PostgreSQL. */
describe('bulk enrollment issues every device its own certificate, set-based', () => {
  let gateway: TestGateway;
  let setup: ReturnType<typeof enrollmentSetup>;
  let caPem: string;
  beforeAll(async () => {
    gateway = await startTestGateway();
    setup = enrollmentSetup(gateway);
    caPem = (await gateway.query(CertificateAuthorityDocument)).certificateAuthority.certificatePem;
  });
  afterAll(() => gateway.stop());

  const windowsDevice = (serialNumber = uniqueSerial(), imei: string | null = null) => ({
    deviceName: `PC ${serialNumber}`,
    serialNumber,
    ...(imei ? { imei } : {}),
    osVersion: '10.0.22631',
    model: 'OptiPlex',
    manufacturer: 'Dell',
  });

  /** Row counts of everything a bulk enrollment writes. */
  const snapshot = async () =>
    (
      await gateway.sql<{ devices: string; certificates: string; current: string; revoked: string }>(
        `select (select count(*) from managed_device) as devices, (select count(*) from mdm_certificate) as certificates,
           (select count(*) from mdm_certificate where superseded_by_id is null) as current,
           (select count(*) from mdm_certificate where status = 'revoked') as revoked`,
      )
    )[0];

  it(
    'gives 1,000 devices 1,000 distinct certificates that verify against the CA, stored as their current certificate',
    async () => {
      const devices = Array.from({ length: 1000 }, () => windowsDevice());
      const { enrollDevices } = await gateway.query(EnrollDevicesDocument, {
        input: { bulkEnrollmentToken: await setup.bulkToken(), devices },
      });
      if (enrollDevices.__typename !== 'EnrollDevicesSuccess')
        throw new Error(`bulk: ${enrollDevices.__typename}`);
      const ids = enrollDevices.enrollments.map((e) => e.device.id);
      expect(new Set(ids).size).toBe(1000);
      expect(new Set(enrollDevices.enrollments.map((e) => e.certificate.serialNumber)).size).toBe(1000);
      expect(new Set(enrollDevices.enrollments.map((e) => e.deviceToken)).size).toBe(1000);

      const rows = await gateway.sql<{
        device_id: string;
        serial_number: string;
        pem: string;
        not_after: number;
        status: string;
        expiration: number;
        superseded_by_id: string | null;
        device_serial: string;
      }>(
        `select c.device_id, c.serial_number, c.pem, extract(epoch from c.not_after)::float8 as not_after, c.status, c.superseded_by_id,
         extract(epoch from d.management_certificate_expiration_date)::float8 as expiration, d.serial_number as device_serial
       from mdm_certificate c join managed_device d on d.id = c.device_id where c.device_id = any(?::uuid[])`,
        [`{${ids.join(',')}}`],
      );
      expect(rows).toHaveLength(1000);
      const bySerial = new Map(
        enrollDevices.enrollments.map((e, i) => [
          e.certificate.serialNumber,
          { enrollment: e, input: devices[i]! },
        ]),
      );
      const ca = new X509Certificate(caPem);
      const caParsed = new x509.X509Certificate(caPem);
      for (const [index, row] of rows.entries()) {
        const { enrollment, input } = bySerial.get(row.serial_number)!;
        expect(row.device_id).toBe(enrollment.device.id);
        expect(row.device_serial).toBe(input.serialNumber);
        expect([row.status, row.superseded_by_id]).toEqual(['valid', null]);
        expect(row.expiration).toBe(row.not_after);
        expect(new Date(enrollment.certificate.notAfter).getTime()).toBe(row.not_after * 1000);
        const certificate = new X509Certificate(row.pem);
        expect(certificate.verify(ca.publicKey)).toBe(true);
        expect(certificate.checkIssued(ca)).toBe(true);
        expect(certificate.serialNumber).toBe(row.serial_number);
        expect(certificate.subject.split('\n')[0]).toBe(`CN=${enrollment.device.id}`);
        // The private key returned once belongs to the certificate.
        const derived = createPublicKey(createPrivateKey(enrollment.privateKeyPem!)).export({
          type: 'spki',
          format: 'der',
        });
        expect(derived).toEqual(certificate.publicKey.export({ type: 'spki', format: 'der' }));
        if (index < 20) {
          // A sample through @peculiar/x509's chain validation as well (slower).
          const parsed = new x509.X509Certificate(row.pem);
          const chain = await new x509.X509ChainBuilder({ certificates: [caParsed] }).build(parsed);
          expect(chain.map((c) => c.subject)).toEqual([parsed.subject, caParsed.subject]);
        }
      }
    },
    HEAVY_TIMEOUT_MS,
  );

  it(
    're-enrolling devices in bulk supersedes and revokes their previous certificates in the same call',
    async () => {
      const token = await setup.bulkToken();
      const devices = Array.from({ length: 3 }, () => windowsDevice());
      const first = await gateway.query(EnrollDevicesDocument, {
        input: { bulkEnrollmentToken: token, devices },
      });
      if (first.enrollDevices.__typename !== 'EnrollDevicesSuccess') throw new Error('bulk failed');
      // A pending action on a record the second call re-enrolls in place is cancelled by it.
      const retired = first.enrollDevices.enrollments[0]!.device.id;
      await gateway.query(RetireDeviceDocument, { deviceId: retired });
      const second = await gateway.query(EnrollDevicesDocument, {
        input: { bulkEnrollmentToken: token, devices: [...devices, windowsDevice()] },
      });
      if (
        first.enrollDevices.__typename !== 'EnrollDevicesSuccess' ||
        second.enrollDevices.__typename !== 'EnrollDevicesSuccess'
      )
        throw new Error('bulk failed');
      const ids = first.enrollDevices.enrollments.map((e) => e.device.id);
      expect(second.enrollDevices.enrollments.slice(0, 3).map((e) => e.device.id)).toEqual(ids);
      const rows = await gateway.sql<{
        device_id: string;
        serial_number: string;
        status: string;
        revocation_reason: string | null;
        superseded_by_id: string | null;
        id: string;
        pem: string;
      }>(
        `select id, device_id, serial_number, status, revocation_reason, superseded_by_id, pem from mdm_certificate where device_id = any(?::uuid[])`,
        [`{${ids.join(',')}}`],
      );
      expect(rows).toHaveLength(6);
      const firstSerials = first.enrollDevices.enrollments.map((e) => e.certificate.serialNumber);
      const secondSerials = second.enrollDevices.enrollments.map((e) => e.certificate.serialNumber);
      for (const [i, id] of ids.entries()) {
        const old = rows.find((r) => r.serial_number === firstSerials[i])!;
        const current = rows.find((r) => r.device_id === id && r.superseded_by_id === null)!;
        expect(current.serial_number).toBe(secondSerials[i]);
        // The record kept its id, and the new certificate names that id (not the one a new record would have had).
        expect(new X509Certificate(current.pem).subject.split('\n')[0]).toBe(`CN=${id}`);
        expect(old).toMatchObject({
          device_id: id,
          status: 'revoked',
          revocation_reason: 'superseded',
          superseded_by_id: current.id,
        });
      }
      expect(
        await gateway.sql<{ state: string }>(
          'select state from device_action where device_id = ? and action = ?',
          [retired, 'retire'],
        ),
      ).toEqual([{ state: 'cancelled' }]);
    },
    HEAVY_TIMEOUT_MS,
  );

  it('a batch with one device whose IMEI is active on another record changes nothing', async () => {
    const imei = uniqueImei();
    const enrolled = await setup.enroll(
      byodInput({ platform: 'ANDROID', method: 'BYOD', imei, serialNumber: uniqueSerial(), osVersion: '14' }),
    );
    expect(enrolled.__typename).toBe('EnrollDeviceSuccess');
    const before = await snapshot();
    const devices = [windowsDevice(), windowsDevice(), windowsDevice(uniqueSerial(), imei), windowsDevice()];
    const { enrollDevices } = await gateway.query(EnrollDevicesDocument, {
      input: { bulkEnrollmentToken: await setup.bulkToken(), devices },
    });
    expect(enrollDevices).toMatchObject({ __typename: 'OperationRefusedError', code: 'ENROLLMENT_CONFLICT' });
    expect(await snapshot()).toEqual(before);
  });
});
