import { randomUUID } from 'node:crypto';
import { CloseCode } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketCloseCode } from '../../src/server/websocket.js';
import { enrollDevice } from '../support/device-credential.js';
import { codesOf, RawGraphQLSocket } from '../support/raw-graphql-ws.js';
import { scrape } from '../support/metrics.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const ENROLLED = 'subscription { deviceEnrolled { deviceId } }';
/**
 * A large answer, about 1.3 MB: the schema's types with their descriptions, under 15 aliases. A
 * few of them fill what the kernel buffers for a loopback socket that does not read (some MB).
 */
const LARGE = `{ ${Array.from(
  { length: 15 },
  (_, i) =>
    `a${i}: __schema { types { name description fields { name description args { name description } } inputFields { name description } enumValues { name description } } }`,
).join(' ')} }`;
const LARGE_QUERIES = 8;

/** The value of one counter series from the gateway's `/metrics` (0 when absent). */
async function metricValue(
  gateway: TestGateway,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const { samples } = await scrape(gateway.metricsUrl!);
  return (
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      ?.value ?? 0
  );
}

/**
 * Small, bounded versions of what a hostile or broken client does (thousands of subscriptions on
 * one socket, a socket that never reads, a storm of connections), each next to a well-behaved
 * client whose service must not change.
 */
describe('graphql-ws limits keep a well-behaved client served while others misbehave', () => {
  let gateway: TestGateway;
  let wellBehaved: RawGraphQLSocket;
  beforeAll(async () => {
    gateway = await startTestGateway({
      env: {
        WS_MAX_CONNECTIONS: '12',
        WS_MAX_CONNECTIONS_PER_TOKEN: '4',
        WS_MAX_OPERATIONS_PER_SOCKET: '30',
        WS_MAX_BUFFERED_BYTES: '4096',
        INTROSPECTION: 'true',
      },
    });
    wellBehaved = RawGraphQLSocket.withToken(gateway.url, await gateway.createToken('READER'));
    await wellBehaved.acknowledged();
    wellBehaved.subscribe('enrolled', ENROLLED);
  });
  afterAll(async () => {
    await wellBehaved.close();
    await gateway.stop();
  });

  /** The well-behaved client still gets answers and events on its socket, and HTTP answers. */
  async function wellBehavedIsServed(): Promise<void> {
    const id = randomUUID();
    wellBehaved.subscribe(id, '{ viewer { role } }');
    expect(await wellBehaved.answerOf(id)).toMatchObject({
      payload: { data: { viewer: { role: 'READER' } } },
    });
    const seen = wellBehaved.messages.filter((m) => m.id === 'enrolled').length;
    const { device } = await enrollDevice(gateway);
    expect(
      await wellBehaved.waitFor(
        (m) =>
          m.id === 'enrolled' &&
          (m.payload as { data?: { deviceEnrolled?: { deviceId?: string } } }).data?.deviceEnrolled
            ?.deviceId === device.id,
      ),
    ).toMatchObject({ type: 'next' });
    expect(wellBehaved.messages.filter((m) => m.id === 'enrolled').length).toBe(seen + 1);
  }

  it('refuses operations over WS_MAX_OPERATIONS_PER_SOCKET with TOO_MANY_OPERATIONS, keeping the socket and its subscriptions', async () => {
    const greedy = RawGraphQLSocket.withToken(gateway.url, await gateway.createToken('READER'));
    await greedy.acknowledged();
    for (let i = 0; i < 30; i++) greedy.subscribe(`s${i}`, ENROLLED);
    greedy.subscribe('over', ENROLLED);
    expect(codesOf(await greedy.answerOf('over'))).toEqual(['TOO_MANY_OPERATIONS']);
    // One completed makes room for one more.
    greedy.complete('s0');
    greedy.subscribe('room', '{ __typename }');
    expect(await greedy.answerOf('room')).toMatchObject({
      type: 'next',
      payload: { data: { __typename: 'Query' } },
    });
    expect(
      await metricValue(gateway, 'mdm_websocket_refusals_total', { reason: 'operations_per_socket' }),
    ).toBe(1);
    await wellBehavedIsServed();
    await greedy.close();
  });

  it('drops a socket that does not read once more than WS_MAX_BUFFERED_BYTES wait for it', async () => {
    const dropped = new Promise<void>((resolve) => {
      const counter = gateway.metrics.webSocketDrops;
      const inc = counter.inc.bind(counter);
      counter.inc = ((...args: Parameters<typeof inc>) => {
        inc(...args);
        resolve();
      }) as typeof counter.inc;
    });
    const slow = RawGraphQLSocket.withToken(gateway.url, await gateway.createToken('READER'));
    await slow.acknowledged();
    slow.socket.pause();
    for (let i = 0; i < LARGE_QUERIES; i++) slow.subscribe(`big${i}`, LARGE);
    await dropped;
    slow.socket.resume();
    await slow.closed;
    expect(slow.messages.filter((m) => m.type === 'next').length).toBeLessThan(LARGE_QUERIES);
    expect(await metricValue(gateway, 'mdm_websocket_drops_total', { reason: 'slow_reader' })).toBe(1);
    await wellBehavedIsServed();
  });

  it('closes connections over the per-token limit with 1008 and over the instance limit with 1013', async () => {
    const stormToken = await gateway.createToken('READER');
    const storm = Array.from({ length: 5 }, () => RawGraphQLSocket.withToken(gateway.url, stormToken));
    const overToken = await Promise.race(storm.map((s) => s.closed));
    expect(overToken.code).toBe(WebSocketCloseCode.PolicyViolation);
    // Open now: the well-behaved one and four of the storm. Two more tokens fill the instance.
    const others: RawGraphQLSocket[] = [];
    for (const secret of [await gateway.createToken('READER'), await gateway.createToken('READER')])
      for (let i = 0; i < 4; i++) others.push(RawGraphQLSocket.withToken(gateway.url, secret));
    const firstClosed = await Promise.race(others.map((s) => s.closed));
    expect(firstClosed.code).toBe(WebSocketCloseCode.TryAgainLater);
    expect(
      await metricValue(gateway, 'mdm_websocket_refusals_total', { reason: 'connections_per_token' }),
    ).toBe(1);
    expect(
      await metricValue(gateway, 'mdm_websocket_refusals_total', { reason: 'connections' }),
    ).toBeGreaterThan(0);
    await wellBehavedIsServed();
    await Promise.all([...storm, ...others].map((s) => s.close()));
    expect(CloseCode.Forbidden).toBe(4403);
  });
});
