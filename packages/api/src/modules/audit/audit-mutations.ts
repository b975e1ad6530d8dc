import type { GraphQLSchema } from 'graphql';
import type { GraphQLContext } from '../../shared/context.js';
import { DomainError } from '../../shared/domain-error.js';
import { UserError } from '../../shared/graphql/user-error.types.js';
import { ForbiddenError, UnauthenticatedError } from '../auth/auth.errors.js';
import { AuditOutcome } from './audit-record.entity.js';
import type { AuditService, InlineAudit } from './audit.service.js';

/** The object a mutation acted on: the success payload's device or token, else the id argument. */
function targetOf(
  result: unknown,
  args: Record<string, unknown>,
): { targetType: string | null; targetId: string | null } {
  const payload = result as Record<
    string,
    { id?: string; constructor?: { name: string } } | undefined
  > | null;
  for (const key of ['device', 'token', 'certificate', 'profile', 'import']) {
    const target = payload?.[key];
    if (target?.id) return { targetType: target.constructor?.name ?? key, targetId: target.id };
  }
  const input = args['input'] as Record<string, unknown> | undefined;
  const id = args['deviceId'] ?? args['id'] ?? input?.['deviceId'] ?? input?.['id'];
  return { targetType: id ? 'ManagedDevice' : null, targetId: typeof id === 'string' ? id : null };
}

/**
 * Wraps every mutation's resolver so that it writes an audit record (success, typed refusal or
 * failure). Only the Mutation root is wrapped: a global type-graphql middleware would also run
 * for every field of every query result. Authentication and authorization refusals are recorded
 * by the auth checker (which runs inside the resolver), so they are passed through here.
 */
export function auditMutations(schema: GraphQLSchema, audit: AuditService): void {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    field.resolve = async (root, args: Record<string, unknown>, context: GraphQLContext, info) => {
      const base = {
        action: info.fieldName,
        principal: context.principal,
        clientAddress: context.clientAddress,
        requestId: context.requestId,
        args,
      };
      // The resolver may write its success record in its own statement (InlineAudit).
      let written = false;
      const inline: InlineAudit = {
        successRow: (targetType, targetId) =>
          audit.row({ ...base, targetType, targetId, outcome: AuditOutcome.success, code: null }),
        written: () => {
          written = true;
        },
      };
      context.inlineAudit = inline;
      try {
        const result: unknown = await resolve(root, args, context, info);
        if (written) return result;
        const refused = result instanceof UserError;
        await audit.record({
          ...base,
          // The refusal's message names what refused it (e.g. the enrollment restriction).
          args: refused ? { ...args, refusal: result.message } : args,
          ...targetOf(result, args),
          outcome: refused ? AuditOutcome.refused : AuditOutcome.success,
          code: refused ? result.code : null,
        });
        return result;
      } catch (error) {
        if (error instanceof UnauthenticatedError || error instanceof ForbiddenError) throw error;
        await audit.record({
          ...base,
          args: error instanceof DomainError ? { ...args, refusal: error.message } : args,
          ...targetOf(null, args),
          outcome: error instanceof DomainError ? AuditOutcome.refused : AuditOutcome.error,
          code: error instanceof DomainError ? error.code : 'INTERNAL_SERVER_ERROR',
        });
        throw error;
      } finally {
        // Mutations run one after another: the next one gets its own.
        if (context.inlineAudit === inline) context.inlineAudit = undefined;
      }
    };
  }
}
