import type { AuthChecker } from 'type-graphql';
import type { GraphQLContext } from '../../shared/context.js';
import { AuditOutcome } from '../audit/audit-record.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import { ForbiddenError, UnauthenticatedError } from './auth.errors.js';
import { mayUse, rolesOf } from './operation-roles.js';
import type { Role } from './role.enum.js';

/**
 * type-graphql's checker for `@Roles(...roles)`, which reads the roles where every transport
 * reads them: the field's schema extensions (type-graphql's copy, `roles`, only when the field has
 * none there). DEVICE operations need no token (the device proves itself with its certificate);
 * every other operation needs a token whose role is listed. Refusals are audited, then thrown as typed errors (UNAUTHENTICATED, FORBIDDEN).
 * It runs before any middleware, so it records its own refusals.
 */
export function createAuthChecker(audit: AuditService): AuthChecker<GraphQLContext, Role> {
  return async ({ context, info, args }, roles) => {
    const field = info.parentType.getFields()[info.fieldName];
    const principal = context.principal;
    if (mayUse((field && rolesOf(field)) ?? roles, principal)) return true;
    const error = principal
      ? new ForbiddenError(`${info.parentType.name}.${info.fieldName}`, principal.role)
      : new UnauthenticatedError();
    await audit.record({
      action: info.parentType.name === 'Subscription' ? `subscribe:${info.fieldName}` : info.fieldName,
      outcome: AuditOutcome.denied,
      code: error.code,
      principal,
      clientAddress: context.clientAddress,
      requestId: context.requestId,
      args,
    });
    throw error;
  };
}
