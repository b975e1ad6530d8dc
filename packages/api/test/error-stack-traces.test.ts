import type { GraphQLFormattedError } from 'graphql';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../src/testing/gateway-process.js';
import { LogCapture } from './support/log-capture.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** Every error a client can receive, over HTTP and over graphql-ws (`next` payloads and `error` messages). */
async function errorsOf(
  gateway: TestGateway,
  ws: Client,
  query: string,
  variables?: Record<string, unknown>,
) {
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  const http = ((await response.json()) as { errors?: GraphQLFormattedError[] }).errors ?? [];
  const overWs = await new Promise<GraphQLFormattedError[]>((resolve) => {
    const errors: GraphQLFormattedError[] = [];
    ws.subscribe(
      { query, variables },
      {
        next: (result) => errors.push(...(result.errors ?? [])),
        error: (e) => resolve([...errors, ...(Array.isArray(e) ? (e as GraphQLFormattedError[]) : [])]),
        complete: () => resolve(errors),
      },
    );
  });
  return { http, ws: overWs };
}

describe('in development mode no error sends its stack trace to the client', () => {
  const capture = new LogCapture();
  let gateway: TestGateway;
  let database: ScratchDatabase | undefined;
  let ws: Client;
  beforeAll(async () => {
    // A database of its own whose enrollment_restriction table is gone: a query on it fails
    // inside the gateway, an error the client did not cause.
    const serverUrl = inject('databaseUrl');
    database = serverUrl ? await createScratchDatabase(serverUrl, 'mdm_stack_traces') : undefined;
    gateway = await startTestGateway({
      env: { NODE_ENV: 'development', ...(database ? { DATABASE_URL: database.url } : {}) },
      logger: capture.logger(),
    });
    await gateway.sql('alter table "enrollment_restriction" rename to "enrollment_restriction_gone"');
    ws = gateway.wsClient();
  });
  afterAll(async () => {
    await gateway.stop();
    await database?.drop();
  });

  it.each([
    ['a validation error', '{ managedDevic { id } }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a syntax error', '{ managedDevices( }', undefined, 'GRAPHQL_PARSE_FAILED'],
    [
      'a variable that does not coerce',
      'query($n: Int) { managedDevices(first: $n) { totalCount } }',
      { n: 'x' },
      'BAD_USER_INPUT',
    ],
    ['a domain refusal', '{ managedDevice(id: "not-an-id") { id } }', undefined, 'BAD_USER_INPUT'],
    ['an unexpected error', '{ enrollmentRestrictions { id } }', undefined, 'INTERNAL_SERVER_ERROR'],
  ])(
    'answers %s with its code and request id but no stacktrace, over HTTP and graphql-ws',
    async (_, query, variables, code) => {
      const { http, ws: overWs } = await errorsOf(gateway, ws, query, variables);
      for (const errors of [http, overWs]) {
        expect(errors.length).toBeGreaterThan(0);
        for (const error of errors) {
          expect(error.extensions).toMatchObject({
            requestId: expect.any(String),
            ...(code ? { code } : {}),
          });
          expect(error.extensions).not.toHaveProperty('stacktrace');
        }
      }
      expect(JSON.stringify([http, overWs])).not.toMatch(/node_modules|\.ts:\d|\.js:\d|at async/);
    },
  );

  it('keeps the stack of an unexpected error in the log, under the request id the client received', async () => {
    const { http } = await errorsOf(gateway, ws, '{ enrollmentRestrictions { id } }');
    const requestId = http[0]?.extensions?.['requestId'];
    const line = await capture.waitFor(
      (l) => l['msg'] === 'unexpected error' && l['requestId'] === requestId,
    );
    expect((line['err'] as { stack?: string }).stack).toMatch(/enrollment_restriction[\s\S]*\n\s+at /);
  });
});
