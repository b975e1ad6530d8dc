import { CheckInDocument, DeviceCheckedInDocument } from '@mdm/schema';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { enrollDevice, signedCheckIn } from './support/device-credential.js';
import { useTestGateway } from './support/kit.js';

type Message = {
  id?: string;
  type: string;
  payload?: { data?: { deviceCheckedIn?: { deviceId: string; occurredAt: string } } };
};

/**
 * Shared subscriptions are written straight to the sockets (the payload serialised once per
 * event, the frame's id per subscriber). Spoken over a raw socket, so the frames themselves are
 * what is checked: each is an ordinary graphql-transport-ws `next` of its own operation id.
 */
describe('frames of shared subscriptions', () => {
  const gateway = useTestGateway();

  /** A socket past connection_init, collecting every message it receives. */
  async function connect(): Promise<{
    socket: WebSocket;
    messages: Message[];
    waitFor: (test: (m: Message[]) => boolean) => Promise<void>;
  }> {
    const socket = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: Message[] = [];
    const waiters: { test: (m: Message[]) => boolean; resolve: () => void }[] = [];
    socket.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      messages.push(JSON.parse(data.toString()) as Message);
      for (const waiter of waiters.splice(0)) {
        if (waiter.test(messages)) waiter.resolve();
        else waiters.push(waiter);
      }
    });
    const waitFor = (test: (m: Message[]) => boolean) =>
      test(messages)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`timed out; got ${JSON.stringify(messages)}`)),
              5_000,
            );
            waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
          });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${gateway.adminToken}` } }),
    );
    await waitFor((m) => m.some((x) => x.type === 'connection_ack'));
    return { socket, messages, waitFor };
  }

  it('sends each subscriber a next of its own id with the event, and nothing more once it completed', async () => {
    const { device, credential } = await enrollDevice(gateway);
    const subscribe = (id: string) =>
      JSON.stringify({
        id,
        type: 'subscribe',
        payload: { query: print(DeviceCheckedInDocument), variables: { filter: { deviceId: device.id } } },
      });
    const first = await connect();
    const second = await connect();
    first.socket.send(subscribe('a'));
    first.socket.send(subscribe('b'));
    second.socket.send(subscribe('a'));
    const nexts = (messages: Message[], id: string) =>
      messages.filter((m) => m.type === 'next' && m.id === id);
    const checkIn = () =>
      gateway.query(CheckInDocument, { input: signedCheckIn(credential, gateway.clock.now()) });
    // Subscriptions register asynchronously: check in until all three have an event.
    for (let i = 0; i < 50; i++) {
      await checkIn();
      gateway.clock.advance(1_000);
      if (
        nexts(first.messages, 'a').length &&
        nexts(first.messages, 'b').length &&
        nexts(second.messages, 'a').length
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const [messages, id] of [
      [first.messages, 'a'],
      [first.messages, 'b'],
      [second.messages, 'a'],
    ] as const) {
      const [next] = nexts(messages, id);
      expect(Object.keys(next!).sort()).toEqual(['id', 'payload', 'type']);
      expect(next!.payload).toMatchObject({ data: { deviceCheckedIn: { deviceId: device.id } } });
      expect(Object.keys(next!.payload!)).toEqual(['data']);
    }

    first.socket.send(JSON.stringify({ id: 'a', type: 'complete' }));
    await checkIn();
    const final = gateway.clock.now().toISOString();
    const hasFinal = (messages: Message[], id: string) =>
      nexts(messages, id).some((m) => m.payload?.data?.deviceCheckedIn?.occurredAt === final);
    await first.waitFor((m) => hasFinal(m, 'b'));
    await second.waitFor((m) => hasFinal(m, 'a'));
    expect(
      nexts(first.messages, 'b').filter((m) => m.payload?.data?.deviceCheckedIn?.occurredAt === final),
    ).toHaveLength(1);
    expect(hasFinal(first.messages, 'a')).toBe(false);
    first.socket.close();
    second.socket.close();
  });
});
