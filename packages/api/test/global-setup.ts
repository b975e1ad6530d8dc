import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of this run's own database on the `DATABASE_URL` server; empty when tests use embedded PGlite. */
    databaseUrl: string;
  }
}

/**
 * With `DATABASE_URL` set, creates a fresh database for this run on that server (so a run never
 * sees an earlier run's rows or schema) and drops it afterwards. Without it, every test gateway
 * starts its own embedded PGlite.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) {
    project.provide('databaseUrl', '');
    return async () => {};
  }
  const name = `mdm_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  project.provide('databaseUrl', url.toString());
  return async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.end();
  };
}
