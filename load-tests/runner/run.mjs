// A k6-compatible runner on Node, for machines where the k6 binary cannot be installed (this
// project's CI among them): it runs a k6 script's init code, setup(), its scenarios (executors
// per-vu-iterations, shared-iterations, constant-vus, constant-arrival-rate,
// ramping-arrival-rate), teardown() and handleSummary() with the k6 modules the scripts use
// (k6, k6/http, k6/ws, k6/crypto, k6/metrics), evaluates the script's thresholds and exits 99
// when one fails, as `k6 run` does.
// It proves that the scripts work against the gateway; it is no load generator: every VU is a
// Node thread, and its throughput is far below k6's. Figures for the floors come from k6 or from
// `pnpm --filter @mdm/api bench`.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { seconds } from './duration.mjs';

export { seconds };

/** @typedef {import('./vu-runtime.mjs').Sample} Sample */
/** @typedef {{ executor: string, exec?: string, startTime?: string, vus?: number, iterations?: number, duration?: string, rate?: number, timeUnit?: string, startRate?: number, stages?: { target: number, duration: string }[], preAllocatedVUs?: number, maxVUs?: number }} Scenario */
/** @typedef {{ metric: string, rule: string, ok: boolean, value: number | null }} ThresholdResult */

const wait = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** One VU thread running a copy of the script. */
class Vu {
  /** @param {string} scriptUrl @param {Record<string, string>} env @param {number} id @param {(samples: Sample[]) => void} record */
  constructor(scriptUrl, env, id, record) {
    this.id = id;
    this.busy = false;
    this.record = record;
    this.worker = new Worker(new URL('./vu-worker.mjs', import.meta.url), {
      workerData: { scriptUrl, env, vu: id },
    });
    /** @type {((message: any) => void) | null} */
    this.pending = null;
    this.ready = new Promise((resolveReady, rejectReady) => {
      this.worker.once('error', rejectReady);
      this.worker.once('message', (message) =>
        message.error
          ? rejectReady(new Error(`init of VU ${id} failed: ${message.error}`))
          : resolveReady(message),
      );
    });
    this.worker.on('message', (message) => {
      if (message.type === 'result' && this.pending) {
        const settle = this.pending;
        this.pending = null;
        settle(message);
      }
    });
  }

  /**
   * Calls an exported function of the script in this VU. @param {string} fn @param {unknown} data
   * @param {boolean} iteration whether this call is a scenario iteration (advances __ITER)
   * @returns {Promise<{ value?: unknown, error?: string, durationMs: number }>}
   */
  async call(fn, data, iteration) {
    await this.ready;
    this.busy = true;
    const message = await new Promise((resolveCall) => {
      this.pending = resolveCall;
      this.worker.postMessage({ type: 'call', fn, data, iteration });
    });
    this.busy = false;
    this.record(message.samples);
    return message;
  }

  terminate() {
    return this.worker.terminate();
  }
}

/** Aggregates samples into k6's summary values and evaluates thresholds. */
class Metrics {
  constructor() {
    /** @type {Map<string, { type: string, contains: string, samples: { value: number, tags: Record<string, string> }[] }>} */
    this.byName = new Map();
  }

  /** @param {Sample[]} samples */
  add(samples) {
    for (const s of samples) {
      let metric = this.byName.get(s.metric);
      if (!metric) this.byName.set(s.metric, (metric = { type: s.type, contains: s.contains, samples: [] }));
      metric.samples.push({ value: s.value, tags: s.tags });
    }
  }

  /**
   * k6's values of a metric or of a submetric (`name{tag:value,...}`), or null when it has no
   * samples. @param {string} key @param {number} durationS @param {number[]} percentiles
   * @returns {{ type: string, contains: string, values: Record<string, number> | null } | null}
   */
  values(key, durationS, percentiles = []) {
    const [, name, filter] = /^([^{]+)(?:\{(.*)\})?$/.exec(key) ?? [];
    const metric = this.byName.get(name ?? key);
    if (!metric) return null;
    const wanted = (filter ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split(':').map((p) => p.trim()));
    const values = metric.samples
      .filter((s) => wanted.every(([tag, value]) => s.tags[tag ?? ''] === value))
      .map((s) => s.value);
    if (values.length === 0) return { type: metric.type, contains: metric.contains, values: null };
    const sum = values.reduce((a, b) => a + b, 0);
    if (metric.type === 'counter')
      return { type: metric.type, contains: metric.contains, values: { count: sum, rate: sum / durationS } };
    if (metric.type === 'gauge')
      return {
        type: metric.type,
        contains: metric.contains,
        values: { value: values.at(-1) ?? 0, min: Math.min(...values), max: Math.max(...values) },
      };
    if (metric.type === 'rate') {
      const passes = values.filter((v) => v !== 0).length;
      return {
        type: metric.type,
        contains: metric.contains,
        values: { rate: passes / values.length, passes, fails: values.length - passes },
      };
    }
    const sorted = [...values].sort((a, b) => a - b);
    const percentile = (/** @type {number} */ p) => {
      const rank = (p / 100) * (sorted.length - 1);
      const low = Math.floor(rank);
      return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (rank - low);
    };
    /** @type {Record<string, number>} */
    const trend = {
      avg: sum / values.length,
      min: sorted[0],
      med: percentile(50),
      max: sorted.at(-1) ?? 0,
      'p(90)': percentile(90),
      'p(95)': percentile(95),
      count: values.length,
    };
    for (const p of percentiles) trend[`p(${p})`] = percentile(p);
    return { type: metric.type, contains: metric.contains, values: trend };
  }
}

const ruleSyntax =
  /^\s*(avg|min|max|med|count|rate|value|passes|fails|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/**
 * Whether `observed` satisfies `op bound`. @param {number} observed @param {string} op @param {number} bound
 */
function compare(observed, op, bound) {
  switch (op) {
    case '<':
      return observed < bound;
    case '<=':
      return observed <= bound;
    case '>':
      return observed > bound;
    case '>=':
      return observed >= bound;
    case '!=':
      return observed !== bound;
    default:
      return observed === bound;
  }
}

/**
 * Runs a k6 script end to end. Resolves with the thresholds' verdicts, the summary data
 * handleSummary received, and the errors thrown by iterations (k6 logs them and goes on).
 * @param {string} scriptPath path of the script (relative to the current directory, or absolute)
 * @param {{ env?: Record<string, string>, log?: (line: string) => void }} [options]
 */
export async function runScript(scriptPath, options = {}) {
  const scriptUrl = pathToFileURL(isAbsolute(scriptPath) ? scriptPath : resolve(scriptPath)).href;
  const env = options.env ?? {};
  const log = options.log ?? ((line) => console.log(line));
  const metrics = new Metrics();
  const record = (/** @type {Sample[]} */ samples) => metrics.add(samples);
  /** @type {string[]} */
  const iterationErrors = [];
  /** @type {Vu[]} */
  const vus = [];
  let nextVuId = 1;
  const newVu = async () => {
    const vu = new Vu(scriptUrl, env, nextVuId++, record);
    vus.push(vu);
    await vu.ready;
    return vu;
  };

  const control = new Vu(scriptUrl, env, 0, record);
  try {
    const { options: scriptOptions, exports } = /** @type {{ options: any, exports: string[] }} */ (
      await control.ready
    );
    /** @type {unknown} */
    let setupData;
    if (exports.includes('setup')) {
      const setup = await control.call('setup', undefined, false);
      if (setup.error) throw Object.assign(new Error(`setup() failed: ${setup.error}`), { exitCode: 107 });
      setupData = setup.value;
    }

    /** @type {Record<string, Scenario>} */
    const scenarios = scriptOptions.scenarios ?? {
      default:
        scriptOptions.duration && !scriptOptions.iterations
          ? { executor: 'constant-vus', vus: scriptOptions.vus ?? 1, duration: scriptOptions.duration }
          : {
              executor: 'shared-iterations',
              vus: scriptOptions.vus ?? 1,
              iterations: scriptOptions.iterations ?? 1,
            },
    };
    const started = Date.now();
    /** @param {Vu} vu @param {string} exec @param {string} scenario */
    const iterate = async (vu, exec, scenario) => {
      const result = await vu.call(exec, setupData, true);
      record([
        { metric: 'iterations', type: 'counter', contains: 'default', value: 1, tags: { scenario } },
        {
          metric: 'iteration_duration',
          type: 'trend',
          contains: 'time',
          value: result.durationMs,
          tags: { scenario },
        },
      ]);
      if (result.error) iterationErrors.push(result.error);
    };

    await Promise.all(
      Object.entries(scenarios).map(async ([name, scenario]) => {
        await wait(seconds(scenario.startTime) * 1000);
        await runExecutor(name, scenario, { newVu, iterate, record });
      }),
    );
    const durationS = Math.max((Date.now() - started) / 1000, 0.001);

    if (exports.includes('teardown')) {
      const teardown = await control.call('teardown', setupData, false);
      if (teardown.error) iterationErrors.push(`teardown: ${teardown.error}`);
    }

    /** @type {ThresholdResult[]} */
    const thresholds = [];
    /** @type {Record<string, any>} */
    const summaryMetrics = {};
    const thresholdKeys = Object.keys(scriptOptions.thresholds ?? {});
    for (const key of new Set([...metrics.byName.keys(), ...thresholdKeys])) {
      const rules = /** @type {(string | { threshold: string })[]} */ (
        scriptOptions.thresholds?.[key] ?? []
      ).map((r) => (typeof r === 'string' ? r : r.threshold));
      const percentiles = rules
        .map((r) => /p\((\d+(?:\.\d+)?)\)/.exec(r)?.[1])
        .filter(Boolean)
        .map(Number);
      const aggregated = metrics.values(key, durationS, percentiles);
      /** @type {Record<string, { ok: boolean }>} */
      const verdicts = {};
      for (const rule of rules) {
        const parsed = ruleSyntax.exec(rule);
        if (!parsed) throw new Error(`threshold "${rule}" of ${key} is not understood by the Node runner`);
        const [, aggregate, , op, bound] = parsed;
        // A metric without samples passes its thresholds, as in k6 (e.g. dropped_iterations).
        const observed = aggregated?.values
          ? (aggregated.values[/** @type {string} */ (aggregate)] ?? 0)
          : null;
        const ok = observed === null || compare(observed, /** @type {string} */ (op), Number(bound));
        verdicts[rule] = { ok };
        thresholds.push({ metric: key, rule, ok, value: observed });
      }
      if (aggregated?.values)
        summaryMetrics[key] = {
          type: aggregated.type,
          contains: aggregated.contains,
          values: aggregated.values,
          ...(rules.length ? { thresholds: verdicts } : {}),
        };
    }
    const summary = {
      metrics: summaryMetrics,
      state: { testRunDurationMs: durationS * 1000, isStdOutTTY: false },
      options: scriptOptions,
    };

    if (exports.includes('handleSummary')) {
      const handled = await control.call('handleSummary', summary, false);
      if (handled.error) throw new Error(`handleSummary() failed: ${handled.error}`);
      const outputs = /** @type {Record<string, string>} */ (handled.value ?? {});
      if (outputs['stdout']) log(outputs['stdout'].trimEnd());
    } else {
      for (const [key, metric] of Object.entries(summaryMetrics).sort(([a], [b]) => a.localeCompare(b))) {
        const figures = Object.entries(metric.values)
          .map(([k, v]) => `${k}=${Math.round(Number(v) * 100) / 100}`)
          .join(' ');
        const verdicts = metric.thresholds
          ? `  [${Object.entries(metric.thresholds)
              .map(([rule, t]) => `${t.ok ? 'ok' : 'FAILED'} ${rule}`)
              .join(', ')}]`
          : '';
        log(`  ${key}: ${figures}${verdicts}`);
      }
    }
    for (const error of iterationErrors.slice(0, 5)) log(`iteration error: ${error.split('\n')[0]}`);
    if (iterationErrors.length > 5) log(`... and ${iterationErrors.length - 5} more iteration errors`);
    return {
      thresholds,
      summary,
      iterationErrors,
      passed: thresholds.every((t) => t.ok),
      /** Sum of a counter's samples, of a submetric too (`iterations{scenario:checkIns}`); 0 without samples. */
      count: (/** @type {string} */ key) => Number(metrics.values(key, durationS)?.values?.['count'] ?? 0),
    };
  } finally {
    await Promise.all([control.terminate(), ...vus.map((vu) => vu.terminate())]);
  }
}

/**
 * Starts the scenario's iterations as its k6 executor would. Arrival-rate executors start VUs on
 * demand up to maxVUs (k6 pre-allocates preAllocatedVUs) and count an iteration that finds no
 * free VU as dropped_iterations.
 * @param {string} name @param {Scenario} scenario
 * @param {{ newVu: () => Promise<Vu>, iterate: (vu: Vu, exec: string, scenario: string) => Promise<void>, record: (samples: Sample[]) => void }} run
 */
async function runExecutor(name, scenario, run) {
  const exec = scenario.exec ?? 'default';
  const vuCount = scenario.vus ?? 1;
  const startVus = () => Promise.all(Array.from({ length: vuCount }, () => run.newVu()));
  switch (scenario.executor) {
    case 'per-vu-iterations': {
      const vus = await startVus();
      await Promise.all(
        vus.map(async (vu) => {
          for (let i = 0; i < (scenario.iterations ?? 1); i++) await run.iterate(vu, exec, name);
        }),
      );
      return;
    }
    case 'shared-iterations': {
      const vus = await startVus();
      let remaining = scenario.iterations ?? 1;
      await Promise.all(
        vus.map(async (vu) => {
          while (remaining-- > 0) await run.iterate(vu, exec, name);
        }),
      );
      return;
    }
    case 'constant-vus': {
      const vus = await startVus();
      const end = Date.now() + seconds(scenario.duration) * 1000;
      await Promise.all(
        vus.map(async (vu) => {
          while (Date.now() < end) await run.iterate(vu, exec, name);
        }),
      );
      return;
    }
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return arrivals(name, scenario, arrivalOffsets(scenario), run);
    default:
      throw new Error(
        `executor ${scenario.executor} of scenario ${name} is not implemented by the Node runner`,
      );
  }
}

/**
 * Start offsets (ms) of an arrival-rate scenario's iterations: a fixed interval, or the rate
 * ramped linearly through the stages from startRate.
 * @param {Scenario} scenario
 */
function arrivalOffsets(scenario) {
  const unitS = seconds(scenario.timeUnit ?? '1s');
  /** @type {number[]} */
  const offsets = [];
  if (scenario.executor === 'constant-arrival-rate') {
    const count = Math.floor(((scenario.rate ?? 1) * seconds(scenario.duration)) / unitS);
    for (let i = 0; i < count; i++) offsets.push((i * unitS * 1000) / (scenario.rate ?? 1));
    return offsets;
  }
  let rate = scenario.startRate ?? 0;
  let t = 0;
  let due = 0;
  const stepS = 0.005;
  for (const stage of scenario.stages ?? []) {
    const stageS = seconds(stage.duration);
    for (let s = 0; s < stageS; s += stepS) {
      const current = rate + ((stage.target - rate) * s) / stageS;
      due += (current / unitS) * stepS;
      while (due >= 1) {
        offsets.push(t * 1000);
        due -= 1;
      }
      t += stepS;
    }
    rate = stage.target;
  }
  return offsets;
}

/**
 * @param {string} name @param {Scenario} scenario @param {number[]} offsets
 * @param {{ newVu: () => Promise<Vu>, iterate: (vu: Vu, exec: string, scenario: string) => Promise<void>, record: (samples: Sample[]) => void }} run
 */
async function arrivals(name, scenario, offsets, run) {
  const exec = scenario.exec ?? 'default';
  const maxVus = scenario.maxVUs ?? scenario.preAllocatedVUs ?? 1;
  /** @type {Vu[]} */
  const pool = [];
  /** @type {Promise<void>[]} */
  const inFlight = [];
  const start = Date.now();
  for (const offset of offsets) {
    await wait(start + offset - Date.now());
    let vu = pool.find((v) => !v.busy);
    if (!vu && pool.length < maxVus) {
      vu = await run.newVu();
      pool.push(vu);
    }
    if (!vu) {
      run.record([
        {
          metric: 'dropped_iterations',
          type: 'counter',
          contains: 'default',
          value: 1,
          tags: { scenario: name },
        },
      ]);
      continue;
    }
    vu.busy = true;
    inFlight.push(run.iterate(vu, exec, name));
  }
  await Promise.all(inFlight);
}

// CLI: node runner/run.mjs <script.js> [-e NAME=value ...]; __ENV is this process's environment
// plus the -e values (k6 run includes system environment variables by default too).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const script = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-e');
  if (!script) {
    console.error('usage: node load-tests/runner/run.mjs <script.js> [-e NAME=value ...]');
    process.exit(2);
  }
  /** @type {Record<string, string>} */
  const env = Object.fromEntries(
    Object.entries(process.env)
      .filter((e) => e[1] !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  args.forEach((a, i) => {
    if (args[i - 1] === '-e') {
      const at = a.indexOf('=');
      env[a.slice(0, at)] = a.slice(at + 1);
    }
  });
  try {
    const result = await runScript(script, { env });
    for (const t of result.thresholds.filter((x) => !x.ok))
      console.error(`threshold FAILED: ${t.metric} ${t.rule} (observed ${t.value})`);
    process.exit(result.passed ? 0 : 99);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(/** @type {{ exitCode?: number }} */ (error).exitCode ?? 1);
  }
}
