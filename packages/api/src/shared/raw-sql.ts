import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/postgresql';

/**
 * Runs one hand-written statement inside `tx`'s transaction with its parameters BOUND (sent
 * with the extended query protocol), and returns the rows. Driver errors become MikroORM's
 * exceptions (UniqueConstraintViolationException, ...) exactly as through `tx.execute`.
 *
 * Why not `tx.execute`: MikroORM inlines every parameter into the SQL text (`formatQuery`,
 * escaping each value) before sending it. For a set-based write whose parameter is a 1 MB
 * JSON document (1,000 devices or certificates) that escaping, and PostgreSQL parsing the
 * literal back, cost more than the write. Placeholders are `?` (knex), `??` is not used.
 * @throws when `tx` is not inside a transaction
 */
export async function queryRows<R extends object>(
  tx: EntityManager,
  sql: string,
  params: readonly unknown[],
): Promise<R[]> {
  const trx = tx.getTransactionContext<Knex.Transaction>();
  if (!trx) throw new Error('queryRows needs a transaction (em.transactional)');
  try {
    const result = (await trx.raw(sql, params as Knex.RawBinding[])) as { rows: R[] };
    return result.rows;
  } catch (error) {
    throw tx.getDriver().convertException(error as Error);
  }
}

/** Moved to src/db/entity-rows.ts; re-exported while callers elsewhere still import them from here. */
export { insertRowSql, rowOf } from '../db/entity-rows.js';
