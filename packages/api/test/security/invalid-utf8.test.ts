import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('a request body that is not UTF-8 is refused, never stored as U+FFFD', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.stop());

  /** `createApiToken` with `name` spliced in as raw bytes (a lone 0xFF, an overlong '/', a truncated sequence). */
  const bodyWithName = (name: Buffer) =>
    Buffer.concat([
      Buffer.from(
        JSON.stringify({
          query: 'mutation($n: String!) { createApiToken(input: { name: $n, role: READER }) { __typename } }',
          variables: { n: '@@' },
        }).split('"@@"')[0]!,
      ),
      Buffer.from('"'),
      name,
      Buffer.from('"}}'),
    ]);

  it.each([
    ['a lone 0xFF byte', [0xff]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a truncated three-byte sequence', [0xe2, 0x82]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
  ])('%s: HTTP 400 BAD_REQUEST, and no token is created', async (_name, bytes) => {
    const name = Buffer.concat([Buffer.from(`utf8-${randomUUID()}-`), Buffer.from(bytes)]);
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
      body: bodyWithName(name),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    const prefix = name.subarray(0, name.length - bytes.length).toString();
    expect(await gateway.sql('select id from api_token where name like ?', [`${prefix}%`])).toEqual([]);
  });

  it('the same bytes well-formed (U+FFFD itself, sent as UTF-8) are ordinary text', async () => {
    const name = `utf8-${randomUUID()}-\uFFFD`;
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
      body: bodyWithName(Buffer.from(name)),
    });
    expect(await response.json()).toMatchObject({
      data: { createApiToken: { __typename: 'CreateApiTokenSuccess' } },
    });
  });

  it('over graphql-ws, a text frame that is not UTF-8 closes the connection with 1007', async () => {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('error', () => {});
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
  });
});
