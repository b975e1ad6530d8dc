import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

type Thresholds = Record<string, string[]>;
interface Options {
  thresholds?: Thresholds;
  scenarios?: Record<string, { executor: string; exec?: string }>;
}
type ScriptModule = Record<string, unknown> & { options?: Options };

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

beforeAll(() => {
  // k6's init-context globals, as `k6 run -e TOKEN=...` would set them.
  globals['__ENV'] = { TOKEN: 'mdm_static-check-token-0123456789abcdefghij' };
  globals['__VU'] = 0;
  globals['__ITER'] = 0;
});

const load = (file: string) => import(/* @vite-ignore */ new URL(file, root).href) as Promise<ScriptModule>;

describe('the k6 scripts', () => {
  it('include one script per scenario of the issue', () => {
    const scripts = readdirSync(root).filter((f) => f.endsWith('.js'));
    expect(scripts).toEqual(expect.arrayContaining(scenarioScripts));
  });

  it.each(scenarioScripts)(
    '%s exports options whose thresholds fail the run on latency, errors and checks',
    async (file) => {
      const script = await load(file);
      const thresholds = script.options?.thresholds ?? {};
      const latency = Object.entries(thresholds).filter(
        ([metric, rules]) => /duration|latency/.test(metric) && rules.some((r) => /^p\(\d+\)</.test(r)),
      );
      expect(latency.length).toBeGreaterThan(0);
      expect(thresholds['http_req_failed']).toEqual(['rate==0']);
      expect(thresholds['checks']).toEqual(['rate==1']);
    },
  );

  it.each(scenarioScripts)('%s has setup() and a function for every scenario it declares', async (file) => {
    const script = await load(file);
    expect(typeof script['setup']).toBe('function');
    for (const [name, scenario] of Object.entries(script.options?.scenarios ?? {})) {
      expect(typeof script[scenario.exec ?? 'default'], `scenario ${name}`).toBe('function');
    }
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
