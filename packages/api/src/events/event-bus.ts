import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { PendingEvent, TopicPayloads } from './topics.js';

/**
 * The gateway's pub/sub: in-process by default, Redis pub/sub when `redisUrl` is given so
 * that every instance sees every event. Services publish only after their transaction commits.
 */
export interface EventBus {
  /** The pub/sub handed to type-graphql's `@Subscription({ topics })`. */
  readonly pubSub: PubSub<TopicPayloads>;
  /** Publishes events whose transaction has committed, in order. */
  publishCommitted(events: readonly PendingEvent[]): void;
  /** Closes the Redis connections, if any. */
  close(): Promise<void>;
}

/**
 * Creates the event bus.
 * @param redisUrl `redis://` URL; unset keeps events inside this process
 */
export async function createEventBus(redisUrl?: string): Promise<EventBus> {
  let connections: Redis[] = [];
  let pubSub: PubSub<TopicPayloads>;
  if (redisUrl) {
    const publishClient = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const subscribeClient = new Redis(redisUrl, { lazyConnect: true });
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
    connections = [publishClient, subscribeClient];
    pubSub = createPubSub<TopicPayloads>({
      eventTarget: createRedisEventTarget({ publishClient, subscribeClient }),
    });
  } else {
    pubSub = createPubSub<TopicPayloads>();
  }
  return {
    pubSub,
    publishCommitted(events) {
      // PendingEvent pairs each topic with its payload type; TypeScript cannot narrow the pair through the union here.
      for (const event of events) (pubSub.publish as (topic: string, payload: unknown) => void)(event.topic, event.payload);
    },
    async close() {
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
