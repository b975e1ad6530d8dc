import { EnrollmentCatalogDocument, ImportGraphManagedDevicesDocument } from '@mdm/schema';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suppliedCaEnv } from './support/test-ca.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

describe('the HTTP edge', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      env: { REQUEST_BODY_LIMIT_BYTES: '4096', GRAPHQL_AUTHENTICATED_BODY_LIMIT_BYTES: '8192' },
    });
  });
  afterAll(() => gateway.stop());

  it('answers /healthz while the process is up', async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    expect([response.status, await response.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('answers /readyz with 200 once the database is reachable and migrated', async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    expect([response.status, await response.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('returns a request id with every response, keeping a well-formed one the caller sent', async () => {
    const generated = await fetch(`${gateway.url}/healthz`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const supplied = await fetch(`${gateway.url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(supplied.headers.get('x-request-id')).toBe('trace-123');
    const hostile = await fetch(`${gateway.url}/healthz`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(hostile.headers.get('x-request-id')).not.toBe('a b<script>');
  });

  it('puts the request id into GraphQL error responses', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'err-42',
        authorization: `Bearer ${gateway.adminToken}`,
      },
      body: JSON.stringify({ query: '{ managedDevice(id: "x") { id } }' }),
    });
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', requestId: 'err-42' });
  });

  it('refuses a body over the configured limit with 413 before parsing it', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(5000) }),
    });
    expect(response.status).toBe(413);
    expect(
      ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses an anonymous chunked body (no Content-Length) once it passes the limit', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 8) controller.enqueue(chunk);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      errors: [{ message: 'request body exceeds 4096 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
  });

  it('lets a request with a valid token send up to the authenticated limit, and no more', async () => {
    const post = (padding: number) =>
      fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
        body: JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(padding) }),
      });
    const within = await post(6000);
    expect([within.status, await within.json()]).toEqual([200, { data: { __typename: 'Query' } }]);
    const over = await post(9000);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({
      errors: [{ message: 'request body exceeds 8192 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
  });

  it('rejects a simple GET query without a preflight header (CSRF prevention) and accepts it with one', async () => {
    const url = `${gateway.url}/graphql?query=${encodeURIComponent(print(EnrollmentCatalogDocument))}`;
    expect((await fetch(url)).status).toBe(400);
    const allowed = await fetch(url, {
      headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${gateway.adminToken}` },
    });
    expect(allowed.status).toBe(200);
  });

  it('refuses batched HTTP requests', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('answers unknown paths with 404', async () => {
    expect((await fetch(`${gateway.url}/nope`)).status).toBe(404);
  });
});

/**
 * A file of exactly `bytes` bytes that parses as JSON but is no Graph list response: strings of
 * ten characters, so that sending it as a JSON string variable adds a backslash before each quote
 * (15 %, about what Graph's compact JSON gets), and the import refuses it after parsing.
 */
function graphSizedFile(bytes: number): string {
  const head = '{"value":1,"padding":[';
  const item = '"xxxxxxxxxx",';
  const count = Math.floor((bytes - head.length - 5) / item.length);
  const body = `${head}${item.repeat(count)}"x"]}`;
  return body + ' '.repeat(bytes - body.length);
}

describe('body limits with their defaults', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.stop());

  const MiB = 1024 * 1024;
  const importFile = async (content: string) => {
    const response = await gateway.request(ImportGraphManagedDevicesDocument, {
      file: { fileName: 'graph-export.json', content },
    });
    return { status: response.status, result: response.data?.importGraphManagedDevices };
  };

  it('takes the documented 20 MiB Graph export to the import, and one byte more gets its typed refusal', async () => {
    const largest = await importFile(graphSizedFile(20 * MiB));
    expect(largest.status).toBe(200);
    expect(largest.result).toMatchObject({
      __typename: 'ImportRejectedError',
      fileError: { code: 'INVALID_DOCUMENT' },
    });
    const over = await importFile(graphSizedFile(20 * MiB + 1));
    expect(over.status).toBe(200);
    expect(over.result).toMatchObject({
      __typename: 'ImportRejectedError',
      fileError: { code: 'FILE_TOO_LARGE', limit: 20 * MiB, actual: 20 * MiB + 1 },
    });
  });

  it('refuses the same body from a caller without a token with 413 before parsing it', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(6 * MiB) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      errors: [
        { message: `request body exceeds ${6 * MiB} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } },
      ],
    });
  });
});

describe('production mode', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    // Production requires a sealing secret or a supplied CA; this one is supplied.
    gateway = await startTestGateway({ env: { NODE_ENV: 'production', ...(await suppliedCaEnv()) } });
  });
  afterAll(() => gateway.stop());

  it('turns introspection off unless enabled', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    });
    const body = (await response.json()) as { errors?: { extensions: { code: string } }[] };
    expect(body.errors?.[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('sends no stack traces', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
      body: JSON.stringify({ query: '{ managedDevice(id: "x") { id } }' }),
    });
    const text = await response.text();
    expect(text).not.toContain('stacktrace');
    expect(text).toContain('BAD_USER_INPUT');
  });
});
