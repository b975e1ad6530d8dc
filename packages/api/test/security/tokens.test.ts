import {
  CreateApiTokenDocument,
  EnrollmentCatalogDocument,
  RevokeApiTokenDocument,
  ViewerDocument,
  ApiTokensDocument,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway, useTestGateway } from '../support/kit.js';

describe('API tokens', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ env: { TOKEN_CACHE_TTL_MS: '60000' } });
  });
  afterAll(() => gateway.stop());

  it('are shown once at creation, stored only as a hash, and identify their role', async () => {
    const { createApiToken } = await gateway.query(CreateApiTokenDocument, {
      input: { name: 'ops dashboard', role: 'READER' },
    });
    if (createApiToken.__typename !== 'CreateApiTokenSuccess') throw new Error(createApiToken.__typename);
    expect(createApiToken.secret).toMatch(/^mdm_[A-Za-z0-9_-]{43}$/);
    const rows = await gateway.sql<Record<string, unknown>>('select * from api_token where id = ?', [
      createApiToken.token.id,
    ]);
    expect(JSON.stringify(rows)).not.toContain(createApiToken.secret);
    const { viewer } = await gateway.as(createApiToken.secret).query(ViewerDocument, {});
    expect(viewer).toEqual({ name: 'ops dashboard', role: 'READER', userPrincipalName: null });
    const { apiTokens } = await gateway.query(ApiTokensDocument, {});
    const listed = apiTokens.find((t) => t.id === createApiToken.token.id);
    expect(listed).toMatchObject({
      secretPrefix: createApiToken.secret.slice(0, 12),
      lastUsedDateTime: gateway.clock.now().toISOString(),
    });
  });

  it('stop working as soon as they are revoked, even while cached', async () => {
    const { createApiToken } = await gateway.query(CreateApiTokenDocument, {
      input: { name: 'to revoke', role: 'OPERATOR' },
    });
    if (createApiToken.__typename !== 'CreateApiTokenSuccess') throw new Error(createApiToken.__typename);
    const client = gateway.as(createApiToken.secret);
    expect((await client.request(EnrollmentCatalogDocument, {})).errors).toBeUndefined();
    const { revokeApiToken } = await gateway.query(RevokeApiTokenDocument, { id: createApiToken.token.id });
    expect(revokeApiToken).toMatchObject({
      __typename: 'RevokeApiTokenSuccess',
      token: { revokedDateTime: gateway.clock.now().toISOString() },
    });
    const refused = await client.request(EnrollmentCatalogDocument, {});
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('stop working after their expiry, to the second', async () => {
    const expires = new Date(gateway.clock.now().getTime() + 3_600_000);
    const { createApiToken } = await gateway.query(CreateApiTokenDocument, {
      input: { name: 'short-lived', role: 'READER', expiresDateTime: expires.toISOString() },
    });
    if (createApiToken.__typename !== 'CreateApiTokenSuccess') throw new Error(createApiToken.__typename);
    const client = gateway.as(createApiToken.secret);
    gateway.clock.set(expires);
    expect((await client.request(EnrollmentCatalogDocument, {})).errors).toBeUndefined();
    gateway.clock.advance(1_000);
    expect((await client.request(EnrollmentCatalogDocument, {})).errors?.[0]?.extensions?.['code']).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('refuse unknown and malformed secrets', async () => {
    for (const secret of ['mdm_' + 'A'.repeat(43), 'not-a-token', '']) {
      const response = await gateway.as(secret || null).request(EnrollmentCatalogDocument, {});
      expect(response.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
  });

  it('cannot be created with the DEVICE role, an empty name or an expiry in the past', async () => {
    const count = async () =>
      Number((await gateway.sql<{ n: string }>('select count(*) n from api_token'))[0]!.n);
    const before = await count();
    const cases = [
      { input: { name: 'x', role: 'DEVICE' as const }, field: 'input.role' },
      { input: { name: ' ', role: 'READER' as const }, field: 'input.name' },
      {
        input: { name: 'x', role: 'READER' as const, expiresDateTime: '2000-01-01T00:00:00.000Z' },
        field: 'input.expiresDateTime',
      },
    ];
    for (const { input, field } of cases) {
      const { createApiToken } = await gateway.query(CreateApiTokenDocument, { input });
      expect(createApiToken).toMatchObject({
        __typename: 'InvalidInputError',
        violations: [expect.objectContaining({ field })],
      });
    }
    expect(await count()).toBe(before);
  });

  it('only an ADMIN may create tokens', async () => {
    const operator = gateway.as(await gateway.createToken('OPERATOR'));
    const response = await operator.request(CreateApiTokenDocument, {
      input: { name: 'escalate', role: 'ADMIN' },
    });
    expect(response.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });
});

describe('graphql-ws authentication in connection_init', () => {
  const gateway = useTestGateway();

  const closeCodeOf = (secret: string | null) =>
    new Promise<number>((resolve) => {
      const client = gateway.as(secret).wsClient();
      client.on('closed', (event) => resolve((event as { code: number }).code));
    });

  it('closes the connection with 4403 Forbidden without a token', async () => {
    expect(await closeCodeOf(null)).toBe(4403);
  });

  it('closes the connection with 4403 Forbidden for an unknown token', async () => {
    expect(await closeCodeOf(`mdm_${'B'.repeat(43)}`)).toBe(4403);
  });
});
