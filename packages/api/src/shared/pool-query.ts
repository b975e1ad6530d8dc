import type { EntityManager } from '@mikro-orm/postgresql';

interface PgClient {
  query<T>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
}
interface KnexClient {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<unknown>;
}

/**
 * Runs one statement with `$n` parameters on a connection of the ORM's pool, straight through
 * the `pg` driver: no query builder, and PostgreSQL arrays as parameters (knex's raw bindings
 * would expand a JS array into a list). For hand-written set-based statements on hot paths; the
 * statement runs in its own implicit transaction (it commits when it returns).
 * Note: timestamps come back as strings (the ORM's type parsers); select epoch numbers instead.
 */
export async function poolQuery<T>(em: EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const client = (em.getConnection().getKnex() as unknown as { client: KnexClient }).client;
  const connection = await client.acquireConnection();
  try {
    return (await connection.query<T>(text, values)).rows;
  } finally {
    await client.releaseConnection(connection);
  }
}
