import { randomUUID } from 'node:crypto';
import { EnrollDeviceDocument } from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { byodInput, uniqueUpn } from './support/builders.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/**
 * GRAPHQL_COMPILED_EXECUTION switches HTTP operations between queries compiled by graphql-jit
 * and graphql-js's execute. Clients must not be able to tell: two gateways on the same database,
 * one of each, answer the same requests with the same bytes (data, errors, codes, paths).
 */
/**
 * The response body, without the stack traces a development gateway adds to errors (they name
 * the executor's own frames, which differ by construction; production sends none).
 */
function withoutStackTraces(body: string): unknown {
  const parsed = JSON.parse(body) as { errors?: { extensions?: Record<string, unknown> }[] };
  for (const error of parsed.errors ?? []) delete error.extensions?.['stacktrace'];
  return parsed;
}

// Two gateways on one database: needs a PostgreSQL server (each embedded gateway has its own database).
describe.skipIf(!inject('databaseUrl'))('compiled and interpreted execution', () => {
  let compiled: TestGateway;
  let interpreted: TestGateway;
  const tag = `exec-${randomUUID().slice(0, 8)}`;
  let deviceId: string;

  beforeAll(async () => {
    compiled = await startTestGateway({ env: { GRAPHQL_COMPILED_EXECUTION: 'true' } });
    interpreted = await startTestGateway({ env: { GRAPHQL_COMPILED_EXECUTION: 'false' } });
    const user = uniqueUpn();
    for (let i = 0; i < 3; i++) {
      const { enrollDevice } = await compiled.query(EnrollDeviceDocument, {
        input: byodInput({ userPrincipalName: user, deviceName: `${tag} ${i}` }),
      });
      if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
      deviceId = enrollDevice.device.id;
    }
  });
  afterAll(async () => {
    await compiled?.stop();
    await interpreted?.stop();
  });

  /** The status and body each gateway sends for the same request (same request id). */
  async function both(query: string, variables?: Record<string, unknown>) {
    const answers = await Promise.all(
      [compiled, interpreted].map(async (gateway) => {
        const response = await fetch(`${gateway.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${gateway.adminToken}`,
            'x-request-id': 'same-request',
          },
          body: JSON.stringify({ query, variables }),
        });
        return { status: response.status, body: withoutStackTraces(await response.text()) };
      }),
    );
    return { compiled: answers[0]!, interpreted: answers[1]! };
  }

  it('answers a page of devices with their users and the total the same way', async () => {
    const query = `query($filter: ManagedDeviceFilter) { managedDevices(first: 2, filter: $filter) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id deviceName platform managementState lastSyncDateTime managementCertificateExpirationDate user { userPrincipalName } } } } }`;
    const { compiled: a, interpreted: b } = await both(query, { filter: { search: tag } });
    expect(a).toEqual(b);
    expect(a.body).toMatchObject({
      data: { managedDevices: { totalCount: 3, pageInfo: { hasNextPage: true } } },
    });
  });

  it('sends the same typed errors, partial data and paths when a field fails', async () => {
    const { compiled: a, interpreted: b } = await both(
      `{ found: managedDevice(id: "${deviceId}") { id } malformed: managedDevice(id: "x") { id } }`,
    );
    expect(a).toEqual(b);
    expect(a.body).toMatchObject({
      data: { found: { id: deviceId }, malformed: null },
      errors: [{ path: ['malformed'], extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });

  it('propagates the failure of a non-null field up to the data the same way', async () => {
    const { compiled: a, interpreted: b } = await both(
      '{ catalog: enrollmentCatalog { platform } big: managedDevices(first: 501) { totalCount } }',
    );
    expect(a).toEqual(b);
    expect(a.body).toMatchObject({
      data: null,
      errors: [{ path: ['big'], extensions: { code: 'BAD_USER_INPUT' } }],
    });
  });

  it('refuses variables that do not coerce with the same words and status', async () => {
    const { compiled: a, interpreted: b } = await both(
      'query($first: Int!) { managedDevices(first: $first) { totalCount } }',
      { first: 'many' },
    );
    expect(a).toEqual(b);
    expect(a.status).toBe(400);
    expect(a.body).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('answers a typed refusal of a mutation as data the same way', async () => {
    const query =
      'mutation($input: CheckInInput!) { checkIn(input: $input) { __typename ... on UserError { code message } } }';
    const input = {
      deviceId: randomUUID(),
      certificateSerialNumber: '00',
      timestamp: new Date().toISOString(),
      nonce: 'n-' + randomUUID(),
      signature: 'AAAA',
      proofType: 'HMAC',
    };
    const { compiled: a, interpreted: b } = await both(query, { input });
    expect(a).toEqual(b);
  });
});
