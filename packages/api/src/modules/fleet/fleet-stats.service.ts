import type { EntityManager } from '@mikro-orm/postgresql';
import { Repeater, SlidingBuffer } from '@graphql-yoga/subscription';
import type { Logger } from 'pino';
import type { EventBus } from '../../events/event-bus.js';
import { Topic } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { DeviceStore } from '../device/device.store.js';
import type { LifecyclePolicy } from '../lifecycle/lifecycle.policy.js';
import type { FleetCount, FleetStats } from './fleet-stats.type.js';

/** Events after which the counts may differ. */
const CHANGING_TOPICS = [
  Topic.DeviceEnrolled,
  Topic.DeviceCheckedIn, // completes pending retire/wipe
  Topic.DeviceRemoved,
  Topic.CertificateRenewed,
  Topic.CertificateExpiring,
  Topic.CertificateExpired,
  Topic.ImportCompleted,
] as const;

/**
 * Live fleet counts for the `fleetStats` subscription. The counts are computed ONCE per change
 * (one grouped query) and the same snapshot object is pushed to every subscriber of this
 * instance; changes arriving while a computation is pending or within FLEET_STATS_MIN_INTERVAL_MS
 * of the last one are coalesced into the next. Nothing is computed while nobody subscribes.
 * Each instance computes its own (it sees every instance's events through the bus).
 */
export class FleetStatsService {
  private readonly listeners = new Set<(stats: FleetStats) => unknown>();
  private latest: FleetStats | undefined;
  private dirty = true;
  private timer: NodeJS.Timeout | undefined;
  private computing: Promise<void> | undefined;
  private lastRunAt = 0;
  private readonly unsubscribes: (() => void)[] = [];
  /** Computations done since start (for tests and benchmarks). */
  computations = 0;

  constructor(
    private readonly events: EventBus,
    private readonly forkEntityManager: () => EntityManager,
    private readonly clock: Clock,
    private readonly minIntervalMs: number,
    private readonly logger: Logger,
    /** The certificate lifecycle rules (status, expiring windows) the counts apply. */
    private readonly lifecycle: LifecyclePolicy,
    private readonly store: DeviceStore = new DeviceStore(),
  ) {}

  /** Starts listening to the bus. */
  start(): void {
    // A listener, not a queue: a sweep publishing 100,000 events only marks the counts dirty.
    for (const topic of CHANGING_TOPICS)
      this.unsubscribes.push(this.events.onEvent(topic, () => this.changed()));
  }

  /** Stops listening and ends every subscriber's stream. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    await this.computing;
  }

  /** The counts now (one grouped query over devices and their current certificates, DeviceStore.fleetCounts). */
  async compute(em: EntityManager): Promise<FleetStats> {
    const now = this.clock.now();
    const rows = await this.store.fleetCounts(em, now, this.lifecycle);
    const tally = (pick: (r: (typeof rows)[number]) => string): FleetCount[] => {
      const counts = new Map<string, number>();
      for (const row of rows) counts.set(pick(row), (counts.get(pick(row)) ?? 0) + Number(row.n));
      return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => ({ key, count }));
    };
    return {
      total: rows.reduce((sum, r) => sum + Number(r.n), 0),
      byPlatform: tally((r) => r.platform),
      byOwnerType: tally((r) => r.owner),
      byEnrollmentMethod: tally((r) => r.method),
      byManagementState: tally((r) => r.state),
      byCertificateStatus: tally((r) => r.cert),
      certificatesExpiringWithin7Days: rows.filter((r) => r.week).reduce((sum, r) => sum + Number(r.n), 0),
      devicesDueForRemoval: rows.filter((r) => r.due).reduce((sum, r) => sum + Number(r.n), 0),
      computedAt: now,
    };
  }

  /**
   * A subscriber's stream: the latest snapshot first, then one per coalesced change. A slow
   * client only ever has the newest snapshot queued (sliding buffer of 1).
   */
  subscribe(): AsyncIterableIterator<FleetStats> {
    return new Repeater<FleetStats>(async (push, stop) => {
      this.listeners.add(push);
      if (this.latest && !this.dirty) await push(this.latest);
      else this.schedule();
      await stop;
      this.listeners.delete(push);
    }, new SlidingBuffer(1));
  }

  private changed(): void {
    this.dirty = true;
    if (this.listeners.size > 0) this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.computing) return;
    const delay = Math.max(0, this.lastRunAt + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => void this.run(), delay);
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.dirty = false;
    this.computing = (async () => {
      try {
        const stats = await this.compute(this.forkEntityManager());
        this.computations++;
        this.latest = stats;
        for (const push of this.listeners) void push(stats);
      } catch (error) {
        this.logger.error({ err: error }, 'fleet stats computation failed');
      } finally {
        this.lastRunAt = Date.now();
      }
    })();
    await this.computing;
    this.computing = undefined;
    if (this.dirty && this.listeners.size > 0) this.schedule();
  }
}
