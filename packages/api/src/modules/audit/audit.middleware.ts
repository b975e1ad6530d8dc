import type { MiddlewareFn } from 'type-graphql';
import type { GraphQLContext } from '../../shared/context.js';
import { DomainError } from '../../shared/domain-error.js';
import { UserError } from '../../shared/graphql/user-error.types.js';
import { AuditOutcome } from './audit-record.entity.js';
import type { AuditService } from './audit.service.js';

/** The object a mutation acted on: the success payload's device or token, else the id argument. */
function targetOf(result: unknown, args: Record<string, unknown>): { targetType: string | null; targetId: string | null } {
  const payload = result as Record<string, { id?: string; constructor?: { name: string } } | undefined> | null;
  for (const key of ['device', 'token', 'certificate', 'profile', 'import']) {
    const target = payload?.[key];
    if (target?.id) return { targetType: target.constructor?.name ?? key, targetId: target.id };
  }
  const input = args['input'] as Record<string, unknown> | undefined;
  const id = args['deviceId'] ?? args['id'] ?? input?.['deviceId'] ?? input?.['id'];
  return { targetType: id ? 'ManagedDevice' : null, targetId: typeof id === 'string' ? id : null };
}

/**
 * Global type-graphql middleware: every mutation writes an audit record (success, typed refusal
 * or failure). Authentication and authorization refusals never reach it (type-graphql checks
 * roles first): the auth checker records those. Other fields pass straight through.
 */
export function auditMiddleware(audit: AuditService): MiddlewareFn<GraphQLContext> {
  return async ({ context, info, args }, next) => {
    const root = info.parentType.name;
    if (root !== 'Mutation') return next();
    const base = {
      action: info.fieldName,
      principal: context.principal,
      clientAddress: context.clientAddress,
      requestId: context.requestId,
      args,
    };
    try {
      const result = await next();
      const refused = result instanceof UserError;
      await audit.record({
        ...base,
        ...targetOf(result, args),
        outcome: refused ? AuditOutcome.refused : AuditOutcome.success,
        code: refused ? result.code : null,
      });
      return result;
    } catch (error) {
      await audit.record({
        ...base,
        ...targetOf(null, args),
        outcome: error instanceof DomainError ? AuditOutcome.refused : AuditOutcome.error,
        code: error instanceof DomainError ? error.code : 'INTERNAL_SERVER_ERROR',
      });
      throw error;
    }
  };
}
