import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Cursor } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { InputValidationError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import type { Principal } from '../auth/principal.js';
import { AuditOutcome, AuditRecord } from './audit-record.entity.js';

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

/** Argument names whose values never reach the audit (credentials, key material, file contents). */
const SECRET_KEYS = /secret|token|password|signature|privatekey|csr|pem|content|text|nonce/i;

/** Copies `value` with secrets replaced and long strings cut, so the audit holds no credentials. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4) return '[nested]';
  if (typeof value === 'string') return value.length > 256 ? `${value.slice(0, 256)}…` : value;
  if (Array.isArray(value)) return value.length > 20 ? `[${value.length} items]` : value.map((v) => redact(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1)]));
  }
  return value;
}

/** Writes and reads the append-only audit trail. */
export class AuditService {
  constructor(
    private readonly clock: Clock,
    private readonly forkEntityManager: () => EntityManager,
    private readonly logger: Logger,
  ) {}

  /**
   * Appends one record in its own statement, after the audited transaction has ended, so refused
   * attempts are recorded even though they wrote nothing. A failure to audit is logged, never
   * turned into a failure of the operation.
   */
  async record(entry: AuditEntry): Promise<void> {
    try {
      await this.forkEntityManager().insert(AuditRecord, {
        id: randomUUID(),
        occurredDateTime: this.clock.now(),
        action: entry.action.slice(0, 128),
        outcome: entry.outcome,
        code: entry.code ?? null,
        actorName: entry.principal?.name ?? null,
        actorTokenId: entry.principal?.tokenId ?? null,
        actorRole: entry.principal?.role ?? null,
        clientAddress: entry.clientAddress?.slice(0, 64) ?? null,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId?.slice(0, 128) ?? null,
        requestId: entry.requestId,
        details: (redact(entry.args ?? {}) as Record<string, unknown>) ?? {},
      } as AuditRecord);
    } catch (error) {
      this.logger.error({ err: error, action: entry.action }, 'audit record could not be written');
    }
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
    const where: Record<string, unknown> = {};
    if (args.action) where['action'] = args.action;
    if (args.targetId) where['targetId'] = args.targetId;
    if (args.outcome) where['outcome'] = args.outcome;
    if (args.actorTokenId) where['actorTokenId'] = validateInput(z.uuid(), args.actorTokenId, 'actorTokenId');
    let after: string | undefined;
    if (args.after) {
      try {
        Cursor.decode(args.after);
        after = args.after;
      } catch {
        throw new InputValidationError([{ field: 'after', rule: 'cursor', message: 'is not a cursor issued by this list' }]);
      }
    }
    const cursor = await em.findByCursor(AuditRecord, where, { first, after, orderBy: { occurredDateTime: 'desc', id: 'desc' } });
    return { nodes: cursor.items, endCursor: cursor.endCursor, hasNextPage: cursor.hasNextPage, totalCount: cursor.totalCount };
  }
}
