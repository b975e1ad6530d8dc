import { Authorized, Extensions } from 'type-graphql';
import type { Role } from './role.enum.js';

/**
 * Declares who may use a query field, mutation or subscription, once: the roles are written into
 * the field's schema extensions (`extensions.roles`, read by `operation-roles.ts` for both
 * transports) and registered with type-graphql's `@Authorized`, so its auth checker
 * (`auth-checker.ts`) runs before the resolver. `DEVICE` admits callers without a token (the
 * operation authenticates the device itself).
 */
export function Roles(...roles: Role[]): MethodDecorator {
  const authorized = Authorized(...roles);
  const extensions = Extensions({ roles });
  return (target, propertyKey, descriptor) => {
    authorized(target, propertyKey, descriptor);
    extensions(target, propertyKey, descriptor);
  };
}
