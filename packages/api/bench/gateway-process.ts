// Child process of the load benchmarks: the gateway as `main.ts` starts it, alone in its process
// so the load generator (autocannon, WebSocket clients) never shares its event loop and its RSS
// is its own. Talks over IPC: → { type: 'ready', url }; 'rss' → { type: 'rss', peakMiB } (peak
// since the previous 'rss'); 'stop' → stops the gateway and exits. With BENCH_WINDOW_PROF=<dir>,
// 'profile:start' / 'profile:stop' (→ { type: 'profile', file }) record a CPU profile of just the
// measured window, so set-up work (enrolling the population) does not dilute its proportions.
// 'scep-challenges:<count>' → { type: 'scep-challenges', challenges }: one-time SCEP challenges of
// as many new BYOD invitations (what a device reads from its profile), for the SCEP benchmark.
// 'published:start' / 'published' (→ { type: 'published', times }) record when each
// `deviceCheckedIn` event is published on the gateway's event bus (key "deviceId occurredAt" →
// epoch ms): the fan-out row's latency from publication to delivery.
// argv: databaseUrl adminToken [extra env as JSON]
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

// The gateway as users run it: the build (`dist/`, as `node dist/main.js` does; `pnpm bench` builds
// first). BENCH_SOURCE=1 runs the sources through swc-node instead (about 7% more CPU per request,
// and some 160 MiB more RSS for its in-memory transpiled modules and source maps).
// BENCH_GATEWAY_DIST: another build directory (absolute), e.g. a copy of `dist/` from before a change.
const from =
  process.env['BENCH_GATEWAY_DIST'] ?? (process.env['BENCH_SOURCE'] === '1' ? '../src' : '../dist');
const { loadConfig } = (await import(`${from}/config/config.js`)) as typeof import('../src/config/config.js');
const { startGateway } = (await import(
  `${from}/server/gateway.js`
)) as typeof import('../src/server/gateway.js');

const { writeCorporateIdentifiers } = (await import(
  `${from}/modules/imports/writers/corporate-identifier.writer.js`
)) as typeof import('../src/modules/imports/writers/corporate-identifier.writer.js');
const { CorporateIdentifierType } = (await import(
  `${from}/modules/corporate-identifier/corporate-identifier.entity.js`
)) as typeof import('../src/modules/corporate-identifier/corporate-identifier.entity.js');

const { Topic } = (await import(`${from}/events/topics.js`)) as typeof import('../src/events/topics.js');

const [databaseUrl, adminToken, extraEnv] = process.argv.slice(2) as [string, string, string | undefined];
const config = loadConfig(
  {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: adminToken,
    CA_KEY_SECRET: 'bench-run-ca-key-secret-0123456789',
    DB_POOL_SIZE: '10',
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
    RATE_LIMIT_DEVICE_PROTOCOL_PER_MINUTE: '0',
    LIFECYCLE_SWEEP_INTERVAL_MS: '0',
    // Lets a run compare the executors back to back (GRAPHQL_COMPILED_EXECUTION=false pnpm bench reads).
    ...(process.env['GRAPHQL_COMPILED_EXECUTION']
      ? { GRAPHQL_COMPILED_EXECUTION: process.env['GRAPHQL_COMPILED_EXECUTION'] }
      : {}),
    ...(extraEnv ? (JSON.parse(extraEnv) as Record<string, string>) : {}),
  },
  [],
);
const gateway = await startGateway({ config });
let peak = process.memoryUsage().rss;
/** The process's memory at its RSS peak (BENCH_MEMORY_DETAIL=1 prints it with each 'rss' answer). */
let atPeak = process.memoryUsage();
let cpuMark = process.cpuUsage();
/** Publication times while recording ('published:start'), else undefined. */
let published: Record<string, number> | undefined;
// Registered before any subscription exists, so this listener runs first when an event is
// dispatched: the time is the publication's, before any subscriber's work.
gateway.events.onEvent(Topic.DeviceCheckedIn, (payload) => {
  if (!published) return;
  const event = payload as { deviceId: string; occurredAt: string };
  published[`${event.deviceId} ${event.occurredAt}`] = performance.timeOrigin + performance.now();
});
setInterval(() => {
  const now = process.memoryUsage();
  if (now.rss > peak) [peak, atPeak] = [now.rss, now];
}, 100).unref();
process.on('message', (message: string) => {
  if (message === 'rss') {
    process.send!({ type: 'rss', peakMiB: Math.round(peak / 1048576) });
    if (process.env['BENCH_MEMORY_DETAIL']) {
      const mib = (n: number) => Math.round(n / 1048576);
      console.log(
        `gateway memory at its RSS peak: rss ${mib(atPeak.rss)} MiB, heap used ${mib(atPeak.heapUsed)} of ${mib(atPeak.heapTotal)} MiB, external ${mib(atPeak.external)} MiB (array buffers ${mib(atPeak.arrayBuffers)} MiB)`,
      );
    }
    peak = process.memoryUsage().rss;
    atPeak = process.memoryUsage();
  }
  if (message === 'cpu') {
    // CPU time (user + system) since the previous 'cpu': unlike throughput on a shared machine,
    // it does not depend on how much of the cores other processes took meanwhile.
    const used = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    process.send!({ type: 'cpu', ms: (used.user + used.system) / 1000 });
  }
  if (message === 'published:start') {
    published = {};
    process.send!({ type: 'published:started' });
  }
  if (message === 'published') {
    process.send!({ type: 'published', times: published ?? {} });
    published = undefined;
  }
  if (message === 'profile:start' || message === 'profile:stop') void windowProfile(message);
  if (message.startsWith('import:')) void importIdentifiers(message);
  if (message.startsWith('scep-challenges:')) void scepChallenges(message);
  if (message === 'stop') void gateway.stop().then(() => process.exit(0));
});
process.send!({ type: 'ready', url: gateway.url });

const profileDir = process.env['BENCH_WINDOW_PROF'];
let session: Session | undefined;
let windows = 0;
/** Starts or stops the window profile; replies with the file written (or null when off). */
async function windowProfile(message: 'profile:start' | 'profile:stop'): Promise<void> {
  if (!profileDir) return void process.send!({ type: 'profile', file: null });
  if (message === 'profile:start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    return void process.send!({ type: 'profile', file: null });
  }
  const { profile } = await session!.post('Profiler.stop');
  session!.disconnect();
  const file = join(profileDir, `window-${process.pid}-${windows++}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  process.send!({ type: 'profile', file });
}

/**
 * 'import:<count>:<prefix>' → { type: 'import', ms }: `count` IMEIs (14 digits from `prefix` and a
 * counter, and a Luhn check digit) written through the import path's set-based writer in one
 * transaction, as a bulk identifier import does; `ms` times the write alone, not the generation.
 */
async function importIdentifiers(message: string): Promise<void> {
  const [, count, prefix] = message.split(':') as [string, string, string];
  const rows = Array.from({ length: Number(count) }, (_, n) => {
    const body = `${prefix}${String(n).padStart(14 - prefix.length, '0')}`;
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      let d = Number(body[body.length - 1 - i]);
      if (i % 2 === 0 && (d *= 2) > 9) d -= 9;
      sum += d;
    }
    return {
      rowNumber: n + 1,
      identifierType: CorporateIdentifierType.IMEI,
      identifier: body + String((10 - (sum % 10)) % 10),
      details: `Pool ${n}`,
    };
  });
  const started = performance.now();
  await gateway.database.orm.em
    .fork()
    .transactional((tx) =>
      writeCorporateIdentifiers(tx, CorporateIdentifierType.IMEI, rows, false, new Date()),
    );
  process.send!({ type: 'import', ms: performance.now() - started });
}

/** Mints `count` BYOD invitations and replies with their SCEP challenges ('scep-challenges:<count>'). */
async function scepChallenges(message: string): Promise<void> {
  const count = Number(message.split(':')[1]);
  const challenges: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const minted = await gateway.services.invitations.create(
      gateway.database.orm.em.fork(),
      { platform: 'IOS', method: 'BYOD', userPrincipalName: `scep-bench-${process.pid}-${i}@contoso.com` },
      'bench',
    );
    challenges.push(minted.challenge);
  }
  process.send!({ type: 'scep-challenges', challenges });
}
