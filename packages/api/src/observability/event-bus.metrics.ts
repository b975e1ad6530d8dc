import { map, pipe } from '@graphql-yoga/subscription';
import type { EventBus } from '../events/event-bus.js';
import { CERTIFICATE_RENEWED_TOPIC, type GatewayMetrics } from './gateway-metrics.js';

/**
 * The same event bus, counting what passes through it: each event published after commit (by
 * topic; `certificate.renewed` also counts a certificate renewal), and each event handed to a
 * subscription stream (by topic, before the subscription's server-side filter).
 */
export function instrumentEventBus(bus: EventBus, metrics: GatewayMetrics): EventBus {
  const { pubSub } = bus;
  const subscribe = ((topic: string, ...rest: unknown[]) => {
    const label = metrics.labels.topic.of(topic);
    return pipe(
      (pubSub.subscribe as (...args: unknown[]) => AsyncIterable<unknown>)(topic, ...rest),
      map((payload: unknown) => {
        metrics.eventsDispatched.inc({ topic: label });
        return payload;
      }),
    );
  }) as typeof pubSub.subscribe;
  return {
    pubSub: { publish: pubSub.publish, subscribe },
    publishCommitted(events) {
      for (const event of events) {
        metrics.eventsPublished.inc({ topic: metrics.labels.topic.of(event.topic) });
        if ((event.topic as string) === CERTIFICATE_RENEWED_TOPIC) metrics.certificateRenewals.inc();
      }
      return bus.publishCommitted(events);
    },
    onEvent: (topic, listener) => bus.onEvent(topic, listener),
    hasSubscribers: (topic) => bus.hasSubscribers(topic),
    close: () => bus.close(),
  };
}
