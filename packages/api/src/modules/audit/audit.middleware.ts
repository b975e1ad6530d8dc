import type { MiddlewareFn } from 'type-graphql';
import type { GraphQLContext } from '../../shared/context.js';
import { DomainError } from '../../shared/domain-error.js';
import { UserError } from '../../shared/graphql/user-error.types.js';
import { ForbiddenError, UnauthenticatedError } from '../auth/auth.errors.js';
import { AuditOutcome } from './audit-record.entity.js';
import type { AuditService } from './audit.service.js';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

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
 * Global type-graphql middleware: every mutation (success, typed refusal or failure) and every
 * authentication or authorization refusal on any root field writes an audit record. Other
 * fields pass straight through.
 */
export function auditMiddleware(audit: AuditService): MiddlewareFn<GraphQLContext> {
  return async ({ context, info, args }, next) => {
    const root = info.parentType.name;
    if (!ROOT_TYPES.has(root)) return next();
    const base = {
      action: root === 'Subscription' ? `subscribe:${info.fieldName}` : info.fieldName,
      principal: context.principal,
      clientAddress: context.clientAddress,
      requestId: context.requestId,
      args,
    };
    try {
      const result = await next();
      if (root === 'Mutation') {
        const refused = result instanceof UserError;
        await audit.record({
          ...base,
          ...targetOf(result, args),
          outcome: refused ? AuditOutcome.refused : AuditOutcome.success,
          code: refused ? result.code : null,
        });
      }
      return result;
    } catch (error) {
      const denied = error instanceof UnauthenticatedError || error instanceof ForbiddenError;
      if (denied || root === 'Mutation') {
        await audit.record({
          ...base,
          ...targetOf(null, args),
          outcome: denied ? AuditOutcome.denied : error instanceof DomainError ? AuditOutcome.refused : AuditOutcome.error,
          code: error instanceof DomainError ? error.code : 'INTERNAL_SERVER_ERROR',
        });
      }
      throw error;
    }
  };
}
