import { randomUUID } from 'node:crypto';
import { CloseCode } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock.js';
import { codesOf, RawGraphQLSocket } from '../support/raw-graphql-ws.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const REDIS_URL = process.env['REDIS_TEST_URL'] ?? 'redis://127.0.0.1:6379';
const SUBSCRIPTION = 'subscription { deviceCheckedIn { deviceId } }';
const CREATE_ADMIN_TOKEN =
  'mutation { createApiToken(input: { name: "escalated", role: ADMIN }) { __typename ... on CreateApiTokenSuccess { secret } } }';

/** POSTs raw GraphQL with `secret` and returns the decoded body and status. */
async function post(
  gateway: TestGateway,
  secret: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{
  status: number;
  data?: Record<string, unknown>;
  errors?: { extensions?: { code?: string } }[];
}> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

/** Creates a token through the API (as the admin) and returns its id and secret. */
async function createToken(
  gateway: TestGateway,
  role: string,
  expiresDateTime?: Date,
): Promise<{ id: string; secret: string }> {
  const { data } = await post(
    gateway,
    gateway.adminToken,
    `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { ... on CreateApiTokenSuccess { secret token { id } } } }`,
    { input: { name: `ws ${role}`, role, expiresDateTime: expiresDateTime?.toISOString() } },
  );
  const created = data!['createApiToken'] as { secret: string; token: { id: string } };
  return { id: created.token.id, secret: created.secret };
}

async function revoke(gateway: TestGateway, id: string): Promise<void> {
  const { data } = await post(
    gateway,
    gateway.adminToken,
    `mutation($id: ID!) { revokeApiToken(id: $id) { __typename } }`,
    { id },
  );
  expect(data).toEqual({ revokeApiToken: { __typename: 'RevokeApiTokenSuccess' } });
}

/** An acknowledged socket with a running subscription (operation id `s`). */
async function subscribedSocket(gateway: TestGateway, secret: string): Promise<RawGraphQLSocket> {
  const socket = RawGraphQLSocket.withToken(gateway.url, secret);
  await socket.acknowledged();
  socket.subscribe('s', SUBSCRIPTION);
  // Messages of one socket are handled in order: once this query is answered, the subscription runs.
  socket.subscribe('q', '{ __typename }');
  expect(codesOf(await socket.answerOf('q'))).toEqual([]);
  return socket;
}

describe('a graphql-ws socket keeps only the power its token has now', () => {
  let gateway: TestGateway;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
  beforeAll(async () => {
    // A short cache so a revocation made where no event reaches (the database only) is seen quickly.
    gateway = await startTestGateway({ clock, env: { TOKEN_CACHE_TTL_MS: '100' } });
  });
  afterAll(() => gateway.stop());

  it('closes the socket of a revoked ADMIN token with 4403, ending its subscriptions, and runs nothing sent after', async () => {
    const token = await createToken(gateway, 'ADMIN');
    const socket = await subscribedSocket(gateway, token.secret);
    await revoke(gateway, token.id);
    socket.subscribe('m', CREATE_ADMIN_TOKEN);
    const { code } = await socket.closed;
    expect(code).toBe(CloseCode.Forbidden);
    expect(socket.messages.filter((m) => m.id === 'm' && m.type === 'next')).toEqual([]);
    const escalated = await gateway.sql<{ count: string }>(
      `select count(*)::text as count from api_token where name = 'escalated'`,
    );
    expect(escalated[0]!.count).toBe('0');
  });

  it('closes the socket of a token revoked in the database only (no event) within the token cache time', async () => {
    const token = await createToken(gateway, 'READER');
    const socket = await subscribedSocket(gateway, token.secret);
    await gateway.sql(`update api_token set revoked_date_time = now() where id = ?`, [token.id]);
    const { code } = await socket.closed;
    expect(code).toBe(CloseCode.Forbidden);
  });

  it('closes the socket of a token once it expires, and refuses its operations', async () => {
    const token = await createToken(gateway, 'READER', new Date(clock.now().getTime() + 3_600_000));
    const socket = await subscribedSocket(gateway, token.secret);
    clock.advance(3_600_001);
    socket.subscribe('late', '{ viewer { role } }');
    const { code } = await socket.closed;
    expect(code).toBe(CloseCode.Forbidden);
    expect(socket.messages.filter((m) => m.id === 'late' && m.type === 'next')).toEqual([]);
  });

  it('keeps the sockets of other tokens open', async () => {
    const kept = await createToken(gateway, 'READER');
    const revoked = await createToken(gateway, 'READER');
    const keptSocket = await subscribedSocket(gateway, kept.secret);
    const revokedSocket = await subscribedSocket(gateway, revoked.secret);
    await revoke(gateway, revoked.id);
    expect((await revokedSocket.closed).code).toBe(CloseCode.Forbidden);
    keptSocket.subscribe('after', '{ viewer { role } }');
    expect(await keptSocket.answerOf('after')).toMatchObject({
      type: 'next',
      payload: { data: { viewer: { role: 'READER' } } },
    });
    await keptSocket.close();
  });
});

describe.runIf(inject('databaseUrl'))('a revocation reaches the sockets of every instance', () => {
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    // The cache is long: only the revocation event, carried by Redis, can close B's socket in time.
    const env = {
      REDIS_URL,
      EVENTS_CHANNEL_PREFIX: `mdm-test-${randomUUID()}:`,
      TOKEN_CACHE_TTL_MS: '600000',
    };
    a = await startTestGateway({ env });
    b = await startTestGateway({ env });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('closes with 4403 a socket on instance B when the token is revoked on instance A', async () => {
    const token = await createToken(a, 'ADMIN');
    const socket = await subscribedSocket(b, token.secret);
    await revoke(a, token.id);
    expect((await socket.closed).code).toBe(CloseCode.Forbidden);
    // And B's HTTP refuses the token at once too, though its cache would have kept it for minutes.
    expect((await post(b, token.secret, '{ viewer { role } }')).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });
});

describe('one rate limit for HTTP and graphql-ws', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ env: { RATE_LIMIT_PER_MINUTE: '6' } });
  });
  afterAll(() => gateway.stop());

  it('refuses operations over the socket with RATE_LIMITED once HTTP spent the budget, and the other way round', async () => {
    const spentOverHttp = await createToken(gateway, 'READER');
    for (let i = 0; i < 6; i++)
      expect((await post(gateway, spentOverHttp.secret, '{ __typename }')).status).toBe(200);
    const socket = RawGraphQLSocket.withToken(gateway.url, spentOverHttp.secret);
    await socket.acknowledged();
    socket.subscribe('1', '{ __typename }');
    const refused = await socket.answerOf('1');
    expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
    socket.subscribe('2', SUBSCRIPTION);
    expect(codesOf(await socket.answerOf('2'))).toEqual(['RATE_LIMITED']);
    await socket.close();

    const spentOverSocket = await createToken(gateway, 'READER');
    const other = RawGraphQLSocket.withToken(gateway.url, spentOverSocket.secret);
    await other.acknowledged();
    for (let i = 0; i < 6; i++) {
      other.subscribe(`q${i}`, '{ __typename }');
      expect(codesOf(await other.answerOf(`q${i}`))).toEqual([]);
    }
    const limited = await post(gateway, spentOverSocket.secret, '{ __typename }');
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    await other.close();
  });
});
