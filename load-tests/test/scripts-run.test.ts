// The k6 scripts run end to end on the real k6 (test/k6.ts finds it) against the built gateway
// (packages/api/dist, on a fresh database of DATABASE_URL or on PGlite), at a small scale: every
// request is real, every check() the scripts make must hold, and what they report must be what
// the gateway holds afterwards. Latency thresholds are evaluated but not asserted here (they
// depend on the machine; the benchmarks and a full-size k6 run measure them).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayProcess, type GatewayProcess } from '@mdm/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error a plain Node script without type declarations
import { applePopulation } from '../scripts/apple-population.mjs';
import { k6, run as runK6, type K6Run } from './k6.js';

const serverUrl = process.env['DATABASE_URL'];

const count = (run: K6Run, metric: string) => run.count(metric);
const verdict = (run: K6Run, metric: string, rule: string) => run.threshold(metric, rule);

/**
 * Runs a script against `gateway` and asserts what every script must satisfy: no script error,
 * every check and request passed. The exit code may be 99 only for latency thresholds.
 */
async function run(gateway: GatewayProcess, name: string, env: Record<string, string>): Promise<K6Run> {
  const result = await runK6(name, { BASE_URL: gateway.url, TOKEN: gateway.token, ...env });
  expect([0, 99], result.log).toContain(result.code);
  // k6 logs crossed thresholds at level error; any other error line is a script failure.
  expect(
    result.log.split('\n').filter((line) => /level=error/.test(line) && !/have been crossed/.test(line)),
  ).toEqual([]);
  expect(verdict(result, 'checks', 'rate==1'), result.log).toMatchObject({ ok: true, value: 1 });
  expect(verdict(result, 'http_req_failed', 'rate==0'), result.log).toMatchObject({ ok: true, value: 0 });
  return result;
}

async function devicesMatching(gateway: GatewayProcess, search: string): Promise<number> {
  const data = await gateway.graphql<{ managedDevices: { totalCount: number } }>(
    'query ($search: String) { managedDevices(first: 1, filter: { search: $search }) { totalCount } }',
    { search },
  );
  return data.managedDevices.totalCount;
}

describe.skipIf(!k6)('the k6 scripts, run on k6 against the gateway', { timeout: 180_000 }, () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGatewayProcess({ serverUrl });
  }, 90_000);
  afterAll(() => gateway?.stop());

  it('stops in setup() with exit code 107 and the reason when the gateway refuses the token, before any load', async () => {
    const refused = await runK6('smoke.js', {
      BASE_URL: gateway.url,
      TOKEN: 'mdm_not-a-token-of-this-gateway-000000000000',
    });
    expect(refused.code, refused.log).toBe(107);
    expect(refused.log).toMatch(/TOKEN refused by http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(refused.count('http_reqs{name:EnrollDevice}')).toBe(0);
  });

  it('fails the run with exit code 99, as k6 does, when a threshold is not met', async () => {
    // No enrollment answers in under 0 ms: the p95 threshold fails, every check still holds.
    const failed = await runK6('enroll-burst.js', {
      BASE_URL: gateway.url,
      TOKEN: gateway.token,
      TARGET_RATE: '2',
      RAMP: '1s',
      HOLD: '1s',
      MAX_VUS: '2',
      P95_MS: '0',
    });
    expect(failed.code, failed.log).toBe(99);
    expect(failed.threshold('http_req_duration{name:EnrollDevice}', 'p(95)<0')?.ok).toBe(false);
    expect(failed.threshold('checks', 'rate==1')?.ok).toBe(true);
  });

  it('smoke.js enrolls devices and checks each one in with its device token', async () => {
    const result = await run(gateway, 'smoke.js', { VUS: '2', ITERATIONS: '4' });
    expect(count(result, 'http_reqs{name:Viewer}')).toBe(1);
    expect(count(result, 'http_reqs{name:EnrollDevice}')).toBe(4);
    expect(count(result, 'http_reqs{name:CheckIn}')).toBe(4);
    expect(count(result, 'checks')).toBe(8);
  });

  it('enroll-burst.js enrolls at a ramping rate, every device with a certificate, and the gateway holds them all', async () => {
    const before = await devicesMatching(gateway, 'k6');
    const result = await run(gateway, 'enroll-burst.js', {
      TARGET_RATE: '4',
      RAMP: '2s',
      HOLD: '2s',
      PRE_VUS: '2',
      MAX_VUS: '6',
    });
    const enrolled = count(result, 'devices_enrolled');
    expect(enrolled).toBeGreaterThan(0);
    expect(count(result, 'iterations')).toBe(enrolled);
    expect(await devicesMatching(gateway, 'k6')).toBe(before + enrolled);
  });

  it('bulk-enroll.js registers batches of devices, each with a certificate', async () => {
    const result = await run(gateway, 'bulk-enroll.js', { VUS: '2', ITERATIONS: '3', BATCH_SIZE: '50' });
    expect(count(result, 'devices_bulk_enrolled')).toBe(150);
  });

  it('integrator-reads.js pages through the fleet with the nested user of each device', async () => {
    const result = await run(gateway, 'integrator-reads.js', {
      VUS: '2',
      DURATION: '2s',
      PAGE_SIZE: '10',
      POPULATION: '30',
    });
    expect(count(result, 'device_pages_read')).toBeGreaterThan(0);
  });

  it('live-subscribers.js receives every check-in on every deviceCheckedIn subscriber, and fleetStats pushes', async () => {
    const result = await run(gateway, 'live-subscribers.js', {
      SUBSCRIBERS: '4',
      CHECK_IN_RATE: '2',
      ENROLL_RATE: '1',
      DURATION: '3s',
      GRACE_SECONDS: '2',
      POPULATION: '20',
      DRIVER_VUS: '2',
    });
    const checkIns = count(result, 'check_ins');
    // Every scheduled check-in ran and succeeded (checks held), unless it found no free VU (a busy
    // machine). k6's arrival-rate executors start an iteration at both ends of the window: 2/s for
    // 3 s schedules 6 or 7.
    const scheduled = checkIns + count(result, 'dropped_iterations{scenario:checkIns}');
    expect(scheduled, result.log).toBeGreaterThanOrEqual(6);
    expect(scheduled, result.log).toBeLessThanOrEqual(7);
    expect(checkIns).toBeGreaterThan(0);
    // Two of the four subscribers watch deviceCheckedIn: none of the check-ins' events is lost.
    expect(count(result, 'events_received')).toBe(checkIns * 2);
    expect(verdict(result, 'subscription_errors', 'count==0')?.ok).toBe(true);
    expect(count(result, 'fleet_stats_received')).toBeGreaterThan(0);
    expect(count(result, 'ws_sessions')).toBe(4);
  });

  it('mixed.js runs enrollments, bulk batches, check-ins, reads and subscribers together', async () => {
    const result = await run(gateway, 'mixed.js', {
      DURATION: '3s',
      ENROLL_RATE: '2',
      CHECK_IN_RATE: '3',
      BATCH_SIZE: '20',
      POPULATION: '40',
      READERS: '1',
      SUBSCRIBERS: '2',
      ENROLL_MAX_VUS: '4',
      CHECK_IN_MAX_VUS: '4',
    });
    for (const metric of ['devices_enrolled', 'devices_bulk_enrolled', 'check_ins', 'device_pages_read'])
      expect(count(result, metric), metric).toBeGreaterThan(0);
  });
});

describe.skipIf(!k6)(
  'check-in-storm.js against a gateway whose certificates are always inside the renewal window',
  { timeout: 180_000 },
  () => {
    let gateway: GatewayProcess;
    beforeAll(async () => {
      gateway = await startGatewayProcess({
        serverUrl,
        env: { CERT_VALIDITY_DAYS: '20', CERT_RENEWAL_WINDOW_DAYS: '30' },
      });
    }, 90_000);
    afterAll(() => gateway?.stop());

    it('renews on every check-in and proves the next check-in with the renewed certificate and token', async () => {
      // At most 4 VUs, each owning one of the 4 devices: with more than 4 check-ins, some VU checked
      // its device in again with the certificate serial and token the previous renewal returned
      // (and every check() held, so the gateway accepted them).
      const result = await run(gateway, 'check-in-storm.js', {
        RATE: '5',
        DURATION: '3s',
        POPULATION: '4',
        MAX_VUS: '4',
        PRE_VUS: '2',
      });
      const checkIns = count(result, 'check_ins');
      // 5/s for 3 s: k6 schedules 15 or 16 (an iteration at both ends of the window).
      const scheduled = checkIns + count(result, 'dropped_iterations');
      expect(scheduled, result.log).toBeGreaterThanOrEqual(15);
      expect(scheduled, result.log).toBeLessThanOrEqual(16);
      expect(checkIns).toBeGreaterThan(4);
      expect(count(result, 'certificate_renewals')).toBe(checkIns);
    });
  },
);

describe.skipIf(!k6)(
  'apple-check-in-storm.js over Apple’s protocol, with a population from scripts/apple-population.mjs',
  { timeout: 180_000 },
  () => {
    let gateway: GatewayProcess;
    let dir: string;
    beforeAll(async () => {
      gateway = await startGatewayProcess({ serverUrl });
      dir = await mkdtemp(join(tmpdir(), 'apple-population-'));
    }, 90_000);
    afterAll(async () => {
      await gateway?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('sends every device’s signed Idle at the arrival rate, each accepted with no command waiting, and the gateway records the check-ins', async () => {
      const devices = (await applePopulation({ baseUrl: gateway.url, token: gateway.token, size: 3 })) as {
        deviceId: string;
        udid: string;
      }[];
      expect(devices).toHaveLength(3);
      const file = join(dir, 'population.json');
      await writeFile(file, JSON.stringify(devices));
      const lastSync = async () =>
        Promise.all(
          devices.map(async ({ deviceId }) => {
            const data = await gateway.graphql<{ managedDevice: { lastSyncDateTime: string } }>(
              'query ($id: ID!) { managedDevice(id: $id) { lastSyncDateTime } }',
              { id: deviceId },
            );
            return Date.parse(data.managedDevice.lastSyncDateTime);
          }),
        );
      const before = await lastSync();
      const result = await run(gateway, 'apple-check-in-storm.js', {
        POPULATION_FILE: file,
        RATE: '5',
        DURATION: '2s',
        MAX_VUS: '3',
        PRE_VUS: '2',
      });
      const checkIns = count(result, 'apple_check_ins');
      // 5/s for 2 s: k6 schedules 10 or 11 (an iteration at both ends of the window).
      const scheduled = checkIns + count(result, 'dropped_iterations');
      expect(scheduled, result.log).toBeGreaterThanOrEqual(10);
      expect(scheduled, result.log).toBeLessThanOrEqual(11);
      expect(checkIns).toBeGreaterThanOrEqual(devices.length);
      expect(count(result, 'http_reqs{name:AppleIdle}')).toBe(checkIns);
      // Round robin: every device checked in, and the gateway recorded it.
      const after = await lastSync();
      for (const [index, time] of after.entries()) expect(time).toBeGreaterThan(before[index]!);
    });

    it('stops in setup() before any load when the population belongs to another gateway', async () => {
      const file = join(dir, 'foreign.json');
      await writeFile(
        file,
        JSON.stringify([
          { udid: 'FOREIGN', body: '<plist/>', signature: Buffer.from('x').toString('base64') },
        ]),
      );
      const refused = await runK6('apple-check-in-storm.js', {
        BASE_URL: gateway.url,
        POPULATION_FILE: file,
        RATE: '2',
        DURATION: '1s',
      });
      expect(refused.code, refused.log).toBe(107);
      expect(refused.log).toMatch(/refuses .*foreign\.json's devices/);
      expect(refused.count('http_reqs{name:AppleIdle}')).toBe(0);
    });
  },
);
