import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { EventBus } from '../../events/event-bus.js';
import type { PerEventWork } from '../../events/per-event.js';
import { Topic, type DeviceEventPayload } from '../../events/topics.js';
import type { ManagedDevice } from './device.entity.js';
import type { DeviceStore } from './device.store.js';
import { committedDeviceOf } from './device.events.js';

/** Topics whose subscribers get the event's device, and that arrive at request rate. */
const PREFETCHED_TOPICS = [Topic.DeviceCheckedIn, Topic.DeviceEnrolled] as const;

/**
 * The device of a subscription event. An event published on this instance with the device its
 * write committed (`withCommittedDevice`: the common check-in path, the Apple Idle report) carries
 * it: that device, as of the event's commit, is the one rendered, with no read between
 * publication and the first socket write. Otherwise the device as it is when the event arrives:
 * read once per event for all its subscribers (PerEventWork), and for all the events that arrive
 * in the same turn of the event loop in one statement (DataLoader), as read-only instances
 * (DeviceStore.readByIds).
 *
 * Why the committed device: under check-in load the read shared the pool with the check-ins and
 * took 200+ ms, and delivery to every subscriber waited for it (docs/performance.md, Fan-out).
 * The state is the one the event is about; a later change has its own event, published after
 * this one on this instance (its transaction waits for the check-in's row lock and commits after
 * it), so a client applying events in order ends at the latest state.
 *
 * Why: graphql-js maps a subscription's events one after the other, so a device read per event,
 * started only when that event's turn came, capped a stream at one pool round trip per event.
 * Under a mass enrollment (all pool connections busy with requests) that was a few dozen events
 * per second while check-ins committed hundreds, and dashboards fell seconds behind (mixed load
 * benchmark: events p50 2.9 s). Reads now start when the event is dispatched (`prefetch`), for
 * the device topics that have a live subscription on this instance, and are batched.
 */
export class EventDevices {
  private readonly loader: DataLoader<string, ManagedDevice | null>;

  /**
   * @param work per-event memo; when it does not share (the benchmark baseline), each subscriber
   *   reads on its own through the ORM, as before
   * @param fork a fresh EntityManager for each batch (only its connection is used)
   */
  constructor(
    private readonly work: PerEventWork,
    private readonly devices: DeviceStore,
    fork: () => EntityManager,
  ) {
    // No cache: each event wants the device as it is when that event arrives.
    this.loader = new DataLoader(
      async (ids) => {
        const found = await devices.readByIds(fork(), ids);
        return ids.map((id) => found.get(id) ?? null);
      },
      { cache: false, maxBatchSize: 1000 },
    );
  }

  /**
   * The device of `payload`'s event, shared by the event's subscribers: the one it was published
   * with, else as read when the event arrives (null once deleted).
   */
  of(payload: DeviceEventPayload): Promise<ManagedDevice | null> {
    if (!this.work.shares)
      return this.work.once(payload, 'device', (em) => this.devices.byId(em, payload.deviceId));
    const committed = committedDeviceOf(payload);
    if (committed) return Promise.resolve(committed);
    return this.work.once(payload, 'device', () => this.loader.load(payload.deviceId));
  }

  /**
   * Starts reading each device event's device as the event is dispatched, when this instance
   * has a live subscription to its topic (nobody listening: no read).
   * @returns a function that stops prefetching
   */
  prefetch(events: EventBus): () => void {
    const stops = PREFETCHED_TOPICS.map((topic) =>
      events.onEvent(topic, (payload) => {
        // A failed read reaches the subscribers through the same promise (PerEventWork.once).
        if (events.hasSubscribers(topic)) this.of(payload as DeviceEventPayload).catch(() => {});
      }),
    );
    return () => stops.forEach((stop) => stop());
  }
}
