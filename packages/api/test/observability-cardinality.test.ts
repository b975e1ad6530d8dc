import { CheckInDocument } from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueSerial } from './support/builders.js';
import { labelValues, scrape, seriesCounts } from './support/metrics.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** Devices that check in; enough that any per-device label would stand out. */
const DEVICES = 1_000;
/** Concurrent HTTP check-ins: within the test pool of 5 connections. */
const CONCURRENCY = 8;

describe('metric label cardinality', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.stop());

  it('stays bounded when 1,000 distinct devices check in', async () => {
    // Enrolling 1,000 devices through enrollDevice would take most of the test; SQL inserts them
    // as enrolled, managed devices, and every check-in then goes through the real mutation.
    const prefix = uniqueSerial().slice(0, 6);
    const rows = await gateway.sql<{ id: string; serial_number: string }>(
      `insert into managed_device (id, device_name, platform, operating_system, os_version, serial_number,
         managed_device_owner_type, enrollment_method, enrollment_type, management_state, enrolled_date_time, last_sync_date_time)
       select gen_random_uuid(), 'Cardinality ' || g, 'IOS', 'iOS', '17.4.1', ? || lpad(g::text, 6, '0'),
         'company', 'DEP', 'appleBulkWithoutUser', 'managed', ?, ?
       from generate_series(1, ${DEVICES}) as g
       returning id, serial_number`,
      [prefix, gateway.clock.now(), gateway.clock.now()],
    );
    expect(rows).toHaveLength(DEVICES);

    const checkIn = async (id: string) => {
      const { checkIn: result } = await gateway.query(CheckInDocument, { deviceId: id });
      expect(result.__typename).toBe('CheckInSuccess');
    };
    // Warm-up: the first check-ins create every series a check-in can create.
    for (const row of rows.slice(0, 10)) await checkIn(row.id);
    const warm = await scrape(gateway.metricsUrl!);

    const queue = rows.slice(10);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let row = queue.shift(); row; row = queue.shift()) await checkIn(row.id);
      }),
    );
    const after = await scrape(gateway.metricsUrl!);

    expect(seriesCounts(after, 'mdm_')).toEqual(seriesCounts(warm, 'mdm_'));
    const values = labelValues(after);
    for (const row of rows) {
      expect(values.has(row.id)).toBe(false);
      expect(values.has(row.serial_number)).toBe(false);
    }
    expect(after.samples.find((s) => s.name === 'mdm_check_ins_total' && s.labels['outcome'] === 'SUCCESS')?.value).toBe(DEVICES);
    const series = after.samples.filter((s) => s.name.startsWith('mdm_')).length;
    console.log(`metrics after ${DEVICES} devices checked in: ${series} mdm_ series (${warm.samples.filter((s) => s.name.startsWith('mdm_')).length} after 10), exposition ${after.text.length} bytes (${warm.text.length} after 10)`);
  });

  it('caps operation names invented by clients at 100 distinct values, the rest counted as __other__', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `Invented${i}_${uniqueSerial()}`);
    for (const name of names) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `query ${name} { __typename }`, operationName: name }),
      });
      expect(response.status).toBe(200);
    }
    const after = await scrape(gateway.metricsUrl!);
    const operationNames = new Set(after.samples.filter((s) => s.name === 'mdm_graphql_operations_total').map((s) => s.labels['operation_name']));
    expect(operationNames.size).toBeLessThanOrEqual(101);
    expect(operationNames).toContain('__other__');
  });
});
