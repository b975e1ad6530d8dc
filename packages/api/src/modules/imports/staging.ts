import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A staged value: COPY text format handles these. */
export type StagedValue = string | number | boolean | null;

/** Bytes of COPY text sent per stream write (fewer, larger writes than one per row). */
const CHUNK_CHARS = 256 * 1024;

/** COPY text-format escaping: backslash, tab, newline and carriage return; `\N` is NULL. */
function copyField(value: StagedValue): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : value;
}

/** The node-postgres connection of the EntityManager's current transaction (knex binds one to it). */
async function transactionConnection(tx: EntityManager): Promise<pg.PoolClient> {
  const trx = tx.getTransactionContext() as
    { client?: { acquireConnection(): Promise<pg.PoolClient> } } | undefined;
  if (!trx?.client) throw new Error('staging needs a transaction: call it inside em.transactional');
  return trx.client.acquireConnection();
}

/** A staging column: name and SQL type. */
export interface StagingColumn {
  name: string;
  type: 'int' | 'text';
}

/**
 * Loads `count` rows into a temporary staging table `table` (dropped at commit), then ANALYZEs it
 * so the statement that merges it sees its size. With `copy` (a PostgreSQL server), through
 * `COPY ... FROM STDIN` (pg-copy-streams) on the transaction's own connection: for 200,000 rows
 * PostgreSQL's cheapest ingestion path, streamed in 256 KiB writes. Without it (the embedded
 * PGlite, whose socket server does not speak the COPY sub-protocol), as one INSERT ... SELECT
 * from unnest() of one array parameter per column. Temporary: no WAL, no other session sees it,
 * nothing to clean up.
 */
export async function stageRows(
  tx: EntityManager,
  table: string,
  columns: readonly StagingColumn[],
  count: number,
  rowAt: (index: number) => readonly StagedValue[],
  copy: boolean,
): Promise<void> {
  const connection = await transactionConnection(tx);
  await connection.query(`drop table if exists pg_temp.${table}`);
  await connection.query(
    `create temp table ${table} (${columns.map((c) => `${c.name} ${c.type}`).join(', ')}) on commit drop`,
  );
  if (copy) {
    function* chunks(): Generator<string> {
      let chunk = '';
      for (let i = 0; i < count; i++) {
        chunk += `${rowAt(i).map(copyField).join('\t')}\n`;
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    await pipeline(Readable.from(chunks()), connection.query(copyFrom(`copy ${table} from stdin`)));
  } else {
    const arrays = columns.map(() => [] as StagedValue[]);
    for (let i = 0; i < count; i++) rowAt(i).forEach((value, c) => arrays[c]!.push(value));
    await connection.query(
      `insert into ${table} select * from unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`,
      arrays,
    );
  }
  await connection.query(`analyze ${table}`);
}
