import type { Knex, MikroORM } from '@mikro-orm/postgresql';
import { Gauge } from 'prom-client';
import type { GatewayMetrics } from './gateway-metrics.js';

/**
 * Database pool gauges, read from MikroORM's knex pool at each scrape: connections in use and
 * idle, requests waiting for a connection (a sustained non-zero value means DB_POOL_SIZE is too
 * small or queries are slow), and the configured maximum (MikroORM's `pool.max`, which it hands
 * to knex).
 */
export function registerDatabasePoolMetrics(metrics: GatewayMetrics, orm: MikroORM): void {
  // knex types its instance's `client` loosely; `Knex.Client` is its own typing of that client,
  // whose `pool` (tarn.js, absent until the first connection or after destroy) it declares public.
  const pool = () => {
    const client: Knex.Client = orm.em.getConnection().getKnex().client;
    return client.pool;
  };
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
      this.set(orm.config.get('pool')?.max ?? 0);
    },
  });
}
