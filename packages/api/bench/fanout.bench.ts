// Benchmark: subscription fan-out. N graphql-ws subscribers (1,000 and 5,000; BENCH_SUBSCRIBERS)
// share one document and variables; the gateway receives 10 authenticated check-ins per second
// (BENCH_EVENTS, default 100) and each one fans out to all N. Prints delivered messages/s,
// p50/p99 latency (commit-time occurredAt to client receipt), lost messages and RSS, for the
// per-event shared loads (default) and, as the baseline in the same run, one load per subscriber.
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/config.js';
import { signCheckIn } from '../src/modules/certificate/index.js';
import { startGateway } from '../src/server/gateway.js';
import { BENCH_ADMIN_TOKEN, createBenchDatabase } from './bench-database.js';

const sizes = (process.env['BENCH_SUBSCRIBERS'] ?? '1000,5000').split(',').map(Number);
const events = Number(process.env['BENCH_EVENTS'] ?? 100);
/** The per-subscriber baseline saturates the database pool quickly: fewer events, smallest N only. */
const baselineEvents = Number(process.env['BENCH_BASELINE_EVENTS'] ?? 20);
const baselineSizes = (process.env['BENCH_BASELINE_SUBSCRIBERS'] ?? '1000').split(',').map(Number);
const ratePerSecond = 10;

type ChildMessage = {
  type: string;
  primed?: number;
  received?: number;
  p50?: number;
  p99?: number;
  max?: number;
  rssMiB?: number;
};

function ask(child: ChildProcess, message: string, expect: string): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const onMessage = (m: ChildMessage) => {
      if (m.type !== expect) return;
      child.off('message', onMessage);
      resolve(m);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

async function run(
  url: string,
  subscribers: number,
  shareEventLoads: boolean,
  events: number,
): Promise<void> {
  const config = loadConfig(
    {
      DATABASE_URL: url,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      LIFECYCLE_SWEEP_INTERVAL_MS: '0',
      DB_POOL_SIZE: '10',
      ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
    },
    [],
  );
  const gateway = await startGateway({ config, shareEventLoads });
  const gql = async (query: string, variables: unknown) => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    return ((await response.json()) as { data: Record<string, Record<string, unknown>> }).data;
  };
  const enrolled = (
    await gql(
      'mutation($input: EnrollDeviceInput!) { enrollDevice(input: $input) { ... on EnrollDeviceSuccess { device { id } certificate { serialNumber } privateKeyPem } } }',
      {
        input: {
          platform: 'IOS',
          method: 'BYOD',
          userPrincipalName: 'bench@contoso.example',
          deviceName: 'bench',
          serialNumber: `BENCH${Date.now()}`,
          osVersion: '17',
        },
      },
    )
  ).enrollDevice as { device: { id: string }; certificate: { serialNumber: string }; privateKeyPem: string };
  const deviceId = enrolled.device.id;
  const checkIn = () => {
    const timestamp = new Date().toISOString();
    const nonce = randomBytes(12).toString('base64url');
    const signature = signCheckIn({ privateKeyPem: enrolled.privateKeyPem, deviceId, timestamp, nonce });
    return gql('mutation($input: CheckInInput!) { checkIn(input: $input) { __typename } }', {
      input: {
        deviceId,
        certificateSerialNumber: enrolled.certificate.serialNumber,
        timestamp,
        nonce,
        signature,
      },
    });
  };

  const child = fork(
    fileURLToPath(new URL('./fanout-clients.ts', import.meta.url)),
    [`${gateway.url.replace(/^http/, 'ws')}/graphql`, String(subscribers), deviceId, BENCH_ADMIN_TOKEN],
    {
      execArgv: ['--import', '@swc-node/register/esm-register'],
    },
  );
  await new Promise((resolve) => child.once('message', resolve));
  // Warm-up: check in until every subscriber has received an event (subscriptions register asynchronously).
  const connectStarted = performance.now();
  for (;;) {
    await checkIn();
    const { primed } = await ask(child, 'status', 'status');
    if (primed === subscribers) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 500)); // let warm-up deliveries finish
  await ask(child, 'measure', 'measuring');
  let peakRss = 0;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    void checkIn();
  }
  const expected = events * subscribers;
  let report: ChildMessage;
  const drainDeadline = performance.now() + 15_000;
  for (;;) {
    report = await ask(child, 'report', 'report');
    if (report.received! >= expected || performance.now() > drainDeadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(rssTimer);
  console.log(
    `fanout: N=${subscribers} ${shareEventLoads ? 'shared per-event load ' : 'baseline: load per sub'} | ${events} events at ${ratePerSecond}/s | ` +
      `delivered ${report.received!.toLocaleString('en')}/${expected.toLocaleString('en')} in ${seconds.toFixed(1)} s = ${Math.round(report.received! / seconds).toLocaleString('en')} msgs/s | ` +
      `p50 ${report.p50} ms, p99 ${report.p99} ms, max ${report.max} ms | lost ${expected - report.received!} | ` +
      `gateway RSS peak ${Math.round(peakRss / 1048576)} MiB, clients RSS ${report.rssMiB} MiB | subscribe+warm-up ${connectSeconds.toFixed(1)} s`,
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('exit');
  await exited;
  await gateway.stop();
}

export async function fanoutBenchmark(): Promise<void> {
  const db = await createBenchDatabase('fanout');
  try {
    for (const subscribers of sizes) {
      await run(db.url, subscribers, true, events);
      if (baselineSizes.includes(subscribers)) await run(db.url, subscribers, false, baselineEvents);
    }
  } finally {
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await fanoutBenchmark();
