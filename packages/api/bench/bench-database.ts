import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';

/** The ADMIN token (ADMIN_TOKEN) the benchmarks' in-process gateways register and send. */
export const BENCH_ADMIN_TOKEN = `mdm_${randomBytes(32).toString('base64url')}`;

/**
 * The server the benchmarks use: BENCH_DATABASE_URL, else the machine's PostgreSQL over its Unix
 * socket when /var/run/postgresql has one (how a gateway on the same machine should connect:
 * less CPU per statement than loopback TCP, for the gateway and the raw-driver baseline alike),
 * else postgresql://postgres@127.0.0.1:5432/postgres.
 */
export const benchServerUrl =
  process.env['BENCH_DATABASE_URL'] ??
  (existsSync('/var/run/postgresql/.s.PGSQL.5432')
    ? 'postgresql://postgres@localhost/postgres?host=/var/run/postgresql'
    : 'postgresql://postgres@127.0.0.1:5432/postgres');

/**
 * A throwaway database on `benchServerUrl` for one benchmark run, dropped by `drop()`. With
 * `template`, a copy of that database (CREATE DATABASE ... TEMPLATE: a file copy, seconds instead
 * of reseeding).
 */
export async function createBenchDatabase(
  label: string,
  template?: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = benchServerUrl;
  const name = `mdm_bench_${label}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(
    template ? `create database "${name}" template "${template}"` : `create database "${name}"`,
  );
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

/** Resident set size of this process in MiB. */
export const rssMiB = () => Math.round(process.memoryUsage().rss / 1048576);
