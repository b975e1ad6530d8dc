// Shared machinery of the load benchmarks (load.bench.ts): a gateway in its own process on a
// fresh database, a closed-loop HTTP load through autocannon with per-request bodies and
// verified responses, the same-run raw-driver baseline, and one printed line per measurement.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { createBenchDatabase } from './bench-database.js';

/** Value at percentile `p` of an ascending array (NaN when empty). */
export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

/** What one measured run achieved; `units` counts work items (devices for bulk, else requests). */
export interface Figures {
  units: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

/** Sends `message` to a child process and resolves with its first reply of type `expect`. */
export function ask<T extends { type: string }>(
  child: ChildProcess,
  message: string,
  expect: string,
): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: T) => {
      if (m.type !== expect) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** A TypeScript child process run through swc-node (like `pnpm bench` itself). */
export function forkTs(
  file: string,
  args: string[],
  options: { nodeFlags?: string[]; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
  const cpuProf = process.env['BENCH_CPU_PROF']
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROF']}`]
    : [];
  return fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    execArgv: ['--import', '@swc-node/register/esm-register', ...(options.nodeFlags ?? []), ...cpuProf],
    env: options.env ?? process.env,
  });
}

/** A gateway process on a fresh database, with an ADMIN token and a raw `pg` pool beside it. */
export interface BenchGateway {
  url: string;
  token: string;
  /** The raw driver (same pool size as the gateway's) for the baselines. */
  pool: pg.Pool;
  /** POSTs one GraphQL operation with the ADMIN token; throws on GraphQL errors. */
  gql<T = Record<string, unknown>>(query: string, variables?: unknown): Promise<T>;
  /** Peak RSS of the gateway process (MiB) since the previous call. */
  peakRss(): Promise<number>;
  /** CPU milliseconds the gateway process used since the previous call. */
  cpuMs(): Promise<number>;
  /** Sends an IPC message to the gateway process and resolves with its reply of type `expect`. */
  ask<T extends { type: string }>(message: string, expect: string): Promise<T>;
  /** The gateway's database (`reused`: seeded by an earlier run, BENCH_REUSE_DATABASE). */
  database: { url: string; name: string; reused: boolean };
  /** Runs `work` inside a CPU profile of the gateway process when BENCH_WINDOW_PROF is set. */
  profiled<T>(work: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

export async function startBenchGateway(
  label: string,
  env: Record<string, string> = {},
  options: {
    reusable?: boolean;
    /** Another gateway's database to run on (not dropped by this one's `stop`). */
    database?: { url: string; name: string };
    /** A build directory to run instead of `dist/` (BENCH_COMPARE_DIST: the build before a change). */
    dist?: string;
  } = {},
): Promise<BenchGateway> {
  const db = options.database
    ? { ...options.database, reused: true, drop: async () => {} }
    : await createBenchDatabase(label, { reusable: options.reusable ?? false });
  const token = `mdm_${randomBytes(32).toString('base64url')}`;
  // BENCH_NODE_FLAGS: extra Node/V8 flags for the gateway process (e.g. --max-semi-space-size=32).
  // MALLOC_ARENA_MAX=2 as the Dockerfile runs it (fewer glibc arenas, lower RSS); set it to override.
  const child = forkTs('./gateway-process.ts', [db.url, token, JSON.stringify(env)], {
    nodeFlags: (process.env['BENCH_NODE_FLAGS'] ?? '').split(/\s+/).filter(Boolean),
    env: {
      ...process.env,
      MALLOC_ARENA_MAX: process.env['MALLOC_ARENA_MAX'] ?? '2',
      ...(options.dist ? { BENCH_GATEWAY_DIST: options.dist } : {}),
    },
  });
  const { url } = await new Promise<{ url: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string }));
    child.once('exit', (code) => reject(new Error(`gateway process exited with ${code}`)));
  });
  const pool = new pg.Pool({ connectionString: db.url, max: 10 });
  return {
    url,
    token,
    pool,
    database: { url: db.url, name: db.name, reused: db.reused },
    ask: (message, expect) => ask(child, message, expect),
    async gql<T>(query: string, variables?: unknown): Promise<T> {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: unknown[] };
      if (body.errors?.length || !body.data)
        throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
      return body.data;
    },
    async peakRss() {
      return (await ask<{ type: string; peakMiB: number }>(child, 'rss', 'rss')).peakMiB;
    },
    async cpuMs() {
      return (await ask<{ type: string; ms: number }>(child, 'cpu', 'cpu')).ms;
    },
    async profiled(work) {
      if (!process.env['BENCH_WINDOW_PROF']) return work();
      await ask(child, 'profile:start', 'profile');
      try {
        return await work();
      } finally {
        const { file } = await ask<{ type: string; file: string | null }>(child, 'profile:stop', 'profile');
        if (file) console.log(`gateway CPU profile of the measured window: ${file}`);
      }
    },
    async stop() {
      await pool.end();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
      await db.drop();
    },
  };
}

export interface HttpLoad {
  gateway: BenchGateway;
  /** Concurrent connections (closed loop: each sends its next request when the previous returns). */
  connections: number;
  /** Seconds to run, or `amount` requests. */
  seconds?: number;
  amount?: number;
  /** The JSON body of the next request (unique identifiers per request). */
  body: () => string;
  /**
   * Another endpoint than /graphql (e.g. Apple's protocol): the next request's path, method,
   * headers (no ADMIN token is sent) and body; `body` is then not used.
   */
  request?: () => { path: string; method: 'PUT' | 'POST'; headers: Record<string, string>; body: string };
  /** True when a response body is the expected success. */
  verify: (body: string) => boolean;
  /** Work items per request (devices per bulk call); default 1. */
  unitsPerRequest?: number;
}

/** Runs one autocannon load against /graphql with the ADMIN token; latencies in ms. */
export async function httpLoad(load: HttpLoad): Promise<Figures> {
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  // The callback form returns the instance, typed as an EventEmitter (the promise form's type hides it).
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${load.gateway.url}/graphql`,
        connections: load.connections,
        ...(load.amount ? { amount: load.amount } : { duration: load.seconds ?? 10 }),
        timeout: 60,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${load.gateway.token}` },
            setupRequest: (request) =>
              load.request ? { ...request, ...load.request() } : { ...request, body: load.body() },
            onResponse: (status, body) => {
              if (status !== 200 || !load.verify(body)) failed++;
            },
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const requests = latencies.length;
  return {
    units: (requests - failed) * (load.unitsPerRequest ?? 1),
    seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: failed + result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * The raw-driver baseline: `concurrency` loops issuing `operation` (the same database writes or
 * reads the gateway performs, straight through `pg`) for `seconds`.
 */
export async function driverLoad(
  concurrency: number,
  seconds: number,
  operation: (i: number) => Promise<number>,
): Promise<Figures> {
  const latencies: number[] = [];
  let units = 0;
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          // Not `units += await …`: that reads `units` before the await and loses the others' updates.
          const done = await operation(next++);
          units += done;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    units,
    seconds: (performance.now() - started) / 1000,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
  };
}

const ms = (v: number) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : '-');
const rate = (f: Figures) => f.units / f.seconds;

/** Prints one scenario: the gateway's figures, the baseline's, and their throughput ratio. */
export function report(
  scenario: string,
  unit: string,
  gateway: Figures,
  peakRssMiB: number,
  baseline: Figures | null,
  baselineLabel: string,
  moreBaselines: { figures: Figures; label: string }[] = [],
): void {
  const line = (label: string, f: Figures) =>
    `${Math.round(rate(f)).toLocaleString('en')} ${unit}/s (${f.units.toLocaleString('en')} in ${f.seconds.toFixed(1)} s) | p50 ${ms(f.p50)} p95 ${ms(f.p95)} p99 ${ms(f.p99)} | errors ${f.errors}${label}`;
  console.log(`${scenario}: gateway ${line(` | gateway peak RSS ${peakRssMiB} MiB`, gateway)}`);
  if (baseline) {
    console.log(`${scenario}: baseline (${baselineLabel}) ${line('', baseline)}`);
    console.log(
      `${scenario}: ratio gateway/baseline throughput ${(rate(gateway) / rate(baseline)).toFixed(2)}`,
    );
  }
  for (const more of moreBaselines) {
    console.log(`${scenario}: baseline (${more.label}) ${line('', more.figures)}`);
    console.log(
      `${scenario}: ratio gateway/baseline (${more.label}) throughput ${(rate(gateway) / rate(more.figures)).toFixed(2)}`,
    );
  }
}
