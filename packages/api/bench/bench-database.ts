import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The ADMIN token (ADMIN_TOKEN) the benchmarks' in-process gateways register and send. */
export const BENCH_ADMIN_TOKEN = `mdm_${randomBytes(32).toString('base64url')}`;

/**
 * A throwaway database on the machine's PostgreSQL for one benchmark run (BENCH_DATABASE_URL,
 * default postgresql://postgres@127.0.0.1:5432/postgres), dropped by `drop()`. With `template`, a
 * copy of that database (CREATE DATABASE ... TEMPLATE: a file copy, seconds instead of reseeding).
 */
export async function createBenchDatabase(label: string, template?: string): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `mdm_bench_${label}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(template ? `create database "${name}" template "${template}"` : `create database "${name}"`);
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
