// The HTTP edge alone: requests that do almost nothing past it, so its own cost shows. A gateway in
// its own process; autocannon sends (1) a small GraphQL query with a token (authentication, rate
// limit, body read, token count, Apollo with its document cache; the answer is a static catalog,
// no SQL), (2) `GET /healthz` (routing, request id, access log line). Prints throughput, latency
// and the gateway's CPU time per request (independent of other load on the machine). Compare two
// versions by running this file in each, alternately, in one session (docs/performance.md).
//   pnpm --filter @mdm/api bench edge      (BENCH_SECONDS, default 10; BENCH_CONNECTIONS, default 20)
import autocannon from 'autocannon';
import { httpLoad, startBenchGateway, type Figures } from './load-harness.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 20);
const query = JSON.stringify({ query: 'query Methods { enrollmentMethods(platform: MACOS) { method } }' });

export async function edgeBenchmark(): Promise<void> {
  const gateway = await startBenchGateway('edge');
  try {
    const verify = (body: string) => body.includes('"method"') && !body.includes('"errors"');
    // Warm-up: JIT, Apollo's document cache, the token cache.
    await httpLoad({ gateway, connections, seconds: 2, body: () => query, verify });
    await gateway.cpuMs();
    // BENCH_WINDOW_PROF=<dir>: a CPU profile of this window only.
    const graphql = await gateway.profiled(() =>
      httpLoad({ gateway, connections, seconds, body: () => query, verify }),
    );
    const graphqlCpu = await gateway.cpuMs();
    print('edge: small query (POST /graphql, token)', graphql, graphqlCpu);

    const started = performance.now();
    const health = await autocannon({ url: `${gateway.url}/healthz`, connections, duration: seconds });
    const healthCpu = await gateway.cpuMs();
    print(
      'edge: GET /healthz',
      {
        units: health.requests.total,
        seconds: (performance.now() - started) / 1000,
        p50: health.latency.p50,
        p95: health.latency.p97_5,
        p99: health.latency.p99,
        errors: health.errors + health.non2xx,
      },
      healthCpu,
    );
  } finally {
    await gateway.stop();
  }
}

function print(label: string, f: Figures, cpuMs: number): void {
  console.log(
    `${label}: ${Math.round(f.units / f.seconds).toLocaleString('en')} requests/s (${f.units.toLocaleString('en')} in ${f.seconds.toFixed(1)} s) | p50 ${f.p50} ms p95 ${f.p95} ms p99 ${f.p99} ms | errors ${f.errors} | gateway CPU ${((cpuMs * 1000) / Math.max(1, f.units)).toFixed(0)} µs per request`,
  );
}
