import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Cursor } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { InputValidationError } from '../../shared/domain-error.js';
import { GroupCommit } from '../../shared/group-commit.js';
import { storableText, validateInput } from '../../shared/validation.js';
import type { Principal } from '../auth/principal.js';
import type { AuditOutcome } from './audit-record.entity.js';
import type { AuditFilter, AuditStore, NewAuditRow } from './audit.store.js';

/** What the audit needs to know about one attempt. */
export interface AuditEntry {
  action: string;
  outcome: AuditOutcome;
  code?: string | null;
  principal: Principal | null;
  clientAddress: string | null;
  requestId: string | null;
  targetType?: string | null;
  targetId?: string | null;
  args?: Record<string, unknown>;
}

/**
 * A mutation's success record that the mutation's own statement may write, so that it commits
 * with what it records, in the same round trip (the check-in's common path). Offered by the
 * audit wrapper (audit-mutations.ts) for the duration of one mutation resolver.
 */
export interface InlineAudit {
  /** The success record of this mutation on `targetType` `targetId`, to write in the caller's statement. */
  successRow(targetType: string, targetId: string): NewAuditRow;
  /** The caller's statement committed that row: the wrapper then writes no record of its own. */
  written(): void;
}

/** Argument names whose values never reach the audit (credentials, key material, file contents). */
const SECRET_KEYS = /secret|token|password|signature|privatekey|csr|pem|content|text|nonce/i;

/**
 * Copies `value` with secrets replaced and long strings cut, so the audit holds no credentials;
 * NUL characters and lone UTF-16 surrogates become U+FFFD (`jsonb` cannot hold them, and the
 * attempts that carry them, refused as input errors, must still be recorded).
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4) return '[nested]';
  if (typeof value === 'string') return storableText(value.length > 256 ? `${value.slice(0, 256)}…` : value);
  if (Array.isArray(value))
    return value.length > 20 ? `[${value.length} items]` : value.map((v) => redact(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        storableText(k),
        SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1),
      ]),
    );
  }
  return value;
}

/** A text column's value as PostgreSQL can store it (see {@link storableText}). */
function nullableText(value: string | null | undefined): string | null {
  return value == null ? null : storableText(value);
}

/** Writes and reads the append-only audit trail. */
export class AuditService {
  /**
   * Records of concurrent requests are written together, one multi-row INSERT per batch (group
   * commit): an audit row per check-in was one more round trip and commit per request.
   */
  private readonly writes = new GroupCommit<NewAuditRow, true>((rows) => this.insert(rows));

  constructor(
    private readonly clock: Clock,
    private readonly forkEntityManager: () => EntityManager,
    private readonly logger: Logger,
    private readonly store: AuditStore,
  ) {}

  /**
   * Appends one record in its own statement (shared with the records of concurrent requests),
   * after the audited transaction has ended, so refused attempts are recorded even though they
   * wrote nothing; resolves once it is committed. A failure to audit is logged, never turned
   * into a failure of the operation.
   */
  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.writes.submit(this.row(entry));
    } catch (error) {
      this.logger.error({ err: error, action: entry.action }, 'audit record could not be written');
    }
  }

  /**
   * The row {@link record} appends for `entry`, stamped now: for a caller that writes it in its
   * own statement (see {@link InlineAudit}).
   */
  row(entry: AuditEntry): NewAuditRow {
    return {
      id: randomUUID(),
      occurredDateTime: this.clock.now(),
      action: entry.action.slice(0, 128),
      outcome: entry.outcome,
      code: entry.code ?? null,
      actorName: nullableText(entry.principal?.name),
      actorTokenId: entry.principal?.tokenId ?? null,
      actorRole: entry.principal?.role ?? null,
      clientAddress: nullableText(entry.clientAddress?.slice(0, 64)),
      targetType: nullableText(entry.targetType),
      // The target id is often an argument (a deviceId), refused or not: any text may arrive.
      targetId: nullableText(entry.targetId?.slice(0, 128)),
      requestId: nullableText(entry.requestId),
      details: JSON.stringify((redact(entry.args ?? {}) as Record<string, unknown>) ?? {}),
    };
  }

  /** Writes a batch; if the statement fails, each row is tried alone so one bad row loses only itself. */
  private async insert(rows: NewAuditRow[]): Promise<(true | Error)[]> {
    const write = (batch: NewAuditRow[]) => this.store.append(this.forkEntityManager(), batch);
    try {
      await write(rows);
      return rows.map(() => true as const);
    } catch (error) {
      if (rows.length === 1) return [error instanceof Error ? error : new Error(String(error))];
    }
    const results: (true | Error)[] = [];
    for (const row of rows) {
      try {
        await write([row]);
        results.push(true);
      } catch (error) {
        results.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return results;
  }

  /**
   * A page of audit records, newest first, optionally for one action, target or outcome.
   * @throws InputValidationError for a page size outside 1..500 or a foreign cursor
   */
  async list(
    em: EntityManager,
    args: {
      first?: number | null;
      after?: string | null;
      action?: string | null;
      targetId?: string | null;
      outcome?: AuditOutcome | null;
      actorTokenId?: string | null;
    },
  ) {
    const first = validateInput(z.number().int().min(1).max(500), args.first ?? 50, 'first');
    const filter: AuditFilter = {};
    if (args.action) filter.action = args.action;
    if (args.targetId) filter.targetId = args.targetId;
    if (args.outcome) filter.outcome = args.outcome;
    if (args.actorTokenId) filter.actorTokenId = validateInput(z.uuid(), args.actorTokenId, 'actorTokenId');
    let after: string | undefined;
    if (args.after) {
      try {
        Cursor.decode(args.after);
        after = args.after;
      } catch {
        throw new InputValidationError([
          { field: 'after', rule: 'cursor', message: 'is not a cursor issued by this list' },
        ]);
      }
    }
    const cursor = await this.store.page(em, filter, first, after);
    return {
      nodes: cursor.items,
      endCursor: cursor.endCursor,
      hasNextPage: cursor.hasNextPage,
      totalCount: cursor.totalCount,
    };
  }
}
