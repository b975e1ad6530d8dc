import type { AuthChecker } from 'type-graphql';
import type { GraphQLContext } from '../../shared/context.js';
import { ForbiddenError, UnauthenticatedError } from './auth.errors.js';
import { Role } from './role.enum.js';

/**
 * type-graphql's checker for `@Authorized(...roles)`. DEVICE operations need no token (the
 * device proves itself with its certificate); every other operation needs a token whose role
 * is listed. Refusals throw typed errors (UNAUTHENTICATED, FORBIDDEN) that the audit records.
 */
export const authChecker: AuthChecker<GraphQLContext, Role> = ({ context, info }, roles) => {
  if (roles.includes(Role.DEVICE)) return true;
  if (!context.principal) throw new UnauthenticatedError();
  if (!roles.includes(context.principal.role)) throw new ForbiddenError(`${info.parentType.name}.${info.fieldName}`, context.principal.role);
  return true;
};
