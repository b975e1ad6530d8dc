import { MdmCertificatesDocument } from '@mdm/schema';
import { Topic, type DeviceEventPayload } from '../../src/events/topics.js';
import type { Gateway } from '../../src/server/gateway.js';
import { EventCollector } from './deferred.js';
import type { TestGateway } from './test-gateway.js';

/** Every event of `topic` published on a gateway's bus (subscribed synchronously, before any trigger). */
export function busEvents<T extends DeviceEventPayload>(gateway: Gateway, topic: string): EventCollector<T> {
  return new EventCollector(
    gateway.events.pubSub.subscribe(topic as typeof Topic.CertificateExpiring) as AsyncIterable<T>,
  );
}

/**
 * Lets the in-process bus hand already-published events to the collectors: publishing is
 * synchronous, delivery through the async iterators takes microtasks, which all run before the
 * next macrotask. Not a sleep: nothing is waited for but work already queued.
 */
export const delivered = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * What the lifecycle tests do again and again against one test gateway with a manual clock.
 * `current` returns the gateway (started in beforeAll, after the helpers are made).
 */
export function lifecycleHarness(current: () => TestGateway) {
  return {
    /** Moves the clock to `instant` (epoch ms), runs one sweep, waits for its events to be published, and lets them arrive. */
    async sweepAt(instant: number) {
      const gateway = current();
      gateway.clock.set(new Date(instant));
      const committed = await gateway.services.sweeper.sweep(gateway.database.orm.em.fork());
      const report = await committed.published;
      await delivered();
      return report;
    },
    /** The events of one device among those a collector received. */
    of<T extends DeviceEventPayload>(collector: EventCollector<T>, deviceId: string) {
      return collector.received.filter((e) => e.deviceId === deviceId);
    },
    /** The device's current certificate as the API shows it (undefined once the device is removed). */
    async certificateOf(deviceId: string) {
      return (await current().query(MdmCertificatesDocument, { deviceId })).mdmCertificates[0];
    },
  };
}
