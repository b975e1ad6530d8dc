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
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : value;
}

/** The node-postgres connection of the EntityManager's current transaction (knex binds one to it). */
async function transactionConnection(tx: EntityManager): Promise<pg.PoolClient> {
  const trx = tx.getTransactionContext() as { client?: { acquireConnection(): Promise<pg.PoolClient> } } | undefined;
  if (!trx?.client) throw new Error('staging needs a transaction: call it inside em.transactional');
  return trx.client.acquireConnection();
}

/**
 * Loads `count` rows into a temporary staging table `table` (created with `columns`, dropped at
 * commit) with `COPY ... FROM STDIN` (pg-copy-streams) on the transaction's own connection, then
 * ANALYZEs it so the statement that merges it sees its size. Why COPY: for 200,000 rows it is
 * PostgreSQL's cheapest ingestion path; a jsonb or array parameter costs a parse of the whole
 * document in one backend call and a text copy of it in Node. Temporary: no WAL, no other session
 * sees it, nothing to clean up.
 */
export async function copyRows(tx: EntityManager, table: string, columns: string, count: number, rowAt: (index: number) => readonly StagedValue[]): Promise<void> {
  const connection = await transactionConnection(tx);
  await connection.query(`drop table if exists pg_temp.${table}; create temp table ${table} (${columns}) on commit drop`);
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
  await connection.query(`analyze ${table}`);
}
