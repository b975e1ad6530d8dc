import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import { sendTextFrame, textFrame } from './text-frame.js';

/** What ws writes for `send(data, { binary: false })` on a server socket without compression. */
function wsFrame(data: Buffer): Buffer {
  // ws's own framing (its Sender is exported, though its typings do not declare it).
  const { Sender } = ws as unknown as {
    Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
  };
  const list = Sender.frame(data, {
    fin: true,
    opcode: 1,
    mask: false,
    readOnly: false,
    rsv1: false,
  });
  return Buffer.concat(list);
}

describe('textFrame', () => {
  // Every header form of RFC 6455 (7-bit, 16-bit and 64-bit lengths) at and around its limits.
  it.each([0, 1, 125, 126, 127, 300, 65535, 65536, 70000])(
    'is the bytes ws frames for a text of %i bytes',
    (length) => {
      const text = Buffer.alloc(length, 'abcé');
      const cut = Math.floor(length / 3);
      const parts = [text.subarray(0, cut), text.subarray(cut, 2 * cut), text.subarray(2 * cut)];
      expect(textFrame(parts).equals(wsFrame(text))).toBe(true);
    },
  );
});

describe('sendTextFrame', () => {
  it('delivers each text, in order, as a text message, after and before frames ws writes itself', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await once(server, 'listening');
    const serverSocket = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: { text: string; binary: boolean }[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('message', (data, binary) => {
        received.push({ text: String(data), binary });
        if (received.length === 4) resolve();
      }),
    );
    await once(client, 'open');
    const socket = await serverSocket;
    // How many buffers each frame reached the socket in (ws's own sends: header and payload).
    const writes: number[] = [];
    const sender = (socket as unknown as { _sender: { sendFrame(list: Buffer[], cb?: unknown): void } })
      ._sender;
    const sendFrame = sender.sendFrame.bind(sender);
    sender.sendFrame = (list, cb) => {
      writes.push(list.length);
      sendFrame(list, cb);
    };
    socket.send('first');
    sendTextFrame(socket, [Buffer.from('{"id":"1","payload":'), Buffer.from('"été"'), Buffer.from('}')]);
    sendTextFrame(socket, [Buffer.from('x'.repeat(200))]);
    socket.send('last');
    await all;
    expect(received).toEqual([
      { text: 'first', binary: false },
      { text: '{"id":"1","payload":"été"}', binary: false },
      { text: 'x'.repeat(200), binary: false },
      { text: 'last', binary: false },
    ]);
    expect(writes).toEqual([2, 1, 1, 2]);
    client.close();
    server.close();
  });

  it('falls back to ws when the socket compresses (permessage-deflate negotiated)', async () => {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: { threshold: 0 },
    });
    await once(server, 'listening');
    const serverSocket = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const message = new Promise<string>((resolve) => client.once('message', (data) => resolve(String(data))));
    await once(client, 'open');
    const socket = await serverSocket;
    expect(socket.extensions).toContain('permessage-deflate');
    sendTextFrame(socket, [Buffer.from('compressed '), Buffer.from('text')]);
    expect(await message).toBe('compressed text');
    client.close();
    server.close();
  });
});
