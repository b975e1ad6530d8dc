import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationRoles, type RootKind } from '../../src/modules/auth/operation-roles.js';
import { buildGatewaySchema } from '../../src/schema/build-schema.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

type Caller = 'ADMIN' | 'OPERATOR' | 'READER' | 'ENROLLER' | 'ENROLLER of a user' | 'anonymous';
const callers: Caller[] = ['ADMIN', 'OPERATOR', 'READER', 'ENROLLER', 'ENROLLER of a user', 'anonymous'];

/**
 * Refusals a service makes beyond the declared roles (docs/security.md, "Roles"): an ENROLLER
 * token without a user enrolls and does nothing else (auth/device-scope.policy.ts), and a user
 * token is refused userless bulk enrollment. Both answer FORBIDDEN, as a typed result.
 */
const refusedByService: Partial<Record<string, Caller[]>> = {
  unenrollDevice: ['ENROLLER'],
  enrollDevices: ['ENROLLER of a user'],
};

/** A literal that passes GraphQL validation for `type` (content need not pass domain rules). */
function placeholder(type: GraphQLInputType): string {
  if (isNonNullType(type)) return placeholder(type.ofType);
  if (isListType(type)) return `[${placeholder(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter(
      (f) => isNonNullType(f.type) && f.defaultValue === undefined,
    );
    return `{ ${fields.map((f) => `${f.name}: ${placeholder(f.type)}`).join(', ')} }`;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return '"00000000-0000-4000-8000-00000000abcd"';
      case 'Int':
      case 'Float':
        return '1';
      case 'Boolean':
        return 'true';
      case 'DateTime':
        return '"2030-01-01T00:00:00.000Z"';
      case 'JSONObject':
        return '{}';
      default:
        return '"x"';
    }
  }
  throw new Error(`no placeholder for ${String(type)}`);
}

const schema = await buildGatewaySchema();

/**
 * A document calling one root field with placeholder arguments, selecting only `__typename`
 * (and the `code` of a typed refusal, for results that may be one).
 */
function documentFor(kind: RootKind, field: GraphQLField<unknown, unknown>): string {
  const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const argText = args.length ? `(${args.map((a) => `${a.name}: ${placeholder(a.type)}`).join(', ')})` : '';
  const named = getNamedType(field.type);
  const mayRefuse =
    isUnionType(named) &&
    schema.getPossibleTypes(named).some((t) => t.getInterfaces().some((i) => i.name === 'UserError'));
  const selection =
    isObjectType(named) || (!isScalarType(named) && !isEnumType(named))
      ? ` { __typename${mayRefuse ? ' ... on UserError { code }' : ''} }`
      : '';
  return `${kind.toLowerCase()} { ${field.name}${argText}${selection} }`;
}

const roots: [RootKind, GraphQLObjectType | null | undefined][] = [
  ['Query', schema.getQueryType()],
  ['Mutation', schema.getMutationType()],
  ['Subscription', schema.getSubscriptionType()],
];
const operations = roots.flatMap(([kind, type]) =>
  Object.values(type?.getFields() ?? {}).map((field) => ({ kind, field })),
);

describe('who may use each operation (role × operation, generated from the schema)', () => {
  it('every query, mutation and subscription names its roles with @Authorized', () => {
    const withoutRule = operations
      .filter(({ kind, field }) => !operationRoles(kind, field.name)?.length)
      .map(({ field }) => field.name);
    expect(withoutRule).toEqual([]);
  });

  let gateway: TestGateway;
  const tokens = new Map<Caller, string | null>();
  beforeAll(async () => {
    gateway = await startTestGateway();
    tokens.set('ADMIN', gateway.adminToken);
    for (const role of ['OPERATOR', 'READER', 'ENROLLER'] as const)
      tokens.set(role, await gateway.createToken(role));
    tokens.set('ENROLLER of a user', await gateway.createToken('ENROLLER', 'matrix.user@contoso.example'));
    tokens.set('anonymous', null);
  });
  afterAll(() => gateway.stop());

  const cases = operations
    .filter(({ kind }) => kind !== 'Subscription')
    .flatMap(({ kind, field }) =>
      callers.map((caller) => ({
        kind,
        field,
        caller,
        name: `${kind}.${field.name}`,
        allowed: isAllowed(kind, field.name, caller),
      })),
    );

  it.each(cases)('$name for $caller: allowed = $allowed', async ({ kind, field, caller, allowed }) => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(tokens.get(caller) ? { authorization: `Bearer ${tokens.get(caller)}` } : {}),
      },
      body: JSON.stringify({ query: documentFor(kind, field) }),
    });
    const body = (await response.json()) as {
      data?: Record<string, { code?: string } | null> | null;
      errors?: { extensions?: { code?: string } }[];
    };
    const codes = [
      ...(body.errors ?? []).map((e) => e.extensions?.code),
      ...Object.values(body.data ?? {}).map((result) => result?.code),
    ];
    if (allowed) {
      expect(codes).not.toContain('FORBIDDEN');
      expect(codes).not.toContain('UNAUTHENTICATED');
    } else {
      expect(codes).toContain(caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    }
  });

  const subscriptionCases = operations
    .filter(({ kind }) => kind === 'Subscription')
    .flatMap(({ field }) =>
      callers
        .filter((c) => c !== 'anonymous')
        .map((caller) => ({
          field,
          caller,
          name: field.name,
          allowed: isAllowed('Subscription', field.name, caller),
        })),
    );

  it.each(subscriptionCases)(
    'subscription $name for $caller: allowed = $allowed',
    async ({ field, caller, allowed }) => {
      const client = gateway.as(tokens.get(caller)!).wsClient();
      let refused = false;
      const dispose = client.subscribe(
        { query: documentFor('Subscription', field) },
        {
          next: () => {},
          error: (errors) => (refused = JSON.stringify(errors).includes('FORBIDDEN')),
          complete: () => {},
        },
      );
      // The server answers messages of one connection in order: once a query sent after the
      // subscribe has its result, a refusal of the subscription has already arrived.
      for await (const result of client.iterate({ query: '{ __typename }' })) {
        expect(result.data).toEqual({ __typename: 'Query' });
        break;
      }
      dispose();
      const outcome = refused ? 'error' : 'open';
      expect(outcome).toBe(allowed ? 'open' : 'error');
    },
  );
});

/**
 * Whether the declared roles admit the caller (DEVICE operations admit everyone; a user token
 * has its role), less the refusals services make ({@link refusedByService}).
 */
function isAllowed(kind: RootKind, fieldName: string, caller: Caller): boolean {
  const roles = operationRoles(kind, fieldName) ?? [];
  const role = caller === 'ENROLLER of a user' ? 'ENROLLER' : caller;
  if (kind === 'Mutation' && refusedByService[fieldName]?.includes(caller)) return false;
  return roles.includes('DEVICE' as never) || (role !== 'anonymous' && roles.includes(role as never));
}
