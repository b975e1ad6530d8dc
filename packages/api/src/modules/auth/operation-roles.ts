import {
  Kind,
  type DocumentNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { Principal } from './principal.js';
import { Role } from './role.enum.js';

/** The three kinds of root operation. */
export type RootKind = 'Query' | 'Mutation' | 'Subscription';

/**
 * The roles a field declares with `@Roles(...)`, read from its schema extensions, or `undefined`
 * when it declares none (then nobody may use it: see {@link mayUse}).
 */
export function rolesOf(field: GraphQLField<unknown, unknown>): Role[] | undefined {
  const roles = (field.extensions as { roles?: unknown } | undefined)?.roles;
  return Array.isArray(roles) ? (roles as Role[]) : undefined;
}

/** The roles root field `fieldName` of `kind` declares in `schema` (see {@link rolesOf}). */
export function operationRoles(schema: GraphQLSchema, kind: RootKind, fieldName: string): Role[] | undefined {
  const field = rootType(schema, kind)?.getFields()[fieldName];
  return field ? rolesOf(field) : undefined;
}

/** Whether `principal` (null: no token) may use a field declaring `roles`. DEVICE admits everyone. */
export function mayUse(roles: readonly Role[] | undefined, principal: Principal | null): boolean {
  if (!roles) return false;
  if (roles.includes(Role.DEVICE)) return true;
  return principal !== null && roles.includes(principal.role);
}

/**
 * The first root field of the document's operation that `principal` may not use, or undefined.
 * Where the resolver's own check comes too late: a subscription's is made per event, so
 * graphql-ws asks this when the subscription starts and refuses it at once.
 */
export function deniedRootField(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  principal: Principal | null,
): string | undefined {
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return undefined;
  const kind: RootKind =
    operation.operation === 'subscription'
      ? 'Subscription'
      : operation.operation === 'mutation'
        ? 'Mutation'
        : 'Query';
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
    if (!mayUse(operationRoles(schema, kind, selection.name.value), principal)) return selection.name.value;
  }
  return undefined;
}

function rootType(schema: GraphQLSchema, kind: RootKind): GraphQLObjectType | null | undefined {
  return kind === 'Query'
    ? schema.getQueryType()
    : kind === 'Mutation'
      ? schema.getMutationType()
      : schema.getSubscriptionType();
}
