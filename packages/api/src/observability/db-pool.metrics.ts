import type { MikroORM } from '@mikro-orm/postgresql';
import { Gauge } from 'prom-client';
import type { GatewayMetrics } from './gateway-metrics.js';

/** The parts of knex's tarn.js pool read here (MikroORM 6 runs its SQL through knex). */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

/**
 * Database pool gauges, read from MikroORM's knex pool at each scrape: connections in use and
 * idle, requests waiting for a connection (a sustained non-zero value means DB_POOL_SIZE is too
 * small or queries are slow), and the configured maximum.
 */
export function registerDatabasePoolMetrics(metrics: GatewayMetrics, orm: MikroORM): void {
  const pool = (): TarnPool | undefined =>
    (orm.em.getConnection().getKnex() as unknown as { client?: { pool?: TarnPool } }).client?.pool;
  new Gauge({
    name: 'mdm_db_pool_connections',
    help: 'Database pool connections by state (used: checked out by a query or transaction; free: idle).',
    labelNames: ['state'] as const,
    registers: [metrics.registry],
    collect() {
      const p = pool();
      this.set({ state: 'used' }, p?.numUsed() ?? 0);
      this.set({ state: 'free' }, p?.numFree() ?? 0);
    },
  });
  new Gauge({
    name: 'mdm_db_pool_pending_acquires',
    help: 'Queries and transactions waiting for a database connection.',
    registers: [metrics.registry],
    collect() {
      this.set(pool()?.numPendingAcquires() ?? 0);
    },
  });
  new Gauge({
    name: 'mdm_db_pool_max_connections',
    help: 'Largest number of connections the pool opens (DB_POOL_SIZE).',
    registers: [metrics.registry],
    collect() {
      this.set(pool()?.max ?? 0);
    },
  });
}
