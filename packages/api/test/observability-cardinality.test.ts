import { CheckInDocument, EnrollDevicesDocument } from '@mdm/schema';
import { describe, expect, it } from 'vitest';
import { uniqueSerial } from './support/builders.js';
import { signedCheckIn, type DeviceCredential } from './support/device-credential.js';
import { enrollmentSetup } from './support/enrollment-setup.js';
import { labelValues, scrape, seriesCounts } from './support/metrics.js';
import { useTestGateway } from './support/kit.js';

/** Devices that check in; enough that any per-device label would stand out. */
const DEVICES = 1_000;
/** Concurrent HTTP check-ins: within the test pool of 5 connections. */
const CONCURRENCY = 8;

describe('metric label cardinality', () => {
  const gateway = useTestGateway();

  it('stays bounded when 1,000 distinct devices check in', { timeout: 180_000 }, async () => {
    // Every device enrolls for real, with a certificate each (one Windows bulk enrollment of
    // 1,000), so that its check-ins authenticate.
    const { enrollDevices } = await gateway.query(EnrollDevicesDocument, {
      input: {
        bulkEnrollmentToken: await enrollmentSetup(gateway).bulkToken(),
        devices: Array.from({ length: DEVICES }, (_, i) => ({
          deviceName: `Cardinality ${i}`,
          serialNumber: uniqueSerial(),
          osVersion: '10.0.22631',
        })),
      },
    });
    if (enrollDevices.__typename !== 'EnrollDevicesSuccess') throw new Error(enrollDevices.__typename);
    const rows = enrollDevices.enrollments.map((e, i) => ({
      id: e.device.id,
      serial_number: enrollDevices.devices[i]!.serialNumber!,
      credential: {
        deviceId: e.device.id,
        certificateSerialNumber: e.certificate.serialNumber,
        privateKeyPem: e.privateKeyPem ?? '',
        deviceToken: e.deviceToken,
      } as DeviceCredential,
    }));
    expect(rows).toHaveLength(DEVICES);

    const checkIn = async (row: (typeof rows)[number]) => {
      const { checkIn: result } = await gateway.query(CheckInDocument, {
        input: signedCheckIn(row.credential, gateway.clock.now(), { proofType: 'HMAC' }),
      });
      expect(result.__typename).toBe('CheckInSuccess');
    };
    // Warm-up: the first check-ins create every series a check-in can create.
    for (const row of rows.slice(0, 10)) await checkIn(row);
    const warm = await scrape(gateway.metricsUrl!);

    const queue = rows.slice(10);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let row = queue.shift(); row; row = queue.shift()) await checkIn(row);
      }),
    );
    const after = await scrape(gateway.metricsUrl!);

    expect(seriesCounts(after, 'mdm_')).toEqual(seriesCounts(warm, 'mdm_'));
    const values = labelValues(after);
    for (const row of rows) {
      expect(values.has(row.id)).toBe(false);
      expect(values.has(row.serial_number)).toBe(false);
    }
    expect(
      after.samples.find((s) => s.name === 'mdm_check_ins_total' && s.labels['outcome'] === 'SUCCESS')?.value,
    ).toBe(DEVICES);
    const series = after.samples.filter((s) => s.name.startsWith('mdm_')).length;
    console.log(
      `metrics after ${DEVICES} devices checked in: ${series} mdm_ series (${warm.samples.filter((s) => s.name.startsWith('mdm_')).length} after 10), exposition ${after.text.length} bytes (${warm.text.length} after 10)`,
    );
  });

  it('caps operation names invented by clients at 100 distinct values, the rest counted as __other__', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `Invented${i}_${uniqueSerial()}`);
    for (const name of names) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
        body: JSON.stringify({ query: `query ${name} { __typename }`, operationName: name }),
      });
      expect(response.status).toBe(200);
    }
    const after = await scrape(gateway.metricsUrl!);
    const operationNames = new Set(
      after.samples
        .filter((s) => s.name === 'mdm_graphql_operations_total')
        .map((s) => s.labels['operation_name']),
    );
    expect(operationNames.size).toBeLessThanOrEqual(101);
    expect(operationNames).toContain('__other__');
  });
});
