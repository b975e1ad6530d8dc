import type { EntityManager, Knex } from '@mikro-orm/postgresql';

/** What a statement returned: its rows (column names as PostgreSQL named them) and the rows it touched. */
export interface SqlResult<R> {
  rows: R[];
  rowCount: number;
}

/**
 * The one way the gateway runs a hand-written statement: knex's `raw`, which MikroORM itself is
 * built on, reached through MikroORM's public API. Placeholders are `?` (an array parameter is
 * sent as one PostgreSQL array, e.g. `= any(?::uuid[])`; a literal `?` operator is written `\\?`).
 *
 * - Inside `em.transactional(...)` the statement runs in that transaction, beside the ORM's own
 *   writes; outside one it runs on a pooled connection in its own implicit transaction.
 * - Parameters are bound (the extended query protocol), never inlined into the text: MikroORM's
 *   `execute` escapes every value into the SQL, which for a 1 MB JSON parameter cost more than
 *   the write.
 * - Driver errors become MikroORM's exceptions (`UniqueConstraintViolationException`, ...), as
 *   through the entity manager.
 * - Timestamps come back as the ORM's type parsers leave them (text); stores map them to `Date`.
 *
 * Every hand-written statement lives in the store of its aggregate; stores take an `Sql` (or the
 * entity manager and call {@link sqlOf}) and never reach the driver another way.
 */
export class Sql {
  constructor(private readonly em: EntityManager) {}

  /** The rows of one statement. */
  async rows<R extends object>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.run<R>(text, params)).rows;
  }

  /** The first row of one statement, or `undefined` when it returned none. */
  async first<R extends object>(text: string, params: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.run<R>(text, params)).rows[0];
  }

  /**
   * The rows of one statement as arrays, in the order of its select list (the driver's
   * `rowMode: 'array'`): no object per row, for statements that return very many rows to a loop
   * that reads them once (the lifecycle sweep's event cursors: 500,000 rows).
   */
  async arrays<R extends unknown[]>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.query<R>(text, params, { rowMode: 'array' })).rows;
  }

  /** Runs one statement and returns its rows and the number of rows it touched. */
  async run<R extends object>(text: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
    return this.query<R>(text, params);
  }

  private async query<R>(
    text: string,
    params: readonly unknown[],
    driverOptions?: { rowMode: 'array' },
  ): Promise<SqlResult<R>> {
    const runner = this.em.getTransactionContext<Knex.Transaction>() ?? this.em.getConnection().getKnex();
    try {
      const raw = runner.raw(text, params as Knex.RawBinding[]);
      // knex passes a query's options through to the pg driver's query config.
      const result = (await (driverOptions ? raw.options(driverOptions) : raw)) as {
        rows: R[];
        rowCount: number | null;
      };
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (error) {
      throw this.em.getDriver().convertException(error as Error);
    }
  }
}

/** The {@link Sql} of `em` (its transaction when it is in one, else the pool). */
export function sqlOf(em: EntityManager): Sql {
  return new Sql(em);
}
