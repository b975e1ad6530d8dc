import type { Cursor, EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';
import type { Role } from '../auth/role.enum.js';
import { AuditOutcome, AuditRecord } from './audit-record.entity.js';

/**
 * One audit row to append, as it is stored: text already cut to its column and made storable
 * by the caller; `details` is the JSON text of the redacted arguments (an object).
 */
export interface NewAuditRow {
  /** UUID. */
  id: string;
  occurredDateTime: Date;
  action: string;
  outcome: AuditOutcome;
  code: string | null;
  actorName: string | null;
  /** UUID of the API token used. */
  actorTokenId: string | null;
  actorRole: Role | null;
  clientAddress: string | null;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  /** JSON text of an object. */
  details: string;
}

/** Which audit records a page holds; every criterion given must match (exact match). */
export interface AuditFilter {
  action?: string;
  targetId?: string;
  outcome?: AuditOutcome;
  /** UUID (validated by the caller). */
  actorTokenId?: string;
}

// A batch of audit rows in one statement: one array parameter per column, so the text is the
// same whatever the batch size.
const INSERT_SQL = `insert into audit_record (id, occurred_date_time, action, outcome, code, actor_name, actor_token_id, actor_role,
    client_address, target_type, target_id, request_id, details)
  select * from unnest(?::uuid[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[],
    ?::text[], ?::text[], ?::text[], ?::text[], ?::jsonb[])`;

/**
 * The audit rows of another store's statement (so that a hot operation's record commits with
 * what it audits, in one round trip): an INSERT for a data-modifying CTE, taking the
 * {@link inlineAuditValues} parameters: one array per column plus a correlation key per row;
 * a row is appended when its id is not null and its key is among `keptKeys` (a subquery of the
 * enclosing statement returning uuids, e.g. the ids of the rows it inserted). `detailsMerge`: a
 * jsonb expression of the enclosing statement merged into each row's details (what only the
 * statement knows, e.g. the id of the row it updated).
 */
export function inlineAuditInsert(keptKeys: string, detailsMerge?: string): string {
  return `insert into audit_record (id, occurred_date_time, action, outcome, code, actor_name, actor_token_id, actor_role,
    client_address, target_type, target_id, request_id, details)
  select id, occurred_date_time, action, outcome, code, actor_name, actor_token_id, actor_role,
    client_address, target_type, target_id, request_id, ${detailsMerge ? `details || (${detailsMerge})` : 'details'}
  from unnest(?::uuid[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[],
    ?::text[], ?::text[], ?::text[], ?::text[], ?::jsonb[], ?::uuid[])
    as a(id, occurred_date_time, action, outcome, code, actor_name, actor_token_id, actor_role,
      client_address, target_type, target_id, request_id, details, correlation)
  where a.id is not null and a.correlation in (${keptKeys})`;
}

/** The parameters of {@link inlineAuditInsert}, in order: `rows[i]` (none: null) is kept under `keys[i]`. */
export function inlineAuditValues(rows: readonly (NewAuditRow | null)[], keys: readonly string[]): unknown[] {
  const column = <T>(value: (row: NewAuditRow) => T): (T | null)[] => rows.map((r) => (r ? value(r) : null));
  return [...columnsOf(column), keys];
}

/** The 13 column arrays of audit rows, in INSERT_SQL's order. */
function columnsOf(column: <T>(value: (row: NewAuditRow) => T) => unknown[]): unknown[] {
  return [
    column((r) => r.id),
    column((r) => r.occurredDateTime.toISOString()),
    column((r) => r.action),
    column((r) => r.outcome),
    column((r) => r.code),
    column((r) => r.actorName),
    column((r) => r.actorTokenId),
    column((r) => r.actorRole),
    column((r) => r.clientAddress),
    column((r) => r.targetType),
    column((r) => r.targetId),
    column((r) => r.requestId),
    column((r) => r.details),
  ];
}

/** The SQL of the append-only audit trail. Every method runs in the caller's entity manager. */
export class AuditStore {
  /**
   * Appends `rows` in one statement (all or none): in the caller's transaction if it is in one,
   * else committed on return.
   * @throws the ORM's driver exceptions, e.g. UniqueConstraintViolationException for a reused id
   */
  async append(em: EntityManager, rows: readonly NewAuditRow[]): Promise<void> {
    if (rows.length === 0) return;
    const column = <T>(value: (row: NewAuditRow) => T): T[] => rows.map(value);
    await sqlOf(em).run(INSERT_SQL, columnsOf(column));
  }

  /**
   * A page of at most `first` records matching `filter`, newest first (`occurredDateTime`, then
   * `id`, both descending), after the opaque cursor `after`, with the total count of matches.
   * @throws when `after` is not a cursor of this ordering (the caller validates it first)
   */
  page(em: EntityManager, filter: AuditFilter, first: number, after?: string): Promise<Cursor<AuditRecord>> {
    const where: Record<string, unknown> = {};
    if (filter.action) where['action'] = filter.action;
    if (filter.targetId) where['targetId'] = filter.targetId;
    if (filter.outcome) where['outcome'] = filter.outcome;
    if (filter.actorTokenId) where['actorTokenId'] = filter.actorTokenId;
    return em.findByCursor(AuditRecord, where, {
      first,
      after,
      orderBy: { occurredDateTime: 'desc', id: 'desc' },
    });
  }
}
