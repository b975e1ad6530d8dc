import { EnrollmentCatalogDocument } from '@mdm/schema';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

/** Posts raw GraphQL text with the admin token and returns the error codes. */
async function codesOf(gateway: TestGateway, query: string): Promise<string[]> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
  return (body.errors ?? []).map((e) => e.extensions?.code ?? e.message);
}

describe('query limits (graphql-armor), each just under and just over', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      env: {
        GRAPHQL_MAX_DEPTH: '4',
        GRAPHQL_MAX_ALIASES: '3',
        GRAPHQL_MAX_DIRECTIVES: '3',
        GRAPHQL_MAX_TOKENS: '40',
        GRAPHQL_MAX_COST: '60',
      },
    });
  });
  afterAll(() => gateway.stop());

  // Depth counts field levels down to the leaves: managedDevices > edges > node > id is 4.
  it('depth: 4 levels pass, 5 are refused', async () => {
    expect(await codesOf(gateway, '{ managedDevices(first: 1) { edges { node { id } } } }')).toEqual([]);
    expect(
      await codesOf(gateway, '{ managedDevices(first: 1) { edges { node { user { id } } } } }'),
    ).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('aliases: 3 pass, 4 are refused', async () => {
    expect(
      await codesOf(
        gateway,
        '{ a: enrollmentMethods { method } b: enrollmentMethods { method } c: enrollmentMethods { method } }',
      ),
    ).toEqual([]);
    expect(
      await codesOf(
        gateway,
        '{ a: enrollmentMethods { method } b: enrollmentMethods { method } c: enrollmentMethods { method } d: enrollmentMethods { method } }',
      ),
    ).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('directives: 3 pass, 4 are refused', async () => {
    expect(
      await codesOf(
        gateway,
        '{ enrollmentMethods @skip(if: false) { method @include(if: true) displayName @skip(if: false) } }',
      ),
    ).toEqual([]);
    expect(
      await codesOf(
        gateway,
        '{ enrollmentMethods @skip(if: false) { method @include(if: true) displayName @skip(if: false) locked @include(if: true) } }',
      ),
    ).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('tokens: a document at the limit passes, one token more is refused', async () => {
    const fields = (n: number) => `{ ${Array.from({ length: n }, () => '__typename').join(' ')} }`;
    // graphql-armor counts every token but end-of-file: `{` + n fields + `}` = n + 2.
    expect(await codesOf(gateway, fields(38))).toEqual([]);
    expect(await codesOf(gateway, fields(39))).toContain('BAD_USER_INPUT');
  });

  it('cost: a cheap list passes, a wide nested selection is refused', async () => {
    expect(await codesOf(gateway, '{ managedDevices(first: 1) { totalCount } }')).toEqual([]);
    const wide =
      '{ managedDevices(first: 1) { edges { node { id deviceName platform osVersion serialNumber imei model manufacturer user { id userPrincipalName displayName createdDateTime } } } } }';
    expect(await codesOf(gateway, wide)).toContain('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('per-token rate limit', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(() => gateway.stop());

  it('answers the request over the budget with 429, a typed error and Retry-After; other tokens are unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await gateway.request(EnrollmentCatalogDocument, {})).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await gateway.request(EnrollmentCatalogDocument, {});
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.errors?.[0]?.extensions?.['code']).toBe('RATE_LIMITED');
    const other = gateway.as(await createTokenDirectly(gateway));
    expect((await other.request(EnrollmentCatalogDocument, {})).status).toBe(200);
  });
});

/** Creating a token through the API would spend the admin token's exhausted budget. */
async function createTokenDirectly(gateway: TestGateway): Promise<string> {
  const { randomBytes, createHash } = await import('node:crypto');
  const secret = `mdm_${randomBytes(32).toString('base64url')}`;
  await gateway.sql(
    `insert into api_token (id, name, role, secret_hash, secret_prefix, created_date_time) values (gen_random_uuid(), 'other', 'READER', ?, ?, now())`,
    [createHash('sha256').update(secret).digest('hex'), secret.slice(0, 12)],
  );
  return secret;
}

describe('the depth limit applies to introspection too', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.stop());

  /** `__schema > types > fields > type`, then `levels` × `ofType`, then `name`: depth levels + 5. */
  const nested = (levels: number) =>
    `{ __schema { types { fields { type ${'{ ofType '.repeat(levels)}{ name }${' }'.repeat(levels)} } } } }`;

  it("graphql-js's standard introspection query (depth 15) passes; 16 levels are refused", async () => {
    expect(await codesOf(gateway, getIntrospectionQuery())).toEqual([]);
    expect(await codesOf(gateway, nested(10))).toEqual([]);
    expect(await codesOf(gateway, nested(11))).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('a 200-level introspection query is refused over graphql-ws as well', async () => {
    const results: unknown[] = [];
    try {
      for await (const result of gateway.wsClient().iterate({ query: nested(200) })) results.push(result);
    } catch (errors) {
      results.push(errors);
    }
    expect(JSON.stringify(results)).toContain('GRAPHQL_VALIDATION_FAILED');
  });
});
