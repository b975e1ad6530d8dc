import { getMetadataStorage } from 'type-graphql';
import type { Role } from './role.enum.js';

/** The three kinds of root operation. */
export type RootKind = 'Query' | 'Mutation' | 'Subscription';

/**
 * The roles a root field's `@Authorized(...)` names, read from type-graphql's metadata (the
 * same declarations the auth checker enforces), or `undefined` when the field declares none.
 * Used where type-graphql does not check by itself (the moment a subscription starts) and by
 * the role × operation test, which fails for any operation without a rule.
 */
export function operationRoles(kind: RootKind, fieldName: string): Role[] | undefined {
  const storage = getMetadataStorage();
  const resolvers =
    kind === 'Query' ? storage.queries : kind === 'Mutation' ? storage.mutations : storage.subscriptions;
  const resolver = resolvers.find((r) => r.schemaName === fieldName);
  if (!resolver) return undefined;
  const rule = storage.authorizedFields.find(
    (a) => a.target === resolver.target && a.fieldName === resolver.methodName,
  );
  return rule?.roles as Role[] | undefined;
}
