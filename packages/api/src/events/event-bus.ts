import {
  DroppingBuffer,
  Repeater,
  type PubSub,
  type PubSubEvent,
  type PubSubEventTarget,
} from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { setMaxListeners } from 'node:events';
import { Redis } from 'ioredis';
import type { PendingEvent, TopicPayloads } from './topics.js';

/**
 * Events buffered per subscription while its consumer (a graphql-ws socket) is busy. Beyond this a
 * lagging subscriber loses the newest events instead of growing without bound. Why not the
 * library's own pub/sub: its per-subscription queue throws (RepeaterOverflowError, which
 * surfaces as an uncaught exception) once 1,024 events are pending, and one sweep can publish
 * hundreds of thousands.
 */
export const SUBSCRIBER_BUFFER = 16_384;
/** Events published between two yields to the event loop, so subscribers drain as a batch goes out. */
const PUBLISH_CHUNK = 512;

/**
 * The gateway's pub/sub: in-process by default, Redis pub/sub when `redisUrl` is given so
 * that every instance sees every event. Services publish only after their transaction commits.
 */
export interface EventBus {
  /** The pub/sub handed to type-graphql's `@Subscription({ topics })`. */
  readonly pubSub: PubSub<TopicPayloads>;
  /**
   * Publishes events whose transaction has committed, in order. The first PUBLISH_CHUNK go out
   * synchronously; larger batches yield to the event loop between chunks (await the promise
   * to know when the last one went out).
   */
  publishCommitted(events: readonly PendingEvent[]): Promise<void>;
  /**
   * Calls `listener` for every event of `topic` (from any instance), without queueing: for
   * in-process consumers that only need to know that something happened (fleet statistics).
   * @returns a function that removes the listener
   */
  onEvent(topic: PendingEvent['topic'], listener: (payload: unknown) => void): () => void;
  /**
   * Whether this instance has a live subscription (a GraphQL subscription's stream) to `topic`:
   * work done on arrival for subscribers only (PerEventWork's loads) is skipped when nobody listens.
   */
  hasSubscribers(topic: PendingEvent['topic']): boolean;
  /** Closes the Redis connections, if any. */
  close(): Promise<void>;
}

/**
 * Creates the event bus.
 * @param redisUrl `redis://` URL; unset keeps events inside this process
 * @param channelPrefix prepended to every Redis channel (EVENTS_CHANNEL_PREFIX), so deployments
 *   or test runs sharing one Redis never see each other's events (pub/sub ignores DB indexes)
 */
export async function createEventBus(redisUrl?: string, channelPrefix = ''): Promise<EventBus> {
  let connections: Redis[] = [];
  let eventTarget: PubSubEventTarget<TopicPayloads>;
  let prefix = '';
  if (redisUrl) {
    const publishClient = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const subscribeClient = new Redis(redisUrl, { lazyConnect: true });
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
    connections = [publishClient, subscribeClient];
    eventTarget = createRedisEventTarget<PubSubEvent<TopicPayloads, Extract<keyof TopicPayloads, string>>>({
      publishClient,
      subscribeClient,
    });
    prefix = channelPrefix;
  } else {
    eventTarget = new EventTarget();
    // One listener per live subscription is expected, not a leak: thousands of dashboards are fine.
    setMaxListeners(0, eventTarget);
  }
  const publish = (topic: string, payload: unknown) =>
    eventTarget.dispatchEvent(new CustomEvent(`${prefix}${topic}`, { detail: payload }));
  /** Live subscription streams by topic (whatever their id). */
  const streams = new Map<string, number>();
  const pubSub: PubSub<TopicPayloads> = {
    publish: (topic, ...args) => publish(topic, args[0]),
    subscribe(...[topic, id]) {
      const channel = `${prefix}${id === undefined ? topic : `${topic}:${String(id)}`}`;
      return new Repeater(async (push, stop) => {
        // The event carries what `publish` was given for this topic; the library types a
        // subscription's values by topic only through its own publish, which this bypasses.
        const listener = (event: { detail: unknown }) =>
          void push(event.detail as Parameters<typeof push>[0]);
        eventTarget.addEventListener(channel, listener);
        streams.set(topic, (streams.get(topic) ?? 0) + 1);
        await stop;
        streams.set(topic, streams.get(topic)! - 1);
        eventTarget.removeEventListener(channel, listener);
      }, new DroppingBuffer(SUBSCRIBER_BUFFER));
    },
  };
  return {
    pubSub,
    async publishCommitted(events) {
      for (let i = 0; i < events.length; i++) {
        if (i > 0 && i % PUBLISH_CHUNK === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        publish(events[i]!.topic, events[i]!.payload);
      }
    },
    hasSubscribers(topic) {
      return (streams.get(topic) ?? 0) > 0;
    },
    onEvent(topic, listener) {
      const channel = `${prefix}${topic}`;
      const wrapped = (event: { detail: unknown }) => listener(event.detail);
      eventTarget.addEventListener(channel, wrapped);
      return () => eventTarget.removeEventListener(channel, wrapped);
    },
    async close() {
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
