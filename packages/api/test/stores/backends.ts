/**
 * The store conformance suite's backends: every store test runs once against a database on the
 * PostgreSQL server (`DATABASE_URL`; skipped without one) and once against the embedded PGlite,
 * each a fresh database of its own with every migration applied, so a test may count rows.
 * As NanoMDM runs one suite against each of its storage backends: a store must behave the same
 * on both, because the gateway's users run both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { sqlOf, type Sql } from '../../src/db/sql.js';
import { createScratchDatabase } from '../../src/testing/gateway-process.js';
import { fromEmbeddedTemplate } from '../support/test-gateway.js';

/** One backend's open database, for the tests of a `describeStore` block. */
export interface StoreBackend {
  name: 'postgresql' | 'pglite';
  database: Database;
  /** A fresh entity manager (its own identity map), as a request gets. */
  em(): EntityManager;
  /** The one raw SQL seam on a fresh entity manager. */
  sql(): Sql;
}

const silent = pino({ level: 'silent' });

async function openBackend(
  name: StoreBackend['name'],
): Promise<{ backend: StoreBackend; close(): Promise<void> }> {
  let database: Database;
  let cleanup: () => Promise<void>;
  if (name === 'postgresql') {
    const scratch = await createScratchDatabase(inject('databaseUrl'), 'mdm_store');
    database = await openDatabase({ url: scratch.url, dataDir: '', poolSize: 4 }, silent);
    cleanup = () => scratch.drop();
  } else {
    const parent = await mkdtemp(join(tmpdir(), 'mdm-store-'));
    const dataDir = join(parent, 'data');
    await fromEmbeddedTemplate(dataDir);
    database = await openDatabase({ dataDir, poolSize: 1 }, silent);
    cleanup = () => rm(parent, { recursive: true, force: true });
  }
  const backend: StoreBackend = {
    name,
    database,
    em: () => database.orm.em.fork() as EntityManager,
    sql: () => sqlOf(database.orm.em.fork() as EntityManager),
  };
  return {
    backend,
    async close() {
      await database.close();
      await cleanup();
    },
  };
}

/**
 * `describe(title)` once per backend: `postgresql` (skipped when the run has no `DATABASE_URL`)
 * and `pglite`. `body` receives a getter for the block's backend, valid inside tests and hooks.
 */
export function describeStore(title: string, body: (backend: () => StoreBackend) => void): void {
  for (const name of ['postgresql', 'pglite'] as const) {
    const available = name === 'pglite' || inject('databaseUrl') !== '';
    describe.skipIf(!available)(`${title} [${name}]`, () => {
      let opened: Awaited<ReturnType<typeof openBackend>> | undefined;
      beforeAll(async () => {
        opened = await openBackend(name);
      });
      afterAll(async () => {
        await opened?.close();
      });
      body(() => {
        if (!opened) throw new Error(`store backend ${name} used outside its describe block`);
        return opened.backend;
      });
    });
  }
}
