import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogCapture } from './support/log-capture.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

describe('request logs', () => {
  const capture = new LogCapture();
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ logger: pino({ level: 'info' }, capture) });
  });
  afterAll(() => gateway.stop());

  it('writes one JSON line per request carrying the request id that the error response returned', async () => {
    const response = await gateway.request(
      parse('query Broken { noSuchField }') as TypedDocumentNode<unknown, Record<string, never>>,
      undefined,
      {
        authorization: 'Bearer very-secret-token',
      },
    );
    const requestId = response.errors?.[0]?.extensions?.['requestId'];
    expect(typeof requestId).toBe('string');
    expect(response.headers.get('x-request-id')).toBe(requestId);

    const line = await capture.waitFor((l) => l['msg'] === 'request' && l['requestId'] === requestId);
    expect(line).toMatchObject({
      method: 'POST',
      path: '/graphql',
      status: 400,
      outcome: 'error',
      errorCodes: ['GRAPHQL_VALIDATION_FAILED'],
    });
    expect(typeof line['durationMs']).toBe('number');
    // The presented token is unknown, so no role; the token itself is never logged.
    expect(line['role']).toBeUndefined();
    expect(capture.lines.filter((l) => l['msg'] === 'request' && l['requestId'] === requestId)).toHaveLength(
      1,
    );
    expect(capture.raw.join('')).not.toContain('very-secret-token');
  });

  it('logs a successful operation with its name, type and outcome ok', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'log-ok-1',
        authorization: `Bearer ${gateway.adminToken}`,
      },
      body: JSON.stringify({
        query: 'query Platforms { enrollmentCatalog { platform } }',
        operationName: 'Platforms',
      }),
    });
    expect(response.status).toBe(200);
    const line = await capture.waitFor((l) => l['msg'] === 'request' && l['requestId'] === 'log-ok-1');
    expect(line).toMatchObject({
      operationName: 'Platforms',
      operationType: 'query',
      status: 200,
      outcome: 'ok',
      role: 'ADMIN',
    });
    expect(JSON.stringify(line)).not.toContain(gateway.adminToken);
  });

  it('logs a refusal the client caused (a malformed device id) as a request, never as an unexpected error', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'log-refused-1',
        authorization: `Bearer ${gateway.adminToken}`,
      },
      body: JSON.stringify({ query: 'query Refused { mdmCertificates(deviceId: "not-a-uuid") { id } }' }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await capture.waitFor((l) => l['msg'] === 'request' && l['requestId'] === 'log-refused-1');
    expect(
      capture.lines.filter((l) => l['msg'] === 'unexpected error' && l['requestId'] === 'log-refused-1'),
    ).toEqual([]);
  });
});
