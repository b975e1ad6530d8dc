// Benchmark: one lifecycle sweep over BENCH_DEVICES (default 1,000,000) devices with certificates,
// seeded with generate_series. Prints seconds and rows/s; the baseline in the same run is a second
// sweep at the same instant (idempotent: finds nothing) and a plain count of the live certificates.
import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { loadConfig } from '../src/config/config.js';
import { openDatabase } from '../src/db/database.js';
import { createEventBus } from '../src/events/event-bus.js';
import { Topic } from '../src/events/topics.js';
import { LifecycleSweeper } from '../src/modules/lifecycle/lifecycle-sweeper.service.js';
import { ManualClock } from '../src/shared/clock.js';
import { createBenchDatabase } from './bench-database.js';

const devices = Number(process.env['BENCH_DEVICES'] ?? 1_000_000);
const sweptAt = new Date('2027-06-01T00:00:00.000Z');
const logger = pino({ level: 'silent' });

const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** BENCH_SWEEP_TEMPLATE: a database kept by a BENCH_SEED_ONLY=1 BENCH_KEEP_DATABASE=1 run, copied instead of reseeding. */
const template = process.env['BENCH_SWEEP_TEMPLATE'];

export async function sweepBenchmark(): Promise<void> {
  const db = await createBenchDatabase('sweep', template);
  const config = loadConfig({ DATABASE_URL: db.url, NODE_ENV: 'test' }, []);
  const database = await openDatabase(config.database, logger);
  try {
    const connection = database.orm.em.getConnection();
    let t = performance.now();
    if (template) {
      // Migrations a newer build adds ran on the copy (openDatabase); statistics as after a fresh seed.
      await connection.execute('analyze');
      console.log(
        `sweep: copied ${template} (seeded with BENCH_DEVICES=${devices.toLocaleString('en')}) and analyzed in ${seconds(performance.now() - t)} s`,
      );
    } else {
      // Devices: g % 10 decides the certificate's fate at `sweptAt` (days relative to it):
      // 0-5 valid (60-365 d left), 6 crosses 30 d, 7 crosses 7 d, 8 expired 10 d ago, 9 expired 200 d ago (removal).
      const notAfter = `(?::timestamptz + (case g % 10 when 6 then 20 when 7 then 3 when 8 then -10 when 9 then -200 else 60 + g % 300 end) * interval '1 day')`;
      await connection.execute(
        `insert into app_user (id, user_principal_name, display_name, created_date_time)
         select md5('u' || g)::uuid, 'bench-' || g || '@contoso.example', 'bench ' || g, ? from generate_series(1, 1000) g`,
        [sweptAt],
      );
      await connection.execute(
        `insert into managed_device (id, device_name, platform, operating_system, os_version, serial_number, managed_device_owner_type,
           enrollment_method, enrollment_type, management_state, enrolled_date_time, last_sync_date_time, management_certificate_expiration_date, user_id)
         select md5('d' || g)::uuid, 'bench ' || g, (array['IOS','MACOS','WINDOWS','ANDROID'])[1 + g % 4], 'iOS', '17.4', 'B' || g,
           case when g % 3 = 0 then 'company' else 'personal' end, 'BYOD', 'userEnrollment', 'managed', ?, ?, ${notAfter}, md5('u' || (1 + g % 1000))::uuid
         from generate_series(1, ?) g`,
        [sweptAt, sweptAt, sweptAt, devices],
      );
      await connection.execute(
        `insert into mdm_certificate (id, device_id, serial_number, sha256_thumbprint, subject, issuer, not_before, not_after, status, pem, issued_date_time)
         select md5('c' || g)::uuid, md5('d' || g)::uuid, lpad(to_hex(g), 32, '0'), lpad(to_hex(g), 64, '0'), 'CN=' || g, 'CN=bench CA',
           ?::timestamptz - interval '400 days', ${notAfter}, 'valid', '-', ?::timestamptz - interval '400 days'
         from generate_series(1, ?) g`,
        [sweptAt, sweptAt, sweptAt, devices],
      );
      await connection.execute('analyze');
      console.log(
        `sweep: seeded ${devices.toLocaleString('en')} devices + certificates in ${seconds(performance.now() - t)} s (generate_series)`,
      );
    }

    t = performance.now();
    const [counted] = await connection.execute<{ n: number }[]>(
      `select count(*)::int as n from mdm_certificate where status in ('valid', 'expiring')`,
    );
    const live = counted!.n;
    console.log(
      `sweep: baseline count(*) of ${live.toLocaleString('en')} live certificates: ${seconds(performance.now() - t)} s`,
    );

    const events = await createEventBus();
    let published = 0;
    for (const topic of [Topic.CertificateExpiring, Topic.CertificateExpired, Topic.DeviceRemoved])
      events.onEvent(topic, () => published++);
    const sweeper = new LifecycleSweeper(
      new ManualClock(sweptAt),
      events,
      config.certificates,
      () => database.orm.em.fork(),
      logger,
    );
    if (process.env['BENCH_SEED_ONLY'] === '1') return;
    // CPU of the database: the backends of this benchmark's database (the pool's connections, the
    // sweep's among them), read from /proc (PostgreSQL on the same machine; parallel workers are
    // separate short-lived processes and not counted). Less noisy than wall time on a shared machine.
    const backendCpuSeconds = async () => {
      const rows = await connection.execute<{ pid: number }[]>(
        `select pid from pg_stat_activity where datname = current_database()`,
      );
      let ticks = 0;
      for (const { pid } of rows) {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime (fields 14 and 15 of stat)
      }
      return ticks / 100; // USER_HZ
    };
    await database.orm.em.fork().getConnection().execute('select 1'); // the pool's connections exist before the first reading
    for (const label of ['first sweep', 'second sweep (idempotent baseline)']) {
      const cpuBefore = await backendCpuSeconds();
      const nodeCpuBefore = process.cpuUsage();
      t = performance.now();
      // The sweep call returns at commit (the floor's "end to end"); its events are published in the background.
      const committed = await sweeper.sweep(database.orm.em.fork());
      const ms = performance.now() - t;
      const report = await committed.published;
      const drainedMs = performance.now() - t;
      const nodeCpu = process.cpuUsage(nodeCpuBefore);
      const databaseCpu = (await backendCpuSeconds()) - cpuBefore;
      const transitions = report.expiring + report.expired + report.removed;
      console.log(
        `sweep: ${label}: returned at commit after ${seconds(ms)} s; all ${transitions.toLocaleString('en')} events published after ${seconds(drainedMs)} s ` +
          `(expiring ${report.expiring}, expired ${report.expired}, removed ${report.removed}); ` +
          `${Math.round(devices / (ms / 1000)).toLocaleString('en')} devices/s scanned-equivalent, ${Math.round(transitions / (drainedMs / 1000)).toLocaleString('en')} transitions/s published; ` +
          `CPU: database backends ${databaseCpu.toFixed(2)} s, this process ${((nodeCpu.user + nodeCpu.system) / 1e6).toFixed(2)} s (load average ${loadavg()
            .map((l) => l.toFixed(2))
            .join(', ')})`,
      );
    }
    await new Promise((resolve) => setImmediate(resolve));
    console.log(
      `sweep: events published: ${published.toLocaleString('en')}; rss ${Math.round(process.memoryUsage().rss / 1048576)} MiB, peak rss ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`,
    );
    await events.close();
  } finally {
    await database.close();
    // BENCH_KEEP_DATABASE=1 keeps the seeded database for EXPLAIN sessions (drop() prints its name).
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await sweepBenchmark();
