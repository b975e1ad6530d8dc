import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationRoles, type RootKind } from '../../src/modules/auth/operation-roles.js';
import { buildGatewaySchema } from '../../src/schema/build-schema.js';
import { ManualClock } from '../../src/shared/clock.js';
import { byodInput, uniqueUpn } from '../support/builders.js';
import { enrollDevice } from '../support/device-credential.js';
import { codesOf, RawGraphQLSocket } from '../support/raw-graphql-ws.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

type Caller = 'ADMIN' | 'OPERATOR' | 'READER' | 'ENROLLER' | 'anonymous';
const callers: Caller[] = ['ADMIN', 'OPERATOR', 'READER', 'ENROLLER', 'anonymous'];

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

/** A document calling one root field with placeholder arguments, selecting only `__typename`. */
function documentFor(kind: RootKind, field: GraphQLField<unknown, unknown>): string {
  const args = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const argText = args.length ? `(${args.map((a) => `${a.name}: ${placeholder(a.type)}`).join(', ')})` : '';
  const named = getNamedType(field.type);
  const selection =
    isObjectType(named) || (!isScalarType(named) && !isEnumType(named)) ? ' { __typename }' : '';
  return `${kind.toLowerCase()} { ${field.name}${argText}${selection} }`;
}

const schema = await buildGatewaySchema();
const roots: [RootKind, GraphQLObjectType | null | undefined][] = [
  ['Query', schema.getQueryType()],
  ['Mutation', schema.getMutationType()],
  ['Subscription', schema.getSubscriptionType()],
];
const operations = roots.flatMap(([kind, type]) =>
  Object.values(type?.getFields() ?? {}).map((field) => ({ kind, field })),
);

describe('who may use each operation (role × operation, generated from the schema)', () => {
  it('every query, mutation and subscription declares its roles on the schema with @Roles', () => {
    const withoutRule = operations
      .filter(({ kind, field }) => !operationRoles(schema, kind, field.name)?.length)
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
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    const codes = (body.errors ?? []).map((e) => e.extensions?.code);
    if (allowed) {
      expect(codes).not.toContain('FORBIDDEN');
      expect(codes).not.toContain('UNAUTHENTICATED');
    } else {
      expect(codes).toContain(caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    }
  });

  // The same matrix over graphql-ws: one socket per role, each operation sent on it.
  const sockets = new Map<Caller, RawGraphQLSocket>();
  beforeAll(async () => {
    for (const caller of callers.filter((c) => c !== 'anonymous')) {
      const socket = RawGraphQLSocket.withToken(gateway.url, tokens.get(caller)!);
      await socket.acknowledged();
      sockets.set(caller, socket);
    }
  });
  afterAll(async () => {
    await Promise.all([...sockets.values()].map((socket) => socket.close()));
  });
  let operationId = 0;

  it.each(cases.filter(({ caller }) => caller !== 'anonymous'))(
    '$name over graphql-ws for $caller: allowed = $allowed',
    async ({ kind, field, caller, allowed }) => {
      const socket = sockets.get(caller)!;
      const id = `op${++operationId}`;
      socket.subscribe(id, documentFor(kind, field));
      const answer = await socket.answerOf(id);
      // GraphQL errors, and the code of a typed result (a refusal a service makes).
      const data =
        answer.type === 'next' ? (answer.payload as { data?: Record<string, unknown> | null }).data : null;
      const codes = [
        ...codesOf(answer),
        ...Object.values(data ?? {}).map((result) => (result as { code?: string } | null)?.code),
      ];
      if (allowed) {
        expect(codes).not.toContain('FORBIDDEN');
        expect(codes).not.toContain('UNAUTHENTICATED');
      } else {
        expect(codes).toContain('FORBIDDEN');
      }
    },
  );

  it('closes a graphql-ws connection without a token with 4403 before any operation', async () => {
    const socket = new RawGraphQLSocket(gateway.url, {});
    expect((await socket.closed).code).toBe(CloseCode.Forbidden);
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

/** Answers of one operation over both transports, as error codes (GraphQL errors, then a typed result's `code`). */
interface Answer {
  codes: string[];
  data?: Record<string, unknown> | null;
}

/**
 * Credential states other than a valid token of the right role: revoked, expired, a wrong role, a
 * user-bound token acting on another user's device. Each is asked over HTTP and over graphql-ws,
 * with the same operations.
 */
describe('every credential state over HTTP and graphql-ws', () => {
  const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ clock });
  });
  afterAll(() => gateway.stop());

  const VIEWER = '{ viewer { role } }';
  const CREATE_TOKEN = 'mutation { createApiToken(input: { name: "matrix", role: ADMIN }) { __typename } }';

  async function overHttp(
    secret: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Answer> {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { extensions?: { code?: string } }[];
    };
    return { codes: (body.errors ?? []).map((e) => e.extensions?.code ?? 'NONE'), data: body.data };
  }

  /** Over a socket opened with `secret`: the answer, or `closed` with its code when the socket was refused. */
  async function overSocket(
    secret: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Answer & { closed?: number }> {
    const socket = RawGraphQLSocket.withToken(gateway.url, secret);
    const outcome = await Promise.race([
      socket.acknowledged().then(() => {
        socket.subscribe('1', query, variables);
        return socket.answerOf('1');
      }),
      socket.closed,
    ]);
    if ('code' in outcome) return { codes: [], closed: outcome.code };
    await socket.close();
    const payload = outcome.payload as { data?: Record<string, unknown> | null };
    return { codes: codesOf(outcome), data: outcome.type === 'next' ? payload.data : undefined };
  }

  async function tokenOf(
    role: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; secret: string }> {
    const { data } = await overHttpAsAdmin(
      `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { ... on CreateApiTokenSuccess { secret token { id } } } }`,
      { input: { name: `matrix ${role}`, role, ...extra } },
    );
    const created = data!['createApiToken'] as { secret: string; token: { id: string } };
    return { id: created.token.id, secret: created.secret };
  }
  const overHttpAsAdmin = (query: string, variables?: Record<string, unknown>) =>
    overHttp(gateway.adminToken, query, variables);

  it('valid: a READER token reads over both transports', async () => {
    const { secret } = await tokenOf('READER');
    expect((await overHttp(secret, VIEWER)).data).toEqual({ viewer: { role: 'READER' } });
    expect((await overSocket(secret, VIEWER)).data).toEqual({ viewer: { role: 'READER' } });
  });

  it('revoked: HTTP answers UNAUTHENTICATED and graphql-ws refuses the connection with 4403', async () => {
    const token = await tokenOf('ADMIN');
    await overHttpAsAdmin(`mutation($id: ID!) { revokeApiToken(id: $id) { __typename } }`, { id: token.id });
    expect((await overHttp(token.secret, CREATE_TOKEN)).codes).toEqual(['UNAUTHENTICATED']);
    expect(await overSocket(token.secret, CREATE_TOKEN)).toMatchObject({ closed: CloseCode.Forbidden });
  });

  it('expired: HTTP answers UNAUTHENTICATED and graphql-ws refuses the connection with 4403', async () => {
    const token = await tokenOf('ADMIN', {
      expiresDateTime: new Date(clock.now().getTime() + 60_000).toISOString(),
    });
    expect((await overHttp(token.secret, VIEWER)).codes).toEqual([]);
    clock.advance(61_000);
    expect((await overHttp(token.secret, CREATE_TOKEN)).codes).toEqual(['UNAUTHENTICATED']);
    expect(await overSocket(token.secret, CREATE_TOKEN)).toMatchObject({ closed: CloseCode.Forbidden });
  });

  it('wrong role: a READER creating a token is FORBIDDEN over both transports', async () => {
    const { secret } = await tokenOf('READER');
    expect((await overHttp(secret, CREATE_TOKEN)).codes).toEqual(['FORBIDDEN']);
    expect((await overSocket(secret, CREATE_TOKEN)).codes).toEqual(['FORBIDDEN']);
  });

  // The domain rule (a user-bound token acts on its user's devices only) is the device actions
  // service's: whichever refusal it gives (FORBIDDEN, or NOT_FOUND so as not to confirm the device
  // exists), both transports must give the same, reveal nothing of the owner, and change nothing.
  it("another user's: a user-bound ENROLLER cannot unenroll another user's device over either transport, nor learn its user", async () => {
    const owner = uniqueUpn();
    const { device } = await enrollDevice(gateway, byodInput({ userPrincipalName: owner }));
    const { secret } = await tokenOf('ENROLLER', { userPrincipalName: uniqueUpn() });
    const unenroll = `mutation($id: ID!) { unenrollDevice(deviceId: $id) { __typename ... on UserError { code } ... on DeviceActionSuccess { device { userPrincipalName } } } }`;
    const stateOf = () =>
      gateway.sql<{ management_state: string }>('select management_state from managed_device where id = ?', [
        device.id,
      ]);
    const [before] = await stateOf();
    const refusals: string[][] = [];
    for (const answer of [
      await overHttp(secret, unenroll, { id: device.id }),
      await overSocket(secret, unenroll, { id: device.id }),
    ]) {
      const typed = (answer.data?.['unenrollDevice'] as { code?: string } | null | undefined)?.code;
      const codes = [...answer.codes, typed].filter((code): code is string => code !== undefined);
      expect(codes.filter((code) => code === 'FORBIDDEN' || code === 'NOT_FOUND')).toHaveLength(1);
      expect(JSON.stringify(answer)).not.toContain(owner);
      refusals.push(codes);
    }
    expect(refusals[1]).toEqual(refusals[0]);
    const [stored] = await stateOf();
    expect(stored!.management_state).toBe(before!.management_state);
  });
});

/** Whether the declared roles admit the caller (DEVICE operations admit everyone). */
function isAllowed(kind: RootKind, fieldName: string, caller: Caller): boolean {
  const roles = operationRoles(schema, kind, fieldName) ?? [];
  return roles.includes('DEVICE' as never) || (caller !== 'anonymous' && roles.includes(caller as never));
}
