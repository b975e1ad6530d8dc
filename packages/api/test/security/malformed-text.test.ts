import { randomUUID } from 'node:crypto';
import { AuditRecordsDocument } from '@mdm/schema';
import { describe, expect, it } from 'vitest';
import { byodInput, uniqueUpn } from '../support/builders.js';
import { useTestGateway } from '../support/kit.js';

/** What a refusal names: the violations of a typed InvalidInputError, or of a BAD_USER_INPUT error. */
interface Refusal {
  status: number;
  code: unknown;
  violations: { field: string; rule: string }[];
}

const ENROLL = `mutation Enroll($input: EnrollDeviceInput!) {
  enrollDevice(input: $input) { __typename ... on UserError { code } ... on InvalidInputError { violations { field rule } } }
}`;

describe('text that PostgreSQL cannot store (NUL, lone UTF-16 surrogates)', () => {
  const gateway = useTestGateway();

  async function send(
    query: string,
    variables: Record<string, unknown>,
    secret: string | null = gateway.adminToken,
    requestId: string = randomUUID(),
  ) {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        data?: Record<string, unknown> | null;
        errors?: { extensions?: Record<string, unknown> }[];
      },
    };
  }

  /** Sends the operation and reads its refusal, typed result or GraphQL error alike. */
  async function refusal(
    query: string,
    variables: Record<string, unknown>,
    secret?: string | null,
    requestId?: string,
  ): Promise<Refusal> {
    const { status, body } = await send(query, variables, secret, requestId);
    const typed = Object.values(body.data ?? {})[0] as
      { __typename?: string; code?: string; violations?: Refusal['violations'] } | null | undefined;
    if (typed?.__typename === 'InvalidInputError')
      return { status, code: typed.code, violations: typed.violations ?? [] };
    const error = body.errors?.[0];
    return {
      status,
      code: error?.extensions?.['code'] as string | undefined,
      violations: (error?.extensions?.['violations'] as Refusal['violations'] | undefined) ?? [],
    };
  }

  const deviceCount = async () =>
    Number((await gateway.sql<{ n: string }>('select count(*) n from managed_device'))[0]!.n);

  it.each([
    ['deviceName', { deviceName: 'a\u0000b' }, 'noNul'],
    ['userPrincipalName', { userPrincipalName: 'a\u0000@contoso.example' }, 'noNul'],
    ['serialNumber', { serialNumber: 'C02\u0000XYZ' }, 'noNul'],
    ['osVersion', { osVersion: '17\u0000.4' }, 'noNul'],
    ['model', { model: 'iPhone\u0000' }, 'noNul'],
    ['easDeviceId', { easDeviceId: 'EAS\u0000' }, 'noNul'],
    ['deviceName', { deviceName: 'x\uD800y' }, 'wellFormedUnicode'],
    ['model', { model: '\uDC00' }, 'wellFormedUnicode'],
  ])(
    'an enrollment with a bad %s is a typed input error naming the field, and writes no device',
    async (field, overrides, rule) => {
      const before = await deviceCount();
      const result = await refusal(ENROLL, { input: byodInput(overrides) });
      expect(result).toEqual({
        status: 200,
        code: 'BAD_USER_INPUT',
        violations: [{ field: `input.${field}`, rule }],
      });
      expect(await deviceCount()).toBe(before);
    },
  );

  it('is refused in a string literal of the document as in a variable', async () => {
    const result = await refusal(
      `mutation { setUserGroups(userPrincipalName: "${uniqueUpn()}", groups: ["ok", "a\\u0000"]) { __typename ... on UserError { code } ... on InvalidInputError { violations { field rule } } } }`,
      {},
    );
    expect(result).toEqual({
      status: 200,
      code: 'BAD_USER_INPUT',
      violations: [{ field: 'groups.1', rule: 'noNul' }],
    });
  });

  it('refuses the groups of setUserGroups and writes no user', async () => {
    const upn = uniqueUpn();
    const result = await refusal(
      `mutation Groups($upn: String!, $groups: [String!]!) { setUserGroups(userPrincipalName: $upn, groups: $groups) { __typename ... on UserError { code } ... on InvalidInputError { violations { field rule } } } }`,
      { upn, groups: ['a\u0000'] },
    );
    expect(result).toEqual({
      status: 200,
      code: 'BAD_USER_INPUT',
      violations: [{ field: 'groups.0', rule: 'noNul' }],
    });
    expect(await gateway.sql('select 1 from app_user where user_principal_name = ?', [upn])).toEqual([]);
  });

  it.each([
    ['search', { search: 'a\u0000' }],
    ['userPrincipalName', { userPrincipalName: 'a\u0000@contoso.example' }],
    ['search', { search: '\uD800' }],
  ])('a managedDevices filter with a bad %s is BAD_USER_INPUT naming the field', async (field, filter) => {
    const { status, body } = await send(
      'query Devices($filter: ManagedDeviceFilter) { managedDevices(filter: $filter, first: 2) { totalCount } }',
      { filter },
    );
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      violations: [{ field: `filter.${field}` }],
    });
  });

  it('an anonymous check-in with a bad certificate serial number is a typed input error', async () => {
    const result = await refusal(
      `mutation CheckIn($input: CheckInInput!) { checkIn(input: $input) { __typename ... on UserError { code } ... on InvalidInputError { violations { field rule } } } }`,
      {
        input: {
          deviceId: randomUUID(),
          certificateSerialNumber: 'AB\u0000',
          nonce: 'nonce-0123456789',
          signature: 'c2ln',
        },
      },
      null,
    );
    expect(result).toEqual({
      status: 200,
      code: 'BAD_USER_INPUT',
      violations: [{ field: 'input.certificateSerialNumber', rule: 'noNul' }],
    });
  });

  it('a subscription over graphql-ws with a bad argument is refused as an input error naming the field', async () => {
    const client = gateway.wsClient();
    const errors = await new Promise<readonly { message: string; extensions?: Record<string, unknown> }[]>(
      (resolve, reject) => {
        client.subscribe(
          {
            query:
              'subscription { deviceCheckedIn(filter: { userPrincipalName: "a\\u0000" }) { __typename } }',
          },
          {
            next: (result) => resolve(result.errors ?? []),
            error: (error) => resolve(Array.isArray(error) ? error : [error]),
            complete: () => reject(new Error('completed without a result')),
          },
        );
      },
    );
    expect(errors).toEqual([
      expect.objectContaining({
        message: 'filter.userPrincipalName: must not contain the NUL character (U+0000)',
      }),
    ]);
    // graphql-ws errors carry `extensions.code` once they go through the gateway's error formatting.
    if (errors[0]?.extensions) expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('a refused attempt leaves one audit record, its text stored with U+FFFD in place of NUL and lone surrogates', async () => {
    const requestId = `malformed-${randomUUID()}`;
    const input = byodInput({ deviceName: 'a\u0000b', model: 'x\uD800y' });
    const result = await refusal(ENROLL, { input }, gateway.adminToken, requestId);
    expect(result.code).toBe('BAD_USER_INPUT');
    const records = await gateway.sql<{
      outcome: string;
      code: string;
      details: { input: Record<string, string> };
    }>('select outcome, code, details from audit_record where request_id = ?', [requestId]);
    expect(records).toEqual([expect.objectContaining({ outcome: 'refused', code: 'BAD_USER_INPUT' })]);
    expect(records[0]!.details.input).toMatchObject({
      deviceName: 'a\uFFFDb',
      model: 'x\uFFFDy',
      serialNumber: input.serialNumber,
    });
  });

  it('an audit record whose target id argument holds a NUL is still written', async () => {
    const requestId = `malformed-${randomUUID()}`;
    const { status } = await send(
      'mutation { retireDevice(deviceId: "\\u0000") { __typename } }',
      {},
      gateway.adminToken,
      requestId,
    );
    expect(status).toBeLessThan(500);
    const { auditRecords } = await gateway.query(AuditRecordsDocument, { action: 'retireDevice', first: 50 });
    expect(auditRecords.nodes.filter((r) => r.requestId === requestId)).toEqual([
      expect.objectContaining({ outcome: 'refused', targetId: '\uFFFD' }),
    ]);
  });
});
