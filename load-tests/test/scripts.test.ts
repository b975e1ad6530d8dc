import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspect, k6 } from './k6.js';

const root = new URL('../', import.meta.url);
const scenarioScripts = [
  'enroll-burst.js',
  'bulk-enroll.js',
  'check-in-storm.js',
  'live-subscribers.js',
  'integrator-reads.js',
  'mixed.js',
];
const globals = globalThis as unknown as Record<string, unknown>;
const token = 'mdm_static-check-token-0123456789abcdefghij';

beforeAll(() => {
  // k6's init-context globals, as `k6 run -e TOKEN=...` would set them, for the lib/ helpers.
  globals['__ENV'] = { TOKEN: token };
  globals['__VU'] = 0;
  globals['__ITER'] = 0;
});

/** VU settings a user may pass: none, the smallest, a pre-allocation above the maximum, large ones. */
const vuSettings: Record<string, string>[] = [
  {},
  {
    MAX_VUS: '1',
    ENROLL_MAX_VUS: '1',
    CHECK_IN_MAX_VUS: '1',
    DRIVER_VUS: '1',
    VUS: '1',
    SUBSCRIBERS: '1',
    READERS: '1',
  },
  { MAX_VUS: '4', PRE_VUS: '500', ENROLL_MAX_VUS: '4', CHECK_IN_MAX_VUS: '4', DRIVER_VUS: '2' },
  { MAX_VUS: '5000', ENROLL_MAX_VUS: '5000', CHECK_IN_MAX_VUS: '5000', DRIVER_VUS: '5000' },
];

describe('the k6 scripts', () => {
  it('include one script per scenario of the issue', () => {
    const scripts = readdirSync(root).filter((f) => f.endsWith('.js'));
    expect(scripts).toEqual(expect.arrayContaining(scenarioScripts));
  });

  describe.skipIf(!k6)('as k6 reads them', { timeout: 120_000 }, () => {
    it.each(scenarioScripts)(
      '%s is accepted by k6 with every kind of VU setting, pre-allocating no more than its maximum, with thresholds on latency, errors and checks',
      async (file) => {
        const runs = await Promise.all(
          vuSettings.map((settings) => inspect(file, { TOKEN: token, ...settings })),
        );
        for (const [index, inspected] of runs.entries()) {
          const settings = vuSettings[index];
          expect(inspected.code, `${JSON.stringify(settings)}: ${inspected.stderr}`).toBe(0);
          for (const [name, scenario] of Object.entries(inspected.options?.scenarios ?? {})) {
            const { preAllocatedVUs, maxVUs } = scenario as { preAllocatedVUs?: number; maxVUs?: number };
            if (maxVUs !== undefined)
              expect(preAllocatedVUs, `${name} ${JSON.stringify(settings)}`).toBeLessThanOrEqual(maxVUs);
          }
        }
      },
    );

    it('refuse a VU setting that is not a whole number before any load', async () => {
      const inspected = await inspect('enroll-burst.js', { TOKEN: token, MAX_VUS: '0' });
      expect(inspected.code).not.toBe(0);
      expect(inspected.stderr).toMatch(/MAX_VUS must be a whole number/);
    });
  });

  it.each(scenarioScripts)('%s has setup() and a function for every scenario it declares', (file) => {
    const text = readFileSync(new URL(file, root), 'utf8');
    expect(text).toMatch(/export function setup\(/);
    for (const [, exec] of text.matchAll(/exec: '(\w+)'/g))
      expect(text, `scenario function ${exec}`).toMatch(new RegExp(`export function ${exec}\\(`));
  });

  it.each(scenarioScripts)(
    '%s sends only the typed operations of lib/operations.js (no inline GraphQL)',
    (file) => {
      const text = readFileSync(new URL(file, root), 'utf8');
      expect(text).not.toMatch(/\b(query|mutation|subscription)\s*[({]/);
    },
  );

  it('stop at once with a clear message when TOKEN is missing', async () => {
    const { requireToken } = await import('../lib/config.js');
    const env = globals['__ENV'];
    globals['__ENV'] = {};
    try {
      expect(() => requireToken()).toThrow(/TOKEN is required/);
    } finally {
      globals['__ENV'] = env;
    }
  });

  it('reject a malformed number or duration in the environment', async () => {
    const { numberEnv, durationEnv, durationSeconds } = await import('../lib/config.js');
    const env = globals['__ENV'];
    globals['__ENV'] = { RATE: 'fast', DURATION: 'a minute' };
    try {
      expect(() => numberEnv('RATE', 1)).toThrow(/RATE must be a number/);
      expect(() => durationEnv('DURATION', '1m')).toThrow(/DURATION must be a k6 duration/);
      expect(durationSeconds('1m30s')).toBe(90);
    } finally {
      globals['__ENV'] = env;
    }
  });

  it('generate Luhn-valid IMEIs and serial numbers unique per VU and iteration', async () => {
    const { uniqueImei, uniqueSerial, luhnCheckDigit } = await import('../lib/identifiers.js');
    const runId = Date.UTC(2026, 10, 30, 0, 0, 0);
    const imeis = new Set<string>();
    const serials = new Set<string>();
    for (let vu = 0; vu < 20; vu++) {
      for (let iteration = 0; iteration < 200; iteration++) {
        const imei = uniqueImei(runId, vu, iteration);
        expect(imei).toMatch(/^\d{15}$/);
        expect(luhnCheckDigit(imei.slice(0, 14))).toBe(imei[14]);
        imeis.add(imei);
        serials.add(uniqueSerial(runId, vu, iteration));
      }
    }
    expect(imeis.size).toBe(4000);
    expect(serials.size).toBe(4000);
  });
});
