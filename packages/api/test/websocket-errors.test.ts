import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { createScratchDatabase } from '../src/testing/gateway-process.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Topic } from '../src/events/topics.js';
import { EventCollector } from './support/deferred.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** What one graphql-ws operation answered: its `next` payloads, then the `error` message's errors if it failed. */
interface WsAnswer {
  results: FormattedExecutionResult[];
  errors?: GraphQLFormattedError[];
}

/** Runs one operation over graphql-ws to its end (`complete` or `error`). */
function overWebSocket(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
  operationName?: string,
): Promise<WsAnswer> {
  return new Promise((resolve) => {
    const results: FormattedExecutionResult[] = [];
    client.subscribe(
      { query, variables, operationName },
      {
        next: (result) => results.push(result as FormattedExecutionResult),
        error: (errors) => resolve({ results, errors: errors as GraphQLFormattedError[] }),
        complete: () => resolve({ results }),
      },
    );
  });
}

/** POSTs one document and returns its status and decoded body. */
async function overHttp(
  gateway: TestGateway,
  query: string,
  variables?: Record<string, unknown>,
  operationName?: string,
): Promise<{ status: number; body: { data?: unknown; errors?: GraphQLFormattedError[] } }> {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
    body: JSON.stringify({ query, variables, operationName }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: GraphQLFormattedError[] },
  };
}

/** An error with its request id replaced by a marker (ids differ per request), for comparing HTTP and WebSocket. */
function withAnyRequestId(error: GraphQLFormattedError | undefined): unknown {
  expect(error?.extensions?.['requestId']).toEqual(expect.any(String));
  return { ...error, extensions: { ...error?.extensions, requestId: 'any' } };
}

/**
 * A query whose SQL fails in PostgreSQL: an unexpected error. Its table is renamed away in the
 * gateway's own database (see {@link startBrokenGateway}), so no other test file notices.
 */
const FAILING_QUERY = '{ enrollmentRestrictions { id } }';

/**
 * A gateway on a database of its own (on the run's PostgreSQL server; without one, each test
 * gateway already has its own embedded database) whose `enrollment_restriction` table is gone.
 */
async function startBrokenGateway(
  env: Record<string, string> = {},
): Promise<TestGateway & { dropDatabase(): Promise<void> }> {
  const runDatabaseUrl = inject('databaseUrl');
  const database = runDatabaseUrl ? await createScratchDatabase(runDatabaseUrl, 'mdm_ws_errors') : undefined;
  if (database) env = { ...env, DATABASE_URL: database.url };
  const dropDatabase = async () => database?.drop();
  const gateway = await startTestGateway({ env });
  await gateway.sql('alter table "enrollment_restriction" rename to "enrollment_restriction_gone"');
  return Object.assign(gateway, { dropDatabase });
}

describe('in production, graphql-ws answers errors exactly as HTTP does', () => {
  let gateway: Awaited<ReturnType<typeof startBrokenGateway>>;
  beforeAll(async () => {
    gateway = await startBrokenGateway({ NODE_ENV: 'production' });
  });
  afterAll(async () => {
    await gateway.stop();
    await gateway.dropDatabase();
  });

  it('masks an unexpected execution error of a query as INTERNAL_SERVER_ERROR with a request id, as over HTTP', async () => {
    const ws = await overWebSocket(gateway.wsClient(), FAILING_QUERY);
    const http = await overHttp(gateway, FAILING_QUERY);
    expect(ws.errors).toBeUndefined();
    expect(ws.results).toHaveLength(1);
    const [error] = ws.results[0]!.errors ?? [];
    expect(error?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(ws.results)).not.toMatch(/enrollment_restriction|relation|select|stacktrace/i);
    expect(withAnyRequestId(error)).toEqual(withAnyRequestId(http.body.errors?.[0]));
  });

  it('refuses introspection with GRAPHQL_VALIDATION_FAILED and INTROSPECTION_DISABLED, as over HTTP', async () => {
    const query = '{ __schema { types { name } } }';
    const ws = await overWebSocket(gateway.wsClient(), query);
    const http = await overHttp(gateway, query);
    expect(ws.results).toEqual([]);
    expect(ws.errors?.[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      validationErrorCode: 'INTROSPECTION_DISABLED',
    });
    expect(ws.errors?.map(withAnyRequestId)).toEqual(http.body.errors?.map(withAnyRequestId));
  });

  it('gives no "Did you mean" suggestions in validation errors, as over HTTP', async () => {
    const query = '{ managedDevic { id } }';
    const ws = await overWebSocket(gateway.wsClient(), query);
    const http = await overHttp(gateway, query);
    expect(ws.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(ws.errors)).not.toMatch(/did you mean/i);
    expect(ws.errors?.map(withAnyRequestId)).toEqual(http.body.errors?.map(withAnyRequestId));
  });

  it('answers variables that do not coerce with BAD_USER_INPUT, as over HTTP', async () => {
    const query =
      'query Methods($platform: DevicePlatform!) { enrollmentMethods(platform: $platform) { method } }';
    const ws = await overWebSocket(gateway.wsClient(), query, { platform: 'NOKIA' });
    const http = await overHttp(gateway, query, { platform: 'NOKIA' });
    expect(ws.results[0]?.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(ws.results[0]?.errors?.map(withAnyRequestId)).toEqual(http.body.errors?.map(withAnyRequestId));
  });

  it('answers an operation name the document does not define with OPERATION_RESOLUTION_FAILURE, as over HTTP', async () => {
    const query = 'query A { __typename } query B { __typename }';
    for (const operationName of ['C', undefined]) {
      const ws = await overWebSocket(gateway.wsClient(), query, undefined, operationName);
      const http = await overHttp(gateway, query, undefined, operationName);
      expect(ws.errors?.[0]?.extensions?.['code']).toBe('OPERATION_RESOLUTION_FAILURE');
      expect(ws.errors?.map(withAnyRequestId)).toEqual(http.body.errors?.map(withAnyRequestId));
    }
  });

  it('formats the errors of a shared subscription result once for every subscriber, masked and with a request id', async () => {
    // An event whose date cannot be serialised makes the execution of deviceRemoved fail.
    const query = `subscription { deviceRemoved(filter: { deviceId: "${randomUUID()}" }) { deviceId occurredAt } }`;
    const deviceId = /deviceId: "([^"]+)"/.exec(query)![1]!;
    const collectors = [0, 1].map(
      () =>
        new EventCollector(gateway.wsClient().iterate({ query }) as AsyncIterable<FormattedExecutionResult>),
    );
    const badEvent = {
      topic: Topic.DeviceRemoved,
      payload: {
        deviceId,
        platform: 'ANDROID',
        managedDeviceOwnerType: 'COMPANY',
        enrollmentMethod: 'X',
        userPrincipalName: null,
        occurredAt: 'not a date',
      },
    };
    for (const collector of collectors)
      await collector.prime(() => gateway.events.publishCommitted([badEvent as never]));
    const firsts = collectors.map((c) => c.received.at(-1)!);
    for (const result of firsts) {
      expect(result.errors?.[0]?.extensions).toEqual({
        code: 'INTERNAL_SERVER_ERROR',
        requestId: expect.any(String),
      });
      expect(JSON.stringify(result)).not.toMatch(/invalid date|DateTime|stacktrace/i);
    }
  });
});

describe('graphql-ws refusals carry an error code in every mode', () => {
  let gateway: Awaited<ReturnType<typeof startBrokenGateway>>;
  beforeAll(async () => {
    gateway = await startBrokenGateway();
  });
  afterAll(async () => {
    await gateway.stop();
    await gateway.dropDatabase();
  });

  it('gives validation errors GRAPHQL_VALIDATION_FAILED and a request id, suggestions kept outside production', async () => {
    const ws = await overWebSocket(gateway.wsClient(), '{ managedDevic { id } }');
    expect(ws.errors?.[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      requestId: expect.any(String),
    });
    expect(ws.errors?.[0]?.message).toMatch(/did you mean/i);
  });

  it('gives syntax errors GRAPHQL_PARSE_FAILED, as over HTTP', async () => {
    const ws = await overWebSocket(gateway.wsClient(), '{ managedDevices( }');
    const http = await overHttp(gateway, '{ managedDevices( }');
    expect(ws.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');
    expect(http.body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');
    expect(ws.errors?.[0]?.message).toBe(http.body.errors?.[0]?.message);
  });

  it('masks unexpected execution errors outside production too, as over HTTP', async () => {
    const ws = await overWebSocket(gateway.wsClient(), FAILING_QUERY);
    expect(ws.results[0]?.errors?.[0]?.extensions).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      requestId: expect.any(String),
    });
    expect(ws.results[0]?.errors?.[0]?.message).not.toMatch(/enrollment_restriction|relation/i);
  });

  it('serves introspection where the configuration allows it', async () => {
    const ws = await overWebSocket(gateway.wsClient(), '{ __schema { queryType { name } } }');
    expect(ws.results).toEqual([{ data: { __schema: { queryType: { name: 'Query' } } } }]);
  });
});

describe('a subscription sent over HTTP is refused before it runs', () => {
  for (const compiled of ['true', 'false']) {
    describe(`with GRAPHQL_COMPILED_EXECUTION=${compiled}`, () => {
      let gateway: TestGateway;
      beforeAll(async () => {
        gateway = await startTestGateway({ env: { GRAPHQL_COMPILED_EXECUTION: compiled } });
      });
      afterAll(() => gateway.stop());

      for (const query of [
        'subscription { fleetStats { byPlatform { key } } }',
        'subscription { deviceCheckedIn { deviceId } }',
      ]) {
        it(`answers ${query} with HTTP 400 BAD_REQUEST pointing to graphql-ws, and no data`, async () => {
          const { status, body } = await overHttp(gateway, query);
          expect(status).toBe(400);
          expect(body.data).toBeUndefined();
          expect(body.errors).toHaveLength(1);
          expect(body.errors?.[0]?.extensions).toMatchObject({
            code: 'BAD_REQUEST',
            requestId: expect.any(String),
          });
          expect(body.errors?.[0]?.message).toMatch(/graphql-ws.*\/graphql/);
        });
      }
    });
  }
});
