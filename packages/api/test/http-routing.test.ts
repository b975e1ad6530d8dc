import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpEdge } from '../src/server/http-handler.js';
import type { ProtocolRequest, ProtocolRoute } from '../src/server/protocol-route.js';
import { createRateLimit } from '../src/server/rate-limit.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** A dashboard build as Vite lays it out: index.html, content-hashed assets, and their source maps. */
async function dashboardBuild(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mdm-dashboard-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/index-DYG3iY5e.js"></script></head><body><div id="root"></div></body></html>',
  );
  await writeFile(
    join(dir, 'assets', 'index-DYG3iY5e.js'),
    `export const app = ${JSON.stringify('x'.repeat(8_000))};\n`,
  );
  await writeFile(join(dir, 'assets', 'index-DYG3iY5e.js.map'), '{"version":3,"sources":["src/main.tsx"]}');
  return dir;
}

/** The body bytes as they came over the wire, undecoded. */
function rawGet(url: string, headers: Record<string, string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks)));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('routing of the HTTP edge', () => {
  let gateway: TestGateway;
  let dashboardDir: string;
  beforeAll(async () => {
    dashboardDir = await dashboardBuild();
    gateway = await startTestGateway({ dashboardDir });
  });
  afterAll(async () => {
    await gateway.stop();
    await rm(dashboardDir, { recursive: true, force: true });
  });

  it('serves the dashboard at / with no-cache, so a new build is picked up at once', async () => {
    const response = await fetch(`${gateway.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<div id="root">');
  });

  it('serves content-hashed assets as immutable for a year, compressed as the client accepts', async () => {
    const url = `${gateway.url}/assets/index-DYG3iY5e.js`;
    const gzip = await fetch(url, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.status).toBe(200);
    expect(gzip.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    // fetch decodes the body itself; ask for the raw bytes through a second, uncompressed request.
    const plain = await (await fetch(url, { headers: { 'accept-encoding': 'identity' } })).text();
    expect(plain).toContain('export const app');
    const br = await fetch(url, { headers: { 'accept-encoding': 'br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(await br.text()).toBe(plain);
    // On the wire (fetch decodes by itself): far fewer bytes than the 8 KB file, the same text.
    const wire = await rawGet(url, { 'accept-encoding': 'gzip' });
    expect(wire.length).toBeLessThan(1_000);
    expect(gunzipSync(wire).toString()).toBe(plain);
  });

  it('never serves source maps', async () => {
    const response = await fetch(`${gateway.url}/assets/index-DYG3iY5e.js.map`);
    expect(response.status).toBe(404);
  });

  it('answers any other path with a JSON 404, never the dashboard page', async () => {
    for (const path of [
      '/nope',
      '/devices',
      '/crl',
      '/mdm/unknown',
      '/assets/missing-AAAAAAAA.js',
      '/.env',
    ]) {
      const response = await fetch(`${gateway.url}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([
        path,
        404,
        'application/json; charset=utf-8',
      ]);
      expect(await response.json()).toEqual({ error: 'not found' });
    }
    const put = await fetch(`${gateway.url}/mdm/unknown`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(404);
    // A device protocol path answers its own method only: GET on Apple's check-in URL is a 405.
    const get = await fetch(`${gateway.url}/mdm/checkin`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'PUT']);
  });

  it('answers a wrong method on a known path with 405 and the allowed methods', async () => {
    const graphql = await fetch(`${gateway.url}/graphql`, { method: 'PUT', body: '{}' });
    expect([graphql.status, graphql.headers.get('allow'), await graphql.json()]).toEqual([
      405,
      'GET, POST',
      { error: 'method not allowed' },
    ]);
    const health = await fetch(`${gateway.url}/healthz`, { method: 'POST' });
    expect([health.status, health.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const page = await fetch(`${gateway.url}/`, { method: 'DELETE' });
    expect([page.status, page.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});

describe('device protocol routes on the edge', () => {
  let app: FastifyInstance;
  let url: string;
  const seen: ProtocolRequest[] = [];
  const echo: ProtocolRoute = {
    method: 'POST',
    path: '/test/echo',
    bodyLimitBytes: 64,
    async handle(request) {
      seen.push(request);
      return {
        status: 201,
        headers: { 'content-type': 'application/octet-stream', 'x-echo': request.query.get('op') ?? '' },
        body: Buffer.concat([Buffer.from('got:'), request.body]),
      };
    },
  };
  const get: ProtocolRoute = {
    method: 'GET',
    path: '/test/echo',
    async handle(request) {
      return { status: 200, body: `get ${request.query.get('operation')}` };
    },
  };

  beforeAll(async () => {
    app = await createHttpEdge({
      apollo: () => undefined,
      createContext: () => {
        throw new Error('no GraphQL in this test');
      },
      authenticate: async () => null,
      rateLimit: createRateLimit({ perTokenPerMinute: 0, anonymousPerMinute: 0, deviceProtocolPerMinute: 0 }),
      isReady: async () => true,
      bodyLimitBytes: 1024,
      authenticatedGraphQLBodyLimitBytes: 1024,
      maxTokens: 100,
      logger: pino({ level: 'silent' }),
      protocolRoutes: [echo, get],
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => app.close());

  it('hands the raw body of any content type, the query, headers and request id to the handler', async () => {
    const body = Buffer.from([0x30, 0x82, 0x00, 0xff, 0x00, 0x7f]);
    const response = await fetch(`${url}/test/echo?op=PKIOperation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-pki-message', 'x-request-id': 'proto-1', 'X-Custom': 'A' },
      body,
    });
    expect([response.status, response.headers.get('x-echo'), response.headers.get('x-request-id')]).toEqual([
      201,
      'PKIOperation',
      'proto-1',
    ]);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.concat([Buffer.from('got:'), body]));
    const request = seen.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: '/test/echo', requestId: 'proto-1' });
    expect(request.headers['x-custom']).toBe('A');
    expect(request.clientAddress).toMatch(/127\.0\.0\.1/);
  });

  it('reads a body without a content type, and a plist, as bytes too', async () => {
    const plist = '<?xml version="1.0"?><plist version="1.0"><dict/></plist>';
    const typed = await fetch(`${url}/test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-apple-aspen-mdm-checkin' },
      body: plist,
    });
    expect(await typed.text()).toBe(`got:${plist}`);
    const untyped = await fetch(`${url}/test/echo`, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
    expect(Buffer.from(await untyped.arrayBuffer())).toEqual(Buffer.from([...Buffer.from('got:'), 1, 2, 3]));
  });

  it("refuses a body over the route's own limit with the typed 413 before the handler runs", async () => {
    const before = seen.length;
    const response = await fetch(`${url}/test/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-pki-message' },
      body: Buffer.alloc(65),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      errors: [{ message: 'request body exceeds 64 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    expect(seen.length).toBe(before);
  });

  it('serves a GET on the same path, and answers another method with 405 naming both', async () => {
    expect(await (await fetch(`${url}/test/echo?operation=GetCACaps`)).text()).toBe('get GetCACaps');
    const put = await fetch(`${url}/test/echo`, { method: 'PUT', body: 'x' });
    expect([put.status, put.headers.get('allow')]).toEqual([405, 'GET, POST']);
  });
});
