// The gateway against the limit of the same work or against what a user would run instead,
// measured side by side in one run: for each row, the gateway (A) and its peer (B) alternate,
// BENCH_ROUNDS rounds (3) with the order flipped every round, the machine's load average printed
// beside each round; the row's ratio is the median of its rounds. Absolute figures on a shared
// machine swing with the other work on it; a ratio of two windows a few seconds apart does much
// less. The gateway runs from its build (`dist/`) in its own process on its own database.
//   pnpm bench [ratios] [row ...]      rows: enroll checkin bulk page import fanout scale scep apple
// Scale: BENCH_ROUND_SECONDS (4) per window, BENCH_CONNECTIONS (20), BENCH_POPULATION (2000
// devices that check in), BENCH_BULK_CALLS (2 calls of 1,000 per window), BENCH_IMPORT_ROWS
// (200000), BENCH_SUBSCRIBERS (1000,5000: the fan-out row's sizes). BENCH_KEEP_DATABASE=1 keeps the seeded database and prints
// its name; BENCH_REUSE_DATABASE=<name> runs on it again without seeding. BENCH_WINDOW_PROF=<dir>
// writes a CPU profile of each gateway window. BENCH_COMPARE_DIST=<dir> (a copy of `dist/` made
// before a change, e.g. packages/api/.bench-before/dist) adds the same-run A/B of that change to
// the enroll, checkin, bulk, page, apple and scep rows: a second gateway from that build on the same
// database. The scep row (scep.bench.ts) runs micromdm's scepclient against the gateway and
// against micromdm's scepserver: BENCH_SCEP_ENROLLMENTS (80) per window, BENCH_SCEP_CONCURRENCY (4).
import { generateKeyPair, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { WebSocketServer } from 'ws';
import {
  bulkDevices,
  bulkToken,
  checkInBody,
  checkInWrites,
  enrollBody,
  enrollPopulation,
  enrollWrites,
  bulkWrites,
  bareNextMessage,
  measureDeliveries,
  ok,
  openSubscribers,
  pageBody,
  pageReads,
  q,
  type Credential,
} from './load.bench.js';
import { appleIdleRequest, applePopulation } from './apple.bench.js';
import {
  gatewayScep,
  processCpuMs,
  scepClients,
  scepSettings,
  scepWindow,
  startScepServer,
  type ScepTarget,
} from './scep.bench.js';
import {
  ask,
  driverLoad,
  httpLoad,
  startBenchGateway,
  type BenchGateway,
  type Figures,
} from './load-harness.js';

const env = process.env;
const rounds = Number(env['BENCH_ROUNDS'] ?? 3);
const windowSeconds = Number(env['BENCH_ROUND_SECONDS'] ?? 4);
const connections = Number(env['BENCH_CONNECTIONS'] ?? 20);
const populationSize = Number(env['BENCH_POPULATION'] ?? 2000);
const bulkCalls = Number(env['BENCH_BULK_CALLS'] ?? 2);
const importRows = Number(env['BENCH_IMPORT_ROWS'] ?? 200_000);

/** One row of the table: the gateway's figure over its peer's, per round. */
interface Row {
  work: string;
  goal: string;
  /** Per round: ratio, load average (1 min) at its start. */
  rounds: { ratio: number; load: number }[];
  note?: string;
}

const rows: Row[] = [];
const rate = (f: Figures) => f.units / f.seconds;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : NaN;
};
const loads = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
const fixed = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en') : v.toPrecision(3));

/** A measured side: its name, its unit, and one window's figure (higher is better unless `lower`). */
interface Side {
  name: string;
  /** `metrics`: further figures of the same window, compared by the peers that name them. */
  measure: () => Promise<{ value: number; detail?: string; metrics?: Record<string, number> }>;
}

/**
 * Runs A and its peers alternately for `rounds` rounds (A first in odd rounds, last in even
 * ones) and records, per peer, A's figure over the peer's (`lower`: the peer's over A's is the
 * goal's direction, so the ratio is printed as A/B and compared with a ceiling). A peer with a
 * `metric` compares that figure of both windows instead of their values; peers may share a side
 * (measured once per round).
 */
async function alternate(
  label: string,
  unit: string,
  a: Side,
  peers: { side: Side; work: string; goal: string; metric?: string }[],
): Promise<void> {
  const records = peers.map((p) => ({ work: p.work, goal: p.goal, rounds: [] as Row['rounds'] }));
  const others = [...new Set(peers.map((p) => p.side))];
  for (let round = 0; round < rounds; round++) {
    const load = loadavg()[0]!;
    console.log(`${label}: round ${round + 1}, load average ${loads()}`);
    const order = round % 2 === 0 ? [a, ...others] : [...others].reverse().concat(a);
    const figures = new Map<Side, { value: number; metrics?: Record<string, number> }>();
    for (const side of order) {
      const measured = await side.measure();
      figures.set(side, measured);
      console.log(
        `  ${side.name}: ${fixed(measured.value)} ${unit}${measured.detail ? ` (${measured.detail})` : ''}`,
      );
    }
    peers.forEach((p, i) => {
      const of = (side: Side) => {
        const f = figures.get(side)!;
        return p.metric ? f.metrics![p.metric]! : f.value;
      };
      const ratio = of(a) / of(p.side);
      records[i]!.rounds.push({ ratio, load });
      console.log(`  ratio vs ${p.side.name}${p.metric ? ` (${p.metric})` : ''}: ${ratio.toFixed(2)}`);
    });
  }
  rows.push(...records);
}

/** The gateway's CPU per unit over a window, for the printed detail. */
async function withCpu(gateway: BenchGateway, unitName: string, run: () => Promise<Figures>) {
  await gateway.cpuMs();
  const figures = await gateway.profiled(run);
  const cpu = await gateway.cpuMs();
  return {
    value: rate(figures),
    detail: `${figures.units} in ${figures.seconds.toFixed(1)} s, p95 ${Math.round(figures.p95)} ms, errors ${figures.errors}, gateway CPU ${(cpu / Math.max(1, figures.units)).toFixed(2)} ms per ${unitName}`,
  };
}

const driverSide = (name: string, concurrency: number, operation: (i: number) => Promise<number>): Side => ({
  name,
  async measure() {
    const f = await driverLoad(concurrency, windowSeconds, operation);
    return {
      value: rate(f),
      detail: `${f.units} in ${f.seconds.toFixed(1)} s, p95 ${Math.round(f.p95)} ms, errors ${f.errors}`,
    };
  },
});

/**
 * The A/B peer of a change: the same work on the gateway built before it (BENCH_COMPARE_DIST, a
 * copy of `dist/` from before the change, running on the same database), when one is running.
 */
const before: { gateway?: BenchGateway } = {};
const abPeer = (
  row: string,
  measure: (gateway: BenchGateway) => Promise<{ value: number; detail?: string }>,
): { side: Side; work: string; goal: string }[] =>
  before.gateway
    ? [
        {
          side: { name: `the same gateway built before the change`, measure: () => measure(before.gateway!) },
          work: `${row}: after the change vs before it (same run)`,
          goal: 'A/B',
        },
      ]
    : [];

/** The gateways a row warms up (JIT, pool) before its rounds: the current one and the A/B build's. */
const warmed = (gateway: BenchGateway): BenchGateway[] =>
  before.gateway ? [gateway, before.gateway] : [gateway];

// ---- the population: bulk-enrolled devices that check in, BYOD devices with users for pages ----

/** The devices that check in: enrolled now, or read back from a reused database. */
async function population(gateway: BenchGateway): Promise<Credential[]> {
  const pool = gateway.pool;
  if (gateway.database.reused) {
    const { rows: kept } = await pool.query<Credential>(
      'select device_id as "deviceId", serial_number as "serialNumber", device_token as "deviceToken" from bench_population',
    );
    if (kept.length) return kept;
  }
  const enrolled = await enrollPopulation(gateway, populationSize);
  await httpLoad({
    gateway,
    connections: 10,
    amount: 500,
    body: enrollBody,
    verify: ok('EnrollDeviceSuccess'),
  });
  await pool.query(
    'create table if not exists bench_population (device_id uuid, serial_number text, device_token text)',
  );
  await pool.query('insert into bench_population select * from unnest($1::uuid[], $2::text[], $3::text[])', [
    enrolled.map((c) => c.deviceId),
    enrolled.map((c) => c.serialNumber),
    enrolled.map((c) => c.deviceToken),
  ]);
  await pool.query('analyze');
  return enrolled;
}

// ---- rows ----

const caKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const generateEcKeyPair = promisify(generateKeyPair);

async function enrollRow(gateway: BenchGateway): Promise<void> {
  for (const g of warmed(gateway))
    await httpLoad({
      gateway: g,
      connections,
      seconds: 2,
      body: enrollBody,
      verify: ok('EnrollDeviceSuccess'),
    });
  await alternate(
    'enroll',
    'enrollments/s',
    {
      name: 'gateway enrollDevice (P-256 key pair, certificate, device)',
      measure: () =>
        withCpu(gateway, 'enrollment', () =>
          httpLoad({
            gateway,
            connections,
            seconds: windowSeconds,
            body: enrollBody,
            verify: ok('EnrollDeviceSuccess'),
          }),
        ),
    },
    [
      {
        side: driverSide(
          'pg: the same writes + node:crypto key pair and signature',
          connections,
          async () => {
            // What issuing costs at least: a device key pair and the CA's signature over a TBS-sized body.
            await generateEcKeyPair('ec', { namedCurve: 'P-256' });
            sign('sha256', randomBytes(420), caKey);
            return enrollWrites(gateway);
          },
        ),
        work: 'Enrollment with a real certificate, vs the raw driver doing the same writes + a key pair and signature from node:crypto',
        goal: '≥ 0.5×',
      },
      ...abPeer('Enrollment', (g) =>
        withCpu(g, 'enrollment', () =>
          httpLoad({
            gateway: g,
            connections,
            seconds: windowSeconds,
            body: enrollBody,
            verify: ok('EnrollDeviceSuccess'),
          }),
        ),
      ),
    ],
  );
}

async function checkInRow(gateway: BenchGateway, devices: Credential[]): Promise<void> {
  const body = checkInBody(devices);
  // Every device checks in once first (as in a storm of devices that check in again and again).
  for (const g of warmed(gateway))
    await httpLoad({ gateway: g, connections, amount: devices.length, body, verify: ok('CheckInSuccess') });
  await alternate(
    'checkin',
    'check-ins/s',
    {
      name: 'gateway checkIn (HMAC proof, renewal check)',
      measure: () =>
        withCpu(gateway, 'check-in', () =>
          httpLoad({ gateway, connections, seconds: windowSeconds, body, verify: ok('CheckInSuccess') }),
        ),
    },
    [
      {
        side: driverSide(
          'pg: one transaction per check-in (update + history insert)',
          connections,
          checkInWrites(gateway, devices),
        ),
        work: 'Check-in (authenticated, with renewal check), vs one naive transaction per check-in',
        goal: '≥ 1.0×',
      },
      ...abPeer('Check-in', (g) =>
        withCpu(g, 'check-in', () =>
          httpLoad({ gateway: g, connections, seconds: windowSeconds, body, verify: ok('CheckInSuccess') }),
        ),
      ),
    ],
  );
}

/**
 * Apple devices' Idle status reports (PUT /mdm/connect, signed Mdm-Signature, empty queue) against
 * our GraphQL check-in, same closed-loop load; BENCH_APPLE_POPULATION (200) devices.
 */
async function appleRow(gateway: BenchGateway, devices: Credential[]): Promise<void> {
  const apple = await applePopulation(gateway, Number(env['BENCH_APPLE_POPULATION'] ?? 200));
  const request = appleIdleRequest(apple);
  const empty = (body: string) => body === '';
  const idle = (g: BenchGateway) =>
    withCpu(g, 'check-in', () =>
      httpLoad({ gateway: g, connections, seconds: windowSeconds, body: () => '', request, verify: empty }),
    );
  const body = checkInBody(devices);
  for (const g of warmed(gateway)) {
    await httpLoad({ gateway: g, connections, amount: apple.length, body: () => '', request, verify: empty });
    await httpLoad({ gateway: g, connections, amount: devices.length, body, verify: ok('CheckInSuccess') });
  }
  await alternate(
    'apple',
    'check-ins/s',
    { name: 'gateway Apple Idle (Mdm-Signature, openssl-signed)', measure: () => idle(gateway) },
    [
      {
        side: {
          name: 'gateway GraphQL checkIn (HMAC proof)',
          measure: () =>
            withCpu(gateway, 'check-in', () =>
              httpLoad({ gateway, connections, seconds: windowSeconds, body, verify: ok('CheckInSuccess') }),
            ),
        },
        work: 'Apple protocol check-in (signed Idle) vs our GraphQL check-in, same closed-loop load',
        goal: '≥ 1.0×',
      },
      ...abPeer('Apple protocol check-in', idle),
    ],
  );
}

async function bulkRow(gateway: BenchGateway): Promise<void> {
  const token = await bulkToken(gateway);
  const body = () =>
    JSON.stringify({
      query: q.enrollMany,
      variables: { input: { bulkEnrollmentToken: token, devices: bulkDevices(1000) } },
    });
  for (const g of warmed(gateway))
    await httpLoad({ gateway: g, connections: 1, amount: 1, body, verify: ok('EnrollDevicesSuccess') });
  const measure = (g: BenchGateway) =>
    withCpu(g, 'device', () =>
      httpLoad({
        gateway: g,
        connections: Math.min(2, bulkCalls),
        amount: bulkCalls,
        body,
        verify: ok('EnrollDevicesSuccess'),
        unitsPerRequest: 1000,
      }),
    );
  await alternate(
    'bulk',
    'devices/s',
    { name: `gateway enrollDevices, ${bulkCalls} calls of 1,000`, measure: () => measure(gateway) },
    [
      {
        side: driverSide('pg: set-based insert of 1,000 devices + certificates', 2, () =>
          bulkWrites(gateway),
        ),
        work: 'Bulk enrollment (`enrollDevices`, 1,000 per call) vs a set-based insert of the same rows and certificates',
        goal: '≥ 0.5×',
      },
      {
        side: driverSide(
          'pg: the same set-based insert + 1,000 node:crypto key pairs and signatures',
          2,
          async () => {
            // Issuing's own floor, which the insert alone leaves out: a key pair and a signature per device.
            for (let i = 0; i < 1000; i++) {
              await generateEcKeyPair('ec', { namedCurve: 'P-256' });
              sign('sha256', randomBytes(420), caKey);
            }
            return bulkWrites(gateway);
          },
        ),
        work: 'Bulk enrollment vs the same set-based insert plus a key pair and signature per device (for reading the row above)',
        goal: '—',
      },
      ...abPeer('Bulk enrollment', measure),
    ],
  );
}

/** The device page as PostGraphile serves it: the same devices, order, user and current certificate. */
const POSTGRAPHILE_PAGE = `query ($first: Int!, $condition: ManagedDeviceCondition) {
  allManagedDevices(first: $first, orderBy: [ENROLLED_DATE_TIME_DESC, PRIMARY_KEY_DESC], condition: $condition) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id deviceName platform serialNumber imei managementState lastSyncDateTime managementCertificateExpirationDate
      mdmCertificatesByDeviceId(condition: { supersededById: null }, first: 1) { nodes { serialNumber notAfter status } }
      appUserByUserId { id userPrincipalName displayName }
    } }
  }
}`;

/** PostGraphile in its own process on the gateway's database. */
async function startPostGraphile(gateway: BenchGateway): Promise<{ url: string; child: ChildProcess }> {
  // The certificate has no foreign key to its device (deletes are set-based): tell PostGraphile the relation.
  await gateway.pool.query(
    `comment on table mdm_certificate is E'@foreignKey (device_id) references managed_device (id)'`,
  );
  // A column type PostGraphile has no codec for (the sweeper's bookkeeping): left out of its schema.
  await gateway.pool.query(`comment on column mdm_certificate.created_xid is E'@behavior -*'`);
  const child = fork(
    fileURLToPath(new URL('./postgraphile-process.mjs', import.meta.url)),
    [gateway.database.url],
    {
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  const { url } = await new Promise<{ url: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string }));
    child.once('exit', (code) => reject(new Error(`PostGraphile process exited with ${code}`)));
  });
  return { url, child };
}

async function pageRow(gateway: BenchGateway): Promise<void> {
  const peer = await startPostGraphile(gateway);
  try {
    let n = 0;
    const peerBody = () =>
      JSON.stringify({
        query: POSTGRAPHILE_PAGE,
        variables: { first: 100, condition: n++ % 2 ? { platform: 'WINDOWS' } : {} },
      });
    const peerVerify = (b: string) => b.includes('"edges"') && !b.includes('"errors"');
    const probe = await fetch(`${peer.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: peerBody(),
    });
    const probeText = await probe.text();
    if (!peerVerify(probeText)) throw new Error(`PostGraphile refused the page: ${probeText.slice(0, 500)}`);
    const verify = (b: string) => b.includes('"edges"') && !b.includes('"errors"');
    const body = pageBody();
    for (const g of warmed(gateway)) await httpLoad({ gateway: g, connections, seconds: 2, body, verify });
    const peerGateway = { ...gateway, url: peer.url } as BenchGateway;
    await httpLoad({ gateway: peerGateway, connections, seconds: 2, body: peerBody, verify: peerVerify });
    await alternate(
      'page',
      'pages/s',
      {
        name: 'gateway managedDevices(first: 100) with user and mdmCertificate',
        measure: () =>
          withCpu(gateway, 'page', () =>
            httpLoad({ gateway, connections, seconds: windowSeconds, body, verify }),
          ),
      },
      [
        {
          side: {
            name: 'PostGraphile 5 (Amber preset), the same page',
            async measure() {
              await ask(peer.child, 'cpu', 'cpu');
              const f = await httpLoad({
                gateway: peerGateway,
                connections,
                seconds: windowSeconds,
                body: peerBody,
                verify: peerVerify,
              });
              const { ms } = await ask<{ type: string; ms: number }>(peer.child, 'cpu', 'cpu');
              return {
                value: rate(f),
                detail: `${f.units} in ${f.seconds.toFixed(1)} s, p95 ${Math.round(f.p95)} ms, errors ${f.errors}, PostGraphile CPU ${(ms / Math.max(1, f.units)).toFixed(2)} ms per page`,
              };
            },
          },
          work: 'Page of 100 devices with certificate and user, vs PostGraphile serving the same query',
          goal: '≥ 1.0×',
        },
        {
          side: driverSide('pg: the page, its count and its certificates', connections, pageReads(gateway)),
          work: 'Page of 100 devices with certificate and user, vs the raw driver',
          goal: '≥ 0.8×',
        },
        ...abPeer('Page of 100 devices', (g) =>
          withCpu(g, 'page', () =>
            httpLoad({ gateway: g, connections, seconds: windowSeconds, body, verify }),
          ),
        ),
      ],
    );
  } finally {
    const exited = new Promise((resolve) => peer.child.once('exit', resolve));
    peer.child.send('stop');
    await exited;
  }
}

async function importRow(gateway: BenchGateway): Promise<void> {
  const client = new pg.Client({ connectionString: gateway.database.url });
  await client.connect();
  // Four random digits per window, so that runs on a reused database (BENCH_REUSE_DATABASE) write
  // new identifiers as well, not a file already stored (a different workload).
  let prefixes = Math.floor(Math.random() * 10_000);
  const nextPrefix = (first: string) => `${first}${String(prefixes++ % 10_000).padStart(4, '0')}`;
  /** 15-digit IMEIs of this window: a fresh 5-digit prefix and a counter (COPY does not validate). */
  const copyWindow = async () => {
    const prefix = nextPrefix('9');
    const now = new Date().toISOString();
    const lines: string[] = [];
    for (let n = 0; n < importRows; n++)
      lines.push(
        `${randomUUID()}\tIMEI\t${prefix}${String(n).padStart(10, '0')}\tPool ${n}\tnotContacted\t${now}`,
      );
    const chunks: string[] = [];
    for (let i = 0; i < lines.length; i += 8192) chunks.push(`${lines.slice(i, i + 8192).join('\n')}\n`);
    const started = performance.now();
    await client.query('begin');
    await pipeline(
      Readable.from(chunks),
      client.query(
        copyFrom(
          'copy corporate_identifier (id, identifier_type, identifier, details, enrollment_state, created_date_time) from stdin',
        ),
      ),
    );
    await client.query('commit');
    return performance.now() - started;
  };
  /** One write of `importRows` new IMEIs through `g`'s import writer. */
  const write = async (g: BenchGateway) => {
    const prefix = nextPrefix('8');
    // Profiled like the HTTP windows (BENCH_WINDOW_PROF): the write runs in the gateway process.
    const { ms } = await g.profiled(() =>
      g.ask<{ type: string; ms: number }>(`import:${importRows}:${prefix}`, 'import'),
    );
    return { value: (importRows / ms) * 1000, detail: `${Math.round(ms)} ms` };
  };
  try {
    await alternate(
      'import',
      'rows/s',
      {
        name: `gateway import writer, ${importRows.toLocaleString('en')} IMEIs in one transaction`,
        measure: () => write(gateway),
      },
      [
        ...abPeer('Bulk identifier import', write),
        {
          side: {
            name: 'COPY of as many rows into corporate_identifier',
            async measure() {
              const ms = await copyWindow();
              return { value: (importRows / ms) * 1000, detail: `${Math.round(ms)} ms` };
            },
          },
          work: `Bulk identifier import (${importRows.toLocaleString('en')} rows) vs COPY into the same table`,
          goal: '≥ 0.8×',
        },
      ],
    );
  } finally {
    await client.end();
  }
}

/**
 * Fan-out latency, N graphql-ws subscribers of `deviceCheckedIn` (BENCH_SUBSCRIBERS, default
 * 1,000 and 5,000) and 10 events/s, against a bare node `http` + `ws` server that broadcasts a
 * message of the same shape to as many plain sockets when it is sent the same check-in request
 * body. Both sides are raised the same way (an HTTP POST from this process, 10/s) and measured the
 * same ways, by the same client process code:
 * - from publication to delivery (the goal's figure): the gateway's time is taken by a listener on
 *   its event bus that runs before any subscriber's (so it includes the event's device read, the
 *   one execution, serialisation and the write to every socket); the bare server's just before its
 *   send loop;
 * - end to end, from the event's `occurredAt` to delivery: the gateway stamps it when the check-in
 *   starts (so it also includes authentication, the check-in's statement and its group commit),
 *   the bare server when the request arrives (so it also includes reading the body).
 * Delivery is the `message` event of the socket in the subscribers' process. Lost: deliveries
 * expected for the events the server acknowledged but not received within 15 s.
 */
async function fanoutRow(gateway: BenchGateway, devices: Credential[]): Promise<void> {
  const body = checkInBody(devices.slice(0, 100));
  const post = async (url: string, token = gateway.token) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body(),
    });
    return ok('CheckInSuccess')(await response.text());
  };
  // The bare peer: answers a POST by broadcasting, after reading and parsing the body as any
  // HTTP endpoint would, the same-shaped `next` message, then answers as the gateway does.
  let barePublished: Record<string, number> = {};
  const bare = createServer((request, response) => {
    const occurredAt = new Date().toISOString();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { variables } = JSON.parse(Buffer.concat(chunks).toString()) as {
        variables: { input: { deviceId: string } };
      };
      const deviceId = variables.input.deviceId;
      const message = bareNextMessage(deviceId, occurredAt);
      barePublished[`${deviceId} ${occurredAt}`] = performance.timeOrigin + performance.now();
      for (const socket of sockets.clients) socket.send(message);
      response.setHeader('content-type', 'application/json');
      response.end('{"data":{"checkIn":{"__typename":"CheckInSuccess"}}}');
    });
  });
  const sockets = new WebSocketServer({ server: bare });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  const events = 10 * windowSeconds;
  const sizes = (env['BENCH_SUBSCRIBERS'] ?? '1000,5000').split(',').map(Number);
  const profiling = Boolean(env['BENCH_WINDOW_PROF']);
  const ms = (v: number) => (v >= 100 ? String(Math.round(v)) : v.toFixed(1));
  /** One window: subscribe n, `start`, 10 events/s, report both latencies and what was lost. */
  const window = async (
    n: number,
    mode: 'graphql' | 'raw',
    emit: () => Promise<boolean>,
    wsUrl: string,
    start: () => Promise<unknown>,
    published: () => Promise<Record<string, number>>,
    token = gateway.token,
  ) => {
    const child = await openSubscribers(mode, wsUrl, n, token, emit);
    await start();
    const result = await measureDeliveries(child, events, 10, n, emit, published);
    const fromPublish = result.published!;
    const { figures } = result;
    return {
      value: fromPublish.p95,
      metrics: { publish: fromPublish.p95, endToEnd: figures.p95 },
      detail:
        `publication → delivery p50 ${ms(fromPublish.p50)} p95 ${ms(fromPublish.p95)} p99 ${ms(fromPublish.p99)} ms over ${fromPublish.deliveries.toLocaleString('en')} deliveries, an event's first delivery p50 ${ms(fromPublish.firstP50)} ms; ` +
        `end to end p50 ${ms(figures.p50)} p95 ${ms(figures.p95)} p99 ${ms(figures.p99)} ms; ` +
        `${result.acknowledged}/${events} events acknowledged, lost ${figures.errors} of ${(result.acknowledged * n).toLocaleString('en')} deliveries`,
    };
  };
  // Profiled like the HTTP windows (BENCH_WINDOW_PROF), from the first event on (not while
  // subscribing); its CPU per event covers the check-in that raises the event and the delivery
  // to every subscriber.
  const measureGateway = (g: BenchGateway, n: number) => async () => {
    const measured = await window(
      n,
      'graphql',
      () => post(`${g.url}/graphql`, g.token),
      `${g.url.replace(/^http/, 'ws')}/graphql`,
      async () => {
        await g.cpuMs();
        await g.ask('published:start', 'published:started');
        if (profiling) await g.ask('profile:start', 'profile');
      },
      async () => {
        const { times } = await g.ask<{ type: string; times: Record<string, number> }>(
          'published',
          'published',
        );
        if (profiling) {
          const { file } = await g.ask<{ type: string; file: string | null }>('profile:stop', 'profile');
          console.log(`gateway CPU profile of the measured window: ${file}`);
        }
        return times;
      },
      g.token,
    );
    const cpu = await g.cpuMs();
    return {
      ...measured,
      detail: `${measured.detail}, gateway CPU ${(cpu / events).toFixed(1)} ms per event`,
    };
  };
  try {
    for (const n of sizes) {
      const bareSide: Side = {
        name: `bare http+ws broadcast to ${n.toLocaleString('en')} sockets, 10 POSTs/s`,
        // Its CPU per event is this whole process's (the HTTP client raising the events included).
        measure: async () => {
          let mark = process.cpuUsage();
          const measured = await window(
            n,
            'raw',
            () => post(bareUrl),
            bareUrl.replace(/^http/, 'ws'),
            async () => {
              barePublished = {};
              mark = process.cpuUsage();
            },
            async () => barePublished,
          );
          const cpu = process.cpuUsage(mark);
          return {
            ...measured,
            detail: `${measured.detail}, this process's CPU ${((cpu.user + cpu.system) / 1000 / events).toFixed(1)} ms per event`,
          };
        },
      };
      await alternate(
        `fanout N=${n}`,
        'ms p95 from publication',
        {
          name: `gateway deviceCheckedIn to ${n.toLocaleString('en')} graphql-ws subscribers, 10 check-ins/s`,
          measure: measureGateway(gateway, n),
        },
        [
          {
            side: bareSide,
            metric: 'publish',
            work: `Subscription fan-out latency p95, publication → delivery (${n.toLocaleString('en')} subscribers × 10/s) vs a bare \`ws\` broadcast to as many sockets (lower is better)`,
            goal: '≤ 1.2×',
          },
          {
            side: bareSide,
            metric: 'endToEnd',
            work: `(the same, end to end: check-in request → delivery, vs the bare server's POST → delivery)`,
            goal: '—',
          },
          ...(before.gateway
            ? [
                {
                  side: {
                    name: 'the same gateway built before the change',
                    measure: measureGateway(before.gateway, n),
                  },
                  metric: 'publish',
                  work: `Fan-out publication → delivery p95 (${n.toLocaleString('en')}): after the change vs before it (same run)`,
                  goal: 'A/B',
                },
              ]
            : []),
        ],
      );
    }
  } finally {
    sockets.close();
    bare.close();
  }
}

/** Sums the figures of loads run at the same time (two gateway processes sharing the work). */
const together = (figures: Figures[]): Figures => ({
  units: figures.reduce((sum, f) => sum + f.units, 0),
  seconds: Math.max(...figures.map((f) => f.seconds)),
  p50: Math.max(...figures.map((f) => f.p50)),
  p95: Math.max(...figures.map((f) => f.p95)),
  p99: Math.max(...figures.map((f) => f.p99)),
  errors: figures.reduce((sum, f) => sum + f.errors, 0),
});

/**
 * Scale-out on this machine: the same closed-loop load (BENCH_CONNECTIONS) on one gateway process,
 * or split between two processes of the same build sharing the database.
 */
async function scaleRow(gateway: BenchGateway, devices: Credential[]): Promise<void> {
  const second = await startBenchGateway('ratios', {}, { database: gateway.database });
  try {
    const half = Math.max(1, Math.floor(connections / 2));
    const checkIn = checkInBody(devices);
    const work = [
      { name: 'enrollments', body: enrollBody, verify: ok('EnrollDeviceSuccess') },
      { name: 'check-ins', body: checkIn, verify: ok('CheckInSuccess') },
    ];
    for (const w of work) {
      await alternate(
        `scale/${w.name}`,
        `${w.name}/s`,
        {
          name: `two gateway processes, ${half} connections each`,
          async measure() {
            const figures = together(
              await Promise.all(
                [gateway, second].map((g) =>
                  httpLoad({
                    gateway: g,
                    connections: half,
                    seconds: windowSeconds,
                    body: w.body,
                    verify: w.verify,
                  }),
                ),
              ),
            );
            return {
              value: rate(figures),
              detail: `${figures.units} in ${figures.seconds.toFixed(1)} s, errors ${figures.errors}`,
            };
          },
        },
        [
          {
            side: {
              name: `one gateway process, ${2 * half} connections`,
              async measure() {
                const f = await httpLoad({
                  gateway,
                  connections: 2 * half,
                  seconds: windowSeconds,
                  body: w.body,
                  verify: w.verify,
                });
                return {
                  value: rate(f),
                  detail: `${f.units} in ${f.seconds.toFixed(1)} s, errors ${f.errors}`,
                };
              },
            },
            work: `Scale-out on this 2-core machine: ${w.name} with 2 gateway processes vs 1 (same database, same connections)`,
            goal: '—',
          },
        ],
      );
    }
  } finally {
    await second.stop();
  }
}

/**
 * SCEP enrollment (micromdm's scepclient, one process per enrollment: GetCACert, GetCACaps,
 * PKCSReq with a challenge, the CertRep decrypted) against micromdm's scepserver, the same client
 * load launched by this process for both (scep.bench.ts); each window BENCH_SCEP_ENROLLMENTS (80)
 * enrollments, BENCH_SCEP_CONCURRENCY (4) clients at once.
 */
async function scepRow(gateway: BenchGateway): Promise<void> {
  const clients = await scepClients();
  const server = await startScepServer(clients);
  try {
    const ours = await gatewayScep(gateway);
    const theirs = before.gateway ? await gatewayScep(before.gateway, 'the gateway built before') : undefined;
    for (const target of [ours, server, ...(theirs ? [theirs] : [])]) await scepWindow(clients, target, 8);
    const gatewaySide = (g: BenchGateway, target: ScepTarget): Side => ({
      name: `${target.name} (PostgreSQL, one-time challenges)`,
      async measure() {
        await g.cpuMs();
        const w = await g.profiled(() => scepWindow(clients, target));
        const cpu = await g.cpuMs();
        return scepFigure(w, `gateway CPU ${(cpu / Math.max(1, w.succeeded)).toFixed(2)} ms per enrollment`);
      },
    });
    await alternate('scep', 'enrollments/s', gatewaySide(gateway, ours), [
      {
        side: {
          name: server.name,
          async measure() {
            const cpu = await processCpuMs(server.process.pid!);
            const w = await scepWindow(clients, server);
            const used = (await processCpuMs(server.process.pid!)) - cpu;
            return scepFigure(
              w,
              `scepserver CPU ${(used / Math.max(1, w.succeeded)).toFixed(2)} ms per enrollment`,
            );
          },
        },
        work: `SCEP enrollment vs micromdm's \`scepserver\` (Debian \`scep\`), same client load (${scepSettings.concurrency} scepclient processes at once)`,
        goal: '≥ 1.0×',
      },
      ...(theirs ? abPeer('SCEP enrollment', () => gatewaySide(before.gateway!, theirs).measure()) : []),
    ]);
  } finally {
    server.stop();
    await clients.close();
  }
}

const scepFigure = (w: Awaited<ReturnType<typeof scepWindow>>, cpu: string) => ({
  value: w.succeeded / w.seconds,
  detail: `${w.succeeded} in ${w.seconds.toFixed(1)} s, failed ${w.failed}, ${cpu}`,
});

export const ratioRows = [
  'enroll',
  'checkin',
  'bulk',
  'page',
  'import',
  'fanout',
  'scale',
  'scep',
  'apple',
] as const;

/** Runs the rows named (all when none) and prints the table docs/performance.md keeps. */
export async function ratiosBenchmark(only: string[] = []): Promise<void> {
  const wanted = (name: string) => only.length === 0 || only.includes(name);
  const started = new Date();
  console.log(
    `ratios: ${rounds} rounds of ${windowSeconds} s windows, ${connections} connections, Node ${process.version}, load average ${loads()}`,
  );
  const gateway = await startBenchGateway('ratios', {}, { reusable: true });
  const compareDist = env['BENCH_COMPARE_DIST'];
  try {
    // The rows that check in need the enrolled population; the others run without it.
    const needsPopulation = only.length === 0 || only.some((row) => row !== 'scep');
    const devices = needsPopulation ? await population(gateway) : [];
    if (compareDist) {
      before.gateway = await startBenchGateway(
        'ratios',
        {},
        { database: gateway.database, dist: resolve(compareDist) },
      );
      console.log(`ratios: A/B against the build in ${resolve(compareDist)}, on the same database`);
    }
    if (wanted('enroll')) await enrollRow(gateway);
    if (wanted('checkin')) await checkInRow(gateway, devices);
    if (wanted('bulk')) await bulkRow(gateway);
    if (wanted('page')) await pageRow(gateway);
    if (wanted('import')) await importRow(gateway);
    if (wanted('fanout')) await fanoutRow(gateway, devices);
    if (wanted('scale')) await scaleRow(gateway, devices);
    if (wanted('apple')) await appleRow(gateway, devices);
    if (wanted('scep')) await scepRow(gateway);
  } finally {
    await before.gateway?.stop();
    await gateway.stop();
  }

  console.log(
    `\nRatios measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC (median of ${rounds} alternating rounds):\n`,
  );
  console.log('| Work | Goal | Ratio (median) | Rounds | Load average (1 min) |');
  console.log('|---|---|---:|---|---|');
  for (const row of rows) {
    if (!row.rounds.length) {
      console.log(`| ${row.work} | ${row.goal} | — | ${row.note} | |`);
      continue;
    }
    const ratios = row.rounds.map((r) => r.ratio);
    console.log(
      `| ${row.work} | ${row.goal} | **${median(ratios).toFixed(2)}×** | ${ratios.map((r) => r.toFixed(2)).join(', ')} | ${row.rounds.map((r) => r.load.toFixed(1)).join(', ')} |`,
    );
  }
}
