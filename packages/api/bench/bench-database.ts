import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';

/** The ADMIN token (ADMIN_TOKEN) the benchmarks' in-process gateways register and send. */
export const BENCH_ADMIN_TOKEN = `mdm_${randomBytes(32).toString('base64url')}`;

/**
 * The server the benchmarks use: BENCH_DATABASE_URL, else DATABASE_URL (the gateway's own
 * setting; only its server is used, never its database), else the machine's PostgreSQL over its
 * Unix socket when /var/run/postgresql has one (less CPU per statement than loopback TCP, for
 * the gateway and the raw-driver baseline alike), else postgresql://postgres@127.0.0.1:5432/postgres.
 */
export const benchServerUrl =
  process.env['BENCH_DATABASE_URL'] ??
  process.env['DATABASE_URL'] ??
  (existsSync('/var/run/postgresql/.s.PGSQL.5432')
    ? 'postgresql://postgres@localhost/postgres?host=/var/run/postgresql'
    : 'postgresql://postgres@127.0.0.1:5432/postgres');

/**
 * Prefix of the databases the benchmarks create (BENCH_DATABASE_PREFIX, default `mdm_bench`); each
 * name adds the benchmark's label, the time and random characters, so runs side by side on one
 * server (other developers, CI jobs) never meet.
 */
const prefix = process.env['BENCH_DATABASE_PREFIX'] ?? 'mdm_bench';

/** A benchmark's database: its URL and name, whether it was reused, and `drop()`. */
export interface BenchDatabase {
  url: string;
  name: string;
  /** True when BENCH_REUSE_DATABASE named an existing database (already seeded by an earlier run). */
  reused: boolean;
  /** Drops the database, unless BENCH_KEEP_DATABASE=1 or it was reused (then prints its name). */
  drop(): Promise<void>;
}

const urlOf = (name: string) => {
  const url = new URL(benchServerUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/**
 * A database on `benchServerUrl` for one benchmark run, with a unique name. With `template`, a
 * copy of that database (CREATE DATABASE ... TEMPLATE: a file copy, seconds instead of
 * reseeding). With `reusable`, BENCH_REUSE_DATABASE=<name> returns that existing database instead
 * (the benchmark skips what it already seeded there); BENCH_KEEP_DATABASE=1 keeps any database
 * the run created, and prints its name for a later BENCH_REUSE_DATABASE.
 */
export async function createBenchDatabase(
  label: string,
  options: string | { template?: string; reusable?: boolean } = {},
): Promise<BenchDatabase> {
  const { template, reusable } =
    typeof options === 'string' ? { template: options, reusable: false } : options;
  const admin = new pg.Client({ connectionString: benchServerUrl });
  await admin.connect();
  try {
    const reuse = reusable ? process.env['BENCH_REUSE_DATABASE'] : undefined;
    if (reuse) {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [reuse]);
      if (!rowCount) throw new Error(`BENCH_REUSE_DATABASE: no database "${reuse}" on ${benchServerUrl}`);
      console.log(`${label}: reusing database ${reuse}`);
      return { url: urlOf(reuse), name: reuse, reused: true, drop: async () => {} };
    }
    const name = `${prefix}_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await admin.query(
      template ? `create database "${name}" template "${template}"` : `create database "${name}"`,
    );
    return {
      url: urlOf(name),
      name,
      reused: false,
      async drop() {
        if (process.env['BENCH_KEEP_DATABASE'] === '1') {
          console.log(`${label}: database kept: ${name} (BENCH_REUSE_DATABASE=${name} reuses it)`);
          return;
        }
        const client = new pg.Client({ connectionString: benchServerUrl });
        await client.connect();
        await client.query(`drop database if exists "${name}" with (force)`);
        await client.end();
      },
    };
  } finally {
    await admin.end();
  }
}

/** Resident set size of this process in MiB. */
export const rssMiB = () => Math.round(process.memoryUsage().rss / 1048576);
