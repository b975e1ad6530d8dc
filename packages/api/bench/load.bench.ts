// The six load scenarios (the k6 scripts of load-tests/, at a smaller scale) against a
// gateway in its own process on the machine's PostgreSQL, over real HTTP (autocannon) and real
// WebSocket clients. Each prints throughput, p50/p95/p99 latency, errors, the gateway's peak
// RSS and the ratio to a baseline measured in the same run: the same database writes (or, for
// reads, the same statements) issued straight through `pg`, the limit the gateway could reach.
//   pnpm bench enroll-load|bulk-load|checkin-load|subscribers|reads|mixed   (or `load`: all six)
// Scale: BENCH_SECONDS (10), BENCH_CONNECTIONS (20), BENCH_BULK_BATCHES (10), BENCH_POPULATION
// (2000), BENCH_SUBSCRIBERS (1000), BENCH_MIXED_SUBSCRIBERS (200).
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  LoadCheckInDocument,
  LoadDevicePageDocument,
  LoadEnrollDeviceDocument,
  LoadEnrollDevicesDocument,
  CreateBulkEnrollmentTokenDocument,
} from '@mdm/schema';
import { print } from 'graphql';
import { WebSocketServer } from 'ws';
import { inlineAuditValues } from '../src/modules/audit/audit.store.js';
import { NOT_COMMON_PATH_STATES } from '../src/modules/check-in/check-in.service.js';
import { CHECK_IN_RECORD_SQL } from '../src/modules/check-in/check-in.sql.js';
import { GroupCommit } from '../src/shared/group-commit.js';
import {
  ask,
  driverLoad,
  forkTs,
  httpLoad,
  report,
  startBenchGateway,
  type BenchGateway,
  type Figures,
} from './load-harness.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 10);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 20);
const bulkBatches = Number(process.env['BENCH_BULK_BATCHES'] ?? 10);
const populationSize = Number(process.env['BENCH_POPULATION'] ?? 2000);
const subscriberCount = Number(process.env['BENCH_SUBSCRIBERS'] ?? 1000);
const mixedSubscribers = Number(process.env['BENCH_MIXED_SUBSCRIBERS'] ?? 200);

export const q = {
  enroll: print(LoadEnrollDeviceDocument),
  enrollMany: print(LoadEnrollDevicesDocument),
  checkIn: print(LoadCheckInDocument),
  page: print(LoadDevicePageDocument),
  bulkToken: print(CreateBulkEnrollmentTokenDocument),
};

/** A run-unique prefix and counter for serial numbers and IMEIs. */
const run = Date.now().toString(36).toUpperCase();
let sequence = 0;
const luhn = (body: string) => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0 && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
};
const imeiBase = Math.floor(Math.random() * 900) + 100;
/** A Luhn-valid IMEI and a serial number never used before in this run. */
export function nextIdentifiers() {
  const n = sequence++;
  const body = `35${imeiBase}${String(n).padStart(9, '0')}`;
  return { serialNumber: `B${run}N${n}`, imei: body + luhn(body) };
}

let enrollments = 0;
export const enrollBody = () => {
  const { serialNumber, imei } = nextIdentifiers();
  // A new user every 5 devices: the default device limit restriction allows 5 per user.
  const userPrincipalName = `bench-${run.toLowerCase()}-${Math.floor(enrollments++ / 5)}@contoso.example`;
  return JSON.stringify({
    query: q.enroll,
    variables: {
      input: {
        platform: 'IOS',
        method: 'BYOD',
        userPrincipalName,
        deviceName: `bench ${serialNumber}`,
        serialNumber,
        imei,
        osVersion: '17.4',
      },
    },
  });
};
export const bulkDevices = (size: number) =>
  Array.from({ length: size }, () => {
    const { serialNumber, imei } = nextIdentifiers();
    return {
      deviceName: `bench ${serialNumber}`,
      serialNumber,
      imei,
      osVersion: '10.0.22631',
      manufacturer: 'Contoso',
      model: 'Surface',
    };
  });

export type Credential = { deviceId: string; serialNumber: string; deviceToken: string };

export async function bulkToken(gateway: BenchGateway): Promise<string> {
  const data = await gateway.gql<{ createBulkEnrollmentToken: { secret: string } }>(q.bulkToken, {
    input: { displayName: `bench ${randomUUID()}`, validityDays: 1 },
  });
  return data.createBulkEnrollmentToken.secret;
}

/** Enrolls `size` Windows devices through bulk enrollment and returns their check-in credentials. */
export async function enrollPopulation(gateway: BenchGateway, size: number): Promise<Credential[]> {
  const token = await bulkToken(gateway);
  const population: Credential[] = [];
  while (population.length < size) {
    const data = await gateway.gql<{
      enrollDevices: {
        enrollments: { device: { id: string }; certificate: { serialNumber: string }; deviceToken: string }[];
      };
    }>(q.enrollMany, {
      input: { bulkEnrollmentToken: token, devices: bulkDevices(Math.min(1000, size - population.length)) },
    });
    for (const e of data.enrollDevices.enrollments)
      population.push({
        deviceId: e.device.id,
        serialNumber: e.certificate.serialNumber,
        deviceToken: e.deviceToken,
      });
  }
  return population;
}

/** An HMAC-proved check-in body for the next device of the population (round robin). */
export const checkInBody = (population: Credential[]) => {
  let next = 0;
  return () => {
    const device = population[next++ % population.length]!;
    const timestamp = new Date().toISOString();
    const nonce = randomBytes(12).toString('base64url');
    const signature = createHmac('sha256', device.deviceToken)
      .update(`${device.deviceId}\n${timestamp}\n${nonce}`)
      .digest('base64');
    return JSON.stringify({
      query: q.checkIn,
      variables: {
        input: {
          deviceId: device.deviceId,
          certificateSerialNumber: device.serialNumber,
          timestamp,
          nonce,
          signature,
          proofType: 'HMAC',
        },
      },
    });
  };
};

export const pageBody = () => {
  let n = 0;
  return () =>
    JSON.stringify({
      query: q.page,
      variables: { first: 100, filter: n++ % 2 ? { platform: 'WINDOWS' } : {} },
    });
};

export const ok = (typename: string) => (body: string) =>
  body.includes(`"__typename":"${typename}"`) && !body.includes('"errors"');

// ---- raw-driver baselines: the same writes (reads) through pg ----

const PEM = `-----BEGIN CERTIFICATE-----\n${randomBytes(520)
  .toString('base64')
  .replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
const DEVICE_COLUMNS = `id, device_name, platform, operating_system, os_version, serial_number, imei, managed_device_owner_type, enrollment_method,
  enrollment_type, management_state, enrolled_date_time, last_sync_date_time, management_certificate_expiration_date`;
const CERT_COLUMNS =
  'id, device_id, serial_number, sha256_thumbprint, subject, issuer, not_before, not_after, status, pem, issued_date_time';

/** Enrollment's writes: the device row and its certificate row, in one transaction. */
export async function enrollWrites(gateway: BenchGateway): Promise<number> {
  const client = await gateway.pool.connect();
  try {
    const { serialNumber, imei } = nextIdentifiers();
    const id = randomUUID();
    const now = new Date();
    const notAfter = new Date(now.getTime() + 365 * 86_400_000);
    await client.query('begin');
    await client.query(
      `insert into managed_device (${DEVICE_COLUMNS}) values ($1, $2, 'IOS', 'iOS', '17.4', $3, $4, 'personal', 'BYOD', 'userEnrollment', 'managed', $5, $5, $6)`,
      [id, `raw ${serialNumber}`, serialNumber, imei, now, notAfter],
    );
    await client.query(
      `insert into mdm_certificate (${CERT_COLUMNS}) values ($1, $2, $3, $4, $5, 'CN=bench CA', $6, $7, 'valid', $8, $6)`,
      [
        randomUUID(),
        id,
        randomBytes(16).toString('hex'),
        randomBytes(32).toString('hex'),
        `CN=${id}`,
        now,
        notAfter,
        PEM,
      ],
    );
    await client.query('commit');
    return 1;
  } finally {
    client.release();
  }
}

/** Bulk enrollment's writes, set-based: 1,000 device rows and 1,000 certificate rows in one transaction. */
export async function bulkWrites(gateway: BenchGateway): Promise<number> {
  const size = 1000;
  const ids = Array.from({ length: size }, () => randomUUID());
  const idents = Array.from({ length: size }, () => nextIdentifiers());
  const now = new Date();
  const notAfter = new Date(now.getTime() + 365 * 86_400_000);
  const client = await gateway.pool.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into managed_device (${DEVICE_COLUMNS})
       select id, 'raw ' || serial, 'WINDOWS', 'Windows', '10.0.22631', serial, imei, 'company', 'BULK_ENROLL', 'windowsBulkUserless', 'managed', $4, $4, $5
       from unnest($1::uuid[], $2::text[], $3::text[]) as t(id, serial, imei)`,
      [ids, idents.map((i) => i.serialNumber), idents.map((i) => i.imei), now, notAfter],
    );
    await client.query(
      `insert into mdm_certificate (${CERT_COLUMNS})
       select gen_random_uuid(), id, md5(id::text || 's'), md5(id::text) || md5(id::text || 't'), 'CN=' || id, 'CN=bench CA', $2, $3, 'valid', $4, $2
       from unnest($1::uuid[]) as t(id)`,
      [ids, now, notAfter, PEM],
    );
    await client.query('commit');
    return size;
  } finally {
    client.release();
  }
}

/** A check-in's writes: lastSyncDateTime and the check-in history row, in one transaction. */
export const checkInWrites = (gateway: BenchGateway, population: Credential[]) => async (i: number) => {
  const device = population[i % population.length]!;
  const client = await gateway.pool.connect();
  try {
    const now = new Date();
    await client.query('begin');
    await client.query('update managed_device set last_sync_date_time = $2 where id = $1', [
      device.deviceId,
      now,
    ]);
    await client.query(
      `insert into device_check_in (id, device_id, nonce, certificate_serial_number, proof_type, renewed, checked_in_date_time) values ($1, $2, $3, $4, 'HMAC', false, $5)`,
      [randomUUID(), device.deviceId, randomBytes(12).toString('base64url'), device.serialNumber, now],
    );
    await client.query('commit');
    return 1;
  } finally {
    client.release();
  }
};

/**
 * The gateway's batched check-in write through pg: the same statement (CheckInStore's, history
 * rows + lastSyncDateTime with the write-time re-check) and the same group commit (GroupCommit,
 * same batch limits), without GraphQL, authentication or the audit record. The fair baseline of
 * the gateway's common check-in path, beside the per-check-in one above.
 */
async function batchedCheckInWrites(
  gateway: BenchGateway,
  population: Credential[],
): Promise<(i: number) => Promise<number>> {
  const { rows } = await gateway.pool.query<{ id: string; serial_number: string }>(
    'select id, serial_number from mdm_certificate where serial_number = any($1)',
    [population.map((p) => p.serialNumber.toUpperCase())],
  );
  const certificateIds = new Map(rows.map((r) => [r.serial_number, r.id]));
  // The store's statement is written for the seam (`?`); pg numbers its parameters.
  let n = 0;
  const recordSql = CHECK_IN_RECORD_SQL.replace(/\?(?=::)/g, () => `$${++n}`);
  const queue = new GroupCommit<{ device: Credential; nonce: string; at: string }, number>(async (items) => {
    await gateway.pool.query(recordSql, [
      items.map(() => randomUUID()),
      items.map((i) => i.device.deviceId),
      items.map((i) => i.nonce),
      items.map((i) => certificateIds.get(i.device.serialNumber.toUpperCase())),
      items.map((i) => i.device.serialNumber),
      items.map(() => 'HMAC'),
      items.map((i) => i.at),
      NOT_COMMON_PATH_STATES,
      // No audit rows: this baseline writes none.
      ...inlineAuditValues(
        items.map(() => null),
        items.map(() => randomUUID()),
      ),
    ]);
    return items.map(() => 1);
  });
  return (i) =>
    queue.submit({
      device: population[i % population.length]!,
      nonce: randomBytes(12).toString('base64url'),
      at: new Date().toISOString(),
    });
}

/**
 * A page's statements as the raw driver would issue them: 101 devices in keyset order with their
 * users joined, the total count (concurrently, on another connection) and the page's current
 * certificates, every column of each row.
 */
export const pageReads = (gateway: BenchGateway) => async (i: number) => {
  const where = i % 2 ? `where d.platform = 'WINDOWS'` : '';
  const [{ rows }] = await Promise.all([
    gateway.pool.query<{ id: string }>(
      `select d.*, u.id as u_id, u.user_principal_name as u_user_principal_name, u.display_name as u_display_name
       from managed_device d left join app_user u on u.id = d.user_id ${where}
       order by d.enrolled_date_time desc, d.id desc limit 101`,
    ),
    gateway.pool.query(`select count(*)::int from managed_device d ${where}`),
  ]);
  await gateway.pool.query(
    'select * from mdm_certificate where device_id = any($1::uuid[]) and superseded_by_id is null',
    [rows.slice(0, 100).map((r) => r.id)],
  );
  return 1;
};

// ---- scenarios ----

export async function enrollScenario(): Promise<void> {
  const gateway = await startBenchGateway('enroll');
  try {
    await httpLoad({ gateway, connections, seconds: 2, body: enrollBody, verify: ok('EnrollDeviceSuccess') }); // warm-up (JIT, pool, CA key)
    await gateway.peakRss();
    await gateway.cpuMs();
    const measured = await gateway.profiled(() =>
      httpLoad({ gateway, connections, seconds, body: enrollBody, verify: ok('EnrollDeviceSuccess') }),
    );
    const cpuMs = await gateway.cpuMs();
    const rss = await gateway.peakRss();
    console.log(
      `enroll: gateway CPU ${(cpuMs / measured.units).toFixed(2)} ms per enrollment (${Math.round(cpuMs)} ms over ${measured.units}; independent of the other load on the machine)`,
    );
    const baseline = await driverLoad(connections, seconds, () => enrollWrites(gateway));
    report('enroll', 'enrollments', measured, rss, baseline, 'INSERT device + certificate via pg');
  } finally {
    await gateway.stop();
  }
}

export async function bulkScenario(): Promise<void> {
  const gateway = await startBenchGateway('bulk');
  try {
    const token = await bulkToken(gateway);
    const body = () =>
      JSON.stringify({
        query: q.enrollMany,
        variables: { input: { bulkEnrollmentToken: token, devices: bulkDevices(1000) } },
      });
    await httpLoad({ gateway, connections: 1, amount: 1, body, verify: ok('EnrollDevicesSuccess') });
    await gateway.peakRss();
    await gateway.cpuMs();
    const measured = await httpLoad({
      gateway,
      connections: 2,
      amount: bulkBatches,
      body,
      verify: ok('EnrollDevicesSuccess'),
      unitsPerRequest: 1000,
    });
    const cpuMs = await gateway.cpuMs();
    const rss = await gateway.peakRss();
    console.log(
      `bulk: gateway CPU ${(cpuMs / measured.units).toFixed(3)} ms per device (${Math.round(cpuMs)} ms over ${measured.units}; independent of the other load on the machine)`,
    );
    const baseline = await driverLoad(2, Math.max(2, seconds / 2), () => bulkWrites(gateway));
    report(
      'bulk',
      'devices',
      measured,
      rss,
      baseline,
      'set-based INSERT of 1,000 devices + certificates via pg',
    );
  } finally {
    await gateway.stop();
  }
}

export async function checkInScenario(): Promise<void> {
  const gateway = await startBenchGateway('checkin');
  try {
    const population = await enrollPopulation(gateway, populationSize);
    const body = checkInBody(population);
    // Warm-up: every device checks in once (JIT, pool; the gateway then knows each certificate, as
    // it does in a storm of devices that check in again and again). Measured on its own: the
    // first check-ins, which also look the certificate up.
    const first = await httpLoad({
      gateway,
      connections,
      amount: population.length,
      body,
      verify: ok('CheckInSuccess'),
    });
    console.log(
      `checkin: first check-in of each of the ${population.length} devices (certificate looked up): ${Math.round(first.units / first.seconds)}/s, p50 ${Math.round(first.p50)} ms, p95 ${Math.round(first.p95)} ms, errors ${first.errors}`,
    );
    await gateway.peakRss();
    await gateway.cpuMs();
    const measured = await gateway.profiled(() =>
      httpLoad({ gateway, connections, seconds, body, verify: ok('CheckInSuccess') }),
    );
    const cpu = (await gateway.cpuMs()) / 1000;
    const rss = await gateway.peakRss();
    console.log(
      `checkin: gateway process CPU ${cpu.toFixed(2)} s for ${measured.units} check-ins: ${((1000 * cpu) / measured.units).toFixed(2)} ms per check-in`,
    );
    const baseline = await driverLoad(connections, seconds, checkInWrites(gateway, population));
    const batched = await driverLoad(connections, seconds, await batchedCheckInWrites(gateway, population));
    report(
      'checkin',
      'check-ins',
      measured,
      rss,
      baseline,
      'UPDATE lastSync + INSERT history via pg, one transaction per check-in',
      [{ figures: batched, label: "the gateway's batched write statement via pg, same group commit" }],
    );
  } finally {
    await gateway.stop();
  }
}

export async function readsScenario(): Promise<void> {
  const gateway = await startBenchGateway('reads');
  try {
    await enrollPopulation(gateway, populationSize);
    // BYOD devices with users, so the nested user field has rows to load.
    await httpLoad({
      gateway,
      connections: 10,
      amount: 500,
      body: enrollBody,
      verify: ok('EnrollDeviceSuccess'),
    });
    const body = pageBody();
    await httpLoad({
      gateway,
      connections,
      seconds: 2,
      body,
      verify: (b) => b.includes('"edges"') && !b.includes('"errors"'),
    });
    await gateway.peakRss();
    await gateway.cpuMs();
    const measured = await gateway.profiled(() =>
      httpLoad({
        gateway,
        connections,
        seconds,
        body,
        verify: (b) => b.includes('"edges"') && !b.includes('"errors"'),
      }),
    );
    const cpuMs = await gateway.cpuMs();
    const rss = await gateway.peakRss();
    console.log(
      `reads: gateway CPU ${(cpuMs / measured.units).toFixed(2)} ms per page (${Math.round(cpuMs)} ms over ${measured.units} pages; independent of the other load on the machine${process.env['BENCH_WINDOW_PROF'] ? ', profiler included' : ''})`,
    );
    const baseline = await driverLoad(connections, seconds, pageReads(gateway));
    report('reads', 'pages of 100', measured, rss, baseline, 'the same page, count and certificates via pg');
  } finally {
    await gateway.stop();
  }
}

type Report = {
  type: string;
  received: number;
  p50: number;
  p95: number;
  p99: number;
  rssMiB: number;
  cpuMs?: number;
  /** Latency from publication, over the deliveries of the events the publisher reported. */
  published?: { deliveries: number; p50: number; p95: number; p99: number; firstP50: number };
};

/** Starts `count` subscribers in a child process and waits until each has received an event. */
export async function openSubscribers(
  mode: 'graphql' | 'raw',
  url: string,
  count: number,
  token: string,
  emit: () => Promise<unknown>,
) {
  const child = forkTs('./subscriber-clients.ts', [mode, url, String(count), token]);
  await new Promise((resolve) => child.once('message', resolve));
  const started = performance.now();
  for (;;) {
    await emit();
    const { primed, closes } = await ask<{ type: string; primed: number; closes?: Record<string, number> }>(
      child,
      'status',
      'status',
    );
    if (primed === count) break;
    if (performance.now() - started > 120_000)
      throw new Error(
        `only ${primed}/${count} subscribers primed after 120 s (socket closes by code: ${JSON.stringify(closes ?? {})})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let warm-up deliveries drain
  await ask(child, 'measure', 'measuring');
  return child;
}

/**
 * What the bare `ws` baselines broadcast: a graphql-ws `next` message of the shape and size the
 * gateway sends its `deviceCheckedIn { deviceId occurredAt device { id lastSyncDateTime } }`
 * subscribers (one message for every socket: a bare broadcast has no per-operation id).
 */
export const bareNextMessage = (deviceId: string, occurredAt: string) =>
  JSON.stringify({
    id: randomUUID(),
    type: 'next',
    payload: {
      data: {
        deviceCheckedIn: { deviceId, occurredAt, device: { id: deviceId, lastSyncDateTime: occurredAt } },
      },
    },
  });

/**
 * Emits `events` at `perSecond`, then waits for `expected` deliveries (or 15 s) and reports.
 * `published`, when given, says when each event was published (key "deviceId occurredAt" → epoch
 * ms, asked once every emit has returned): the report then also has latency from publication.
 */
export async function measureDeliveries(
  child: ReturnType<typeof forkTs>,
  events: number,
  perSecond: number,
  expectedPerEvent: number,
  emit: () => Promise<boolean>,
  published?: () => Promise<Record<string, number>>,
) {
  const started = performance.now();
  let acknowledged = 0;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < events; i++) {
    const wait = started + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(emit().then((ok) => void (ok && acknowledged++)));
  }
  await Promise.all(pending);
  if (published) child.send({ type: 'published', times: await published() });
  let result: Report;
  const deadline = performance.now() + 15_000;
  for (;;) {
    result = await ask<Report>(child, 'report', 'report');
    if (result.received >= acknowledged * expectedPerEvent || performance.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const figures: Figures = {
    units: result.received,
    seconds: (performance.now() - started) / 1000,
    p50: result.p50,
    p95: result.p95,
    p99: result.p99,
    errors: Math.max(0, acknowledged * expectedPerEvent - result.received),
  };
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('exit');
  await exited;
  if (result.cpuMs !== undefined)
    console.log(
      `  clients CPU ${((result.cpuMs * 1000) / Math.max(1, result.received)).toFixed(1)} µs per delivery received (${Math.round(result.cpuMs)} ms)`,
    );
  return { figures, clientsRss: result.rssMiB, acknowledged, published: result.published };
}

export async function subscribersScenario(): Promise<void> {
  const gateway = await startBenchGateway('subscribers');
  try {
    const population = await enrollPopulation(gateway, 100);
    const body = checkInBody(population);
    const checkIn = async () => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.token}` },
        body: body(),
      });
      return ok('CheckInSuccess')(await response.text());
    };
    const events = 10 * seconds;
    const child = await openSubscribers(
      'graphql',
      `${gateway.url.replace(/^http/, 'ws')}/graphql`,
      subscriberCount,
      gateway.token,
      checkIn,
    );
    await gateway.peakRss();
    await gateway.cpuMs();
    const measured = await gateway.profiled(() =>
      measureDeliveries(child, events, 10, subscriberCount, checkIn),
    );
    const cpuMs = await gateway.cpuMs();
    const rss = await gateway.peakRss();
    console.log(
      `subscribers: gateway CPU ${((cpuMs * 1000) / Math.max(1, measured.figures.units)).toFixed(1)} µs per delivery (${Math.round(cpuMs)} ms over ${measured.figures.units} deliveries, ${events} check-ins included)`,
    );

    // Baseline: the same N sockets fed the same rate by a bare `ws` broadcast (no GraphQL, no database).
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const broadcast = async () => {
      const message = bareNextMessage(randomUUID(), new Date().toISOString());
      for (const socket of server.clients) socket.send(message);
      return true;
    };
    const raw = await openSubscribers(
      'raw',
      `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
      subscriberCount,
      '',
      broadcast,
    );
    const baseline = await measureDeliveries(raw, events, 10, subscriberCount, broadcast);
    server.close();
    console.log(
      `subscribers: N=${subscriberCount} deviceCheckedIn subscribers, ${events} check-ins at 10/s (${measured.acknowledged} acknowledged); "errors" = lost deliveries; clients RSS ${measured.clientsRss} MiB`,
    );
    report(
      'subscribers',
      'deliveries',
      measured.figures,
      rss,
      baseline.figures,
      'bare ws broadcast of the same JSON to the same sockets',
    );
  } finally {
    await gateway.stop();
  }
}

export async function mixedScenario(): Promise<void> {
  const gateway = await startBenchGateway('mixed');
  try {
    const population = await enrollPopulation(gateway, populationSize);
    await httpLoad({
      gateway,
      connections: 10,
      amount: 300,
      body: enrollBody,
      verify: ok('EnrollDeviceSuccess'),
    });
    const checkIn = checkInBody(population);
    const probe = async () => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.token}` },
        body: checkIn(),
      });
      return ok('CheckInSuccess')(await response.text());
    };
    const child = await openSubscribers(
      'graphql',
      `${gateway.url.replace(/^http/, 'ws')}/graphql`,
      mixedSubscribers,
      gateway.token,
      probe,
    );
    await gateway.peakRss();
    const share = Math.max(1, Math.round(connections / 5));
    const [enroll, checkIns, reads] = await Promise.all([
      httpLoad({ gateway, connections: share, seconds, body: enrollBody, verify: ok('EnrollDeviceSuccess') }),
      httpLoad({ gateway, connections: 3 * share, seconds, body: checkIn, verify: ok('CheckInSuccess') }),
      httpLoad({
        gateway,
        connections: share,
        seconds,
        body: pageBody(),
        verify: (b) => b.includes('"edges"') && !b.includes('"errors"'),
      }),
    ]);
    const rss = await gateway.peakRss();
    // Every acknowledged check-in fans out to every subscriber: wait (up to 15 s) for the queue to drain.
    const expected = checkIns.units * mixedSubscribers;
    let delivered: Report;
    const drainDeadline = performance.now() + 15_000;
    for (;;) {
      delivered = await ask<Report>(child, 'report', 'report');
      if (delivered.received >= expected || performance.now() > drainDeadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send('exit');
    await exited;
    const [enrollBase, checkInBase, readsBase] = await Promise.all([
      driverLoad(share, seconds, () => enrollWrites(gateway)),
      driverLoad(3 * share, seconds, checkInWrites(gateway, population)),
      driverLoad(share, seconds, pageReads(gateway)),
    ]);
    report(
      'mixed/enroll',
      'enrollments',
      enroll,
      rss,
      enrollBase,
      'same writes via pg, concurrently with the other two',
    );
    report('mixed/checkin', 'check-ins', checkIns, rss, checkInBase, 'same writes via pg, concurrently');
    report('mixed/reads', 'pages of 100', reads, rss, readsBase, 'same SELECTs via pg, concurrently');
    console.log(
      `mixed: ${mixedSubscribers} deviceCheckedIn subscribers received ${delivered.received.toLocaleString('en')} of ${expected.toLocaleString('en')} events within 15 s of the end ` +
        `(lost ${Math.max(0, expected - delivered.received)}), p50 ${delivered.p50} ms, p95 ${delivered.p95} ms, p99 ${delivered.p99} ms`,
    );
  } finally {
    await gateway.stop();
  }
}

/** Scenario name (the `bench` argument) → runner. */
export const loadScenarios: Record<string, () => Promise<void>> = {
  enroll: enrollScenario,
  bulk: bulkScenario,
  checkin: checkInScenario,
  subscribers: subscribersScenario,
  reads: readsScenario,
  mixed: mixedScenario,
};
