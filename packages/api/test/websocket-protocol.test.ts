import { CloseCode } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/**
 * The graphql-transport-ws close codes, spoken over a raw socket (a well-behaved client never
 * triggers them). 4403 (Forbidden) arrives with the token authentication of connection_init.
 */
describe('graphql-ws protocol close codes', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    // A short init timeout so 4408 arrives quickly; the test waits for the close, never for time.
    gateway = await startTestGateway({ env: { WS_CONNECTION_INIT_TIMEOUT_MS: '200' } });
  });
  afterAll(() => gateway.stop());

  /** Opens a raw socket, runs `script` once it is open, and resolves with the close code and reason. */
  function closeOf(
    script: (socket: WebSocket, acked: Promise<void>) => void | Promise<void>,
  ): Promise<{ code: number; reason: string }> {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    const acked = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') resolve();
      }),
    );
    socket.on('open', () => void script(socket, acked));
    return closed;
  }
  const send = (socket: WebSocket, message: unknown) =>
    socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  const subscribeMessage = (id: string) => ({
    id,
    type: 'subscribe',
    payload: { query: 'subscription { fleetStats { total } }' },
  });

  it('closes with 4400 Bad Request on a message that is not a protocol message', async () => {
    const { code } = await closeOf((socket) => send(socket, { type: 'not-a-message-type' }));
    expect(code).toBe(CloseCode.BadRequest);
    expect(code).toBe(4400);
  });

  it('closes with 4401 Unauthorized on a subscribe before connection_init was acknowledged', async () => {
    const { code } = await closeOf((socket) => send(socket, subscribeMessage('1')));
    expect(code).toBe(CloseCode.Unauthorized);
    expect(code).toBe(4401);
  });

  it('closes with 4408 when connection_init does not arrive within WS_CONNECTION_INIT_TIMEOUT_MS', async () => {
    const { code } = await closeOf(() => {});
    expect(code).toBe(CloseCode.ConnectionInitialisationTimeout);
    expect(code).toBe(4408);
  });

  it('closes with 4409 when a second subscription reuses a live operation id', async () => {
    const { code, reason } = await closeOf(async (socket, acked) => {
      send(socket, { type: 'connection_init', payload: { authorization: `Bearer ${gateway.adminToken}` } });
      await acked;
      send(socket, subscribeMessage('dup'));
      send(socket, subscribeMessage('dup'));
    });
    expect(code).toBe(CloseCode.SubscriberAlreadyExists);
    expect(code).toBe(4409);
    expect(reason).toContain('dup');
  });

  it('closes with 4429 on a second connection_init', async () => {
    const { code } = await closeOf(async (socket, acked) => {
      send(socket, { type: 'connection_init', payload: { authorization: `Bearer ${gateway.adminToken}` } });
      await acked;
      send(socket, { type: 'connection_init', payload: { authorization: `Bearer ${gateway.adminToken}` } });
    });
    expect(code).toBe(CloseCode.TooManyInitialisationRequests);
    expect(code).toBe(4429);
  });
});
