import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SweepRecorder } from '../../observability/gateway-metrics.js';
import type { CertificateConfig } from '../../config/config.js';
import type { EventBus } from '../../events/event-bus.js';
import { Topic, type CertificateEventPayload, type PendingEvent } from '../../events/topics.js';
import { HOUR_MS, type Clock } from '../../shared/clock.js';
import type { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import {
  lifecyclePolicy,
  wholeSecond,
  type LifecycleFacts,
  type LifecyclePolicy,
} from './lifecycle.policy.js';
import { LifecycleSweepStore, SWEEP_CURSORS, type SweepEventRow } from './lifecycle-sweep.store.js';

/** What one sweep did. `skipped`: another instance held the sweep lock, so this one did nothing. */
export interface SweepReport {
  skipped: boolean;
  /** Certificates that crossed an expiring threshold (one event each). */
  expiring: number;
  /** Certificates that passed notAfter (one event each). */
  expired: number;
  /** Devices removed DEVICE_REMOVAL_AFTER_EXPIRY_DAYS after expiry (one event each). */
  removed: number;
  /** Check-in history rows older than CHECK_IN_HISTORY_DAYS deleted. */
  prunedCheckIns: number;
  /** SCEP enrollments abandoned for PENDING_ENROLLMENT_TTL_HOURS: refused, their certificates revoked. */
  expiredPendingEnrollments?: number;
  /** The clock's now, truncated to whole seconds, that every rule of the sweep used. */
  sweptAt: Date;
  /** From the start of the sweep until its last event was published. */
  durationMs: number;
  /** Of durationMs, the transaction (up to and including its commit, which materialises the event cursors); the rest is publishing. */
  transactionMs?: number;
}

/**
 * A sweep whose transaction has committed (what {@link LifecycleSweeper.sweep} resolves with): the
 * database work is done and durable; its events are being published in the background, in order,
 * after those of earlier sweeps of this instance.
 */
export interface CommittedSweep {
  skipped: boolean;
  /** Devices removed (one `deviceRemoved` event each, still being published). */
  removed: number;
  prunedCheckIns: number;
  /** SCEP enrollments abandoned for PENDING_ENROLLMENT_TTL_HOURS: refused, their certificates revoked. */
  expiredPendingEnrollments: number;
  sweptAt: Date;
  /** From the start of the sweep until its commit. */
  transactionMs: number;
  /**
   * Resolves with the full report once every event of this sweep has been published (the expiring
   * and expired counts are known only then); rejects if publishing failed (also logged).
   * {@link LifecycleSweeper.stop} waits for it.
   */
  published: Promise<SweepReport>;
}

/** Events fetched from a cursor and published per slice after commit: bounds the memory of a sweep that moves 500,000 rows. */
const PUBLISH_SLICE = 20_000;
/** Attempts when the REPEATABLE READ transaction meets a concurrent change of a row it deletes (SQLSTATE 40001). */
const ATTEMPTS = 3;

/** What a sweep's transaction did before its commit. */
interface Swept {
  removed: number;
  pruned: number;
  abandoned: number;
}

/**
 * The lifecycle clock (seed: "Mobile device cleanup after MDM certificate expiration": a certificate
 * that is not renewed expires, and "the device is removed from the Azure portal 180 days after the
 * MDM certificate expires"). Set-based: a handful of statements per run whatever the fleet size.
 *
 * Certificates are not written: their status is derived from notAfter and the clock
 * (lifecycle.policy.ts); the sweep finds the threshold crossings and expiries since the sweeps that
 * already saw each certificate (lifecycle-sweep.store.ts), removes the due devices, and records its
 * mark. One REPEATABLE READ transaction holding `pg_try_advisory_xact_lock` (concurrent sweeps on
 * several instances do the work once; the others report `skipped`), so the event cursors, the
 * delete and the mark share one snapshot: each transition is published exactly once. Events are
 * read through cursors declared WITH HOLD (materialised by the server at commit, no table writes)
 * and published after commit, PUBLISH_SLICE at a time, in the background: {@link sweep} returns
 * at commit with a promise for the publishing. Idempotent: a second sweep at the same instant finds
 * nothing.
 */
export class LifecycleSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  /**
   * The publishing of the latest sweep's events (settled when none runs): the next sweep publishes
   * after it, so a certificate's events keep their order (expiring before expired) even when a
   * sweep commits while an earlier one is still publishing.
   */
  private publishing: Promise<unknown> = Promise.resolve();
  /** The latest sweep of this instance, settled once its events are published (see {@link sweep}). */
  private sweeps: Promise<unknown> = Promise.resolve();
  /** The lifecycle rules (statuses, thresholds, removal) this sweeper applies, built from `config`. */
  readonly policy: LifecyclePolicy;

  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly config: CertificateConfig,
    private readonly forkEntityManager: () => EntityManager,
    private readonly logger: Logger,
    /** Told of every completed sweep (Prometheus metrics); optional. */
    private readonly recorder?: SweepRecorder,
    /** The sweep's statements. */
    private readonly store = new LifecycleSweepStore(),
  ) {
    this.policy = lifecyclePolicy(config);
  }

  /**
   * Runs one sweep at the clock's now (whole seconds; every boundary is exact: a certificate is
   * valid at notAfter and expired one second later; removal one second after notAfter + N days).
   * Resolves once the transaction has committed; its events are then published in the background
   * (`published` resolves with the report that counts them). Rejects when the transaction failed.
   */
  sweep(em: EntityManager): Promise<CommittedSweep> {
    // One sweep of this instance at a time, the previous one's publishing included: its cursors
    // and temporary tables have fixed names, and the embedded database (PGlite) serves every
    // pooled connection from one session, where two sweeps' would collide.
    const committed = this.sweeps.then(() => this.sweepNow(em));
    this.sweeps = committed.then((c) => c.published).catch(() => undefined);
    return committed;
  }

  private async sweepNow(em: EntityManager): Promise<CommittedSweep> {
    const started = performance.now();
    const now = wholeSecond(this.clock.now());
    for (let attempt = 1; ; attempt++) {
      // The transaction settles once the events are published (its connection holds the cursors
      // until then); `committed` resolves at the commit of the sweep's work, before that.
      let onCommit!: (swept: Swept) => void;
      const committed = new Promise<Swept>((resolve) => (onCommit = resolve));
      const previous = this.publishing;
      const transaction = em.transactional((tx) => this.sweepIn(tx, now, onCommit, previous), {
        isolationLevel: IsolationLevel.REPEATABLE_READ,
      });
      let outcome: { swept: Swept } | { skipped: true };
      try {
        outcome = await Promise.race([
          committed.then((swept) => ({ swept })),
          transaction.then(() => ({ skipped: true as const })),
        ]);
      } catch (error) {
        // Failed before its commit: nothing was written, nothing is published.
        if ((error as { code?: string }).code !== '40001' || attempt >= ATTEMPTS) throw error;
        this.logger.warn({ attempt }, 'lifecycle sweep met a concurrent change; retrying');
        continue;
      }
      const transactionMs = performance.now() - started;
      if ('skipped' in outcome) {
        const report = {
          skipped: true,
          expiring: 0,
          expired: 0,
          removed: 0,
          prunedCheckIns: 0,
          sweptAt: now,
          durationMs: transactionMs,
        };
        return {
          skipped: true,
          removed: 0,
          prunedCheckIns: 0,
          expiredPendingEnrollments: 0,
          sweptAt: now,
          transactionMs,
          published: Promise.resolve(report),
        };
      }
      const { removed, pruned, abandoned } = outcome.swept;
      const published = transaction.then((counts) => {
        const durationMs = performance.now() - started;
        const report: SweepReport = {
          skipped: false,
          ...counts!,
          removed,
          prunedCheckIns: pruned,
          expiredPendingEnrollments: abandoned,
          sweptAt: now,
          durationMs,
          transactionMs,
        };
        if (report.expiring + report.expired + report.removed + abandoned > 0)
          this.logger.info(report, 'lifecycle sweep');
        this.recorder?.recordSweep({
          durationMs,
          transitions: {
            'valid->expiring': report.expiring,
            'expiring->expired': report.expired,
            'expired->removed': report.removed,
          },
        });
        return report;
      });
      // Handled here (logged) so that a caller that does not wait for the publishing never meets an unhandled rejection.
      published.catch((error: unknown) =>
        this.logger.error(
          { err: error, sweptAt: now },
          'lifecycle sweep: publishing the committed events failed',
        ),
      );
      this.publishing = published.catch(() => undefined);
      return {
        skipped: false,
        removed,
        prunedCheckIns: pruned,
        expiredPendingEnrollments: abandoned,
        sweptAt: now,
        transactionMs,
        published,
      };
    }
  }

  /**
   * The sweep in its REPEATABLE READ transaction `tx`: when it gets the sweep lock, collects the
   * transitions and the due devices, removes these, records its mark and prunes the check-in
   * history, commits (`onCommit`), then publishes the events of its cursors after `previous` (the
   * publishing of the sweep before). Cursors, the temporary tables, the deletes and the mark share
   * the transaction's one snapshot, so each transition is published exactly once.
   * @returns the counts of published events, or undefined (nothing done) without the lock
   */
  private async sweepIn(
    tx: EntityManager,
    now: Date,
    onCommit: (swept: Swept) => void,
    previous: Promise<unknown>,
  ): Promise<{ expiring: number; expired: number } | undefined> {
    if (!(await this.store.tryLock(tx))) return undefined;
    await this.store.tune(tx);
    const marks = await this.store.marks(tx);
    await this.store.declareTransitions(tx, now, this.policy, marks);
    await this.store.collectDue(tx, now, this.policy);
    const removed = await this.store.removeDue(tx);
    await this.store.recordMark(tx, now, marks);
    const pruned = await this.store.pruneCheckIns(
      tx,
      this.policy.checkInHistoryCutoff(now, this.config.checkInHistoryDays),
    );
    const abandoned = await this.store.expireAbandonedEnrollments(
      tx,
      now,
      new Date(now.getTime() - this.config.pendingEnrollmentTtlHours * HOUR_MS),
    );
    await this.store.commitKeepingCursors(tx);
    onCommit({ removed, pruned, abandoned });
    try {
      await previous;
      return await this.publishCursors(tx, now.toISOString());
    } finally {
      await this.store.closeCursors(tx);
    }
  }

  /**
   * Streams the committed transitions to the bus, PUBLISH_SLICE rows per fetch, and counts them by
   * kind. Rows come as arrays (column order of SweepEventRow) and each payload is built as one
   * object literal: at 500,000 events the per-row allocations were most of the publishing time.
   */
  private async publishCursors(
    tx: EntityManager,
    occurredAt: string,
  ): Promise<{ expiring: number; expired: number }> {
    const counts = { expiring: 0, expired: 0 };
    for (const cursor of SWEEP_CURSORS) {
      for (;;) {
        const rows = await this.store.fetchEvents(tx, cursor, PUBLISH_SLICE);
        if (!rows.length) break;
        const events = new Array<PendingEvent>(rows.length);
        for (let i = 0; i < rows.length; i++) {
          const event = toEvent(rows[i]!, occurredAt);
          if (event.topic === Topic.CertificateExpiring) counts.expiring++;
          else if (event.topic === Topic.CertificateExpired) counts.expired++;
          events[i] = event;
        }
        await this.events.publishCommitted(events);
        if (rows.length < PUBLISH_SLICE) break;
      }
    }
    return counts;
  }

  /** The certificate's status at the clock's now (lifecycle.policy.ts): what the API shows. */
  statusOf(certificate: LifecycleFacts): MdmCertificateStatus {
    return this.policy.status(certificate, this.clock.now());
  }

  /** The smallest expiring threshold the certificate is inside at the clock's now, or null. */
  thresholdDaysOf(certificate: LifecycleFacts): number | null {
    return this.policy.thresholdDays(certificate, this.clock.now());
  }

  /**
   * Sweeps every `intervalMs` (LIFECYCLE_SWEEP_INTERVAL_MS; 0 = never) until {@link stop}; runs never
   * overlap (a tick is skipped while the previous sweep is still publishing its events).
   */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep(this.forkEntityManager())
        .then((committed) => committed.published)
        .catch((error: unknown) => this.logger.error({ err: error }, 'lifecycle sweep failed'))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and waits for a running sweep to finish and for every committed sweep's events to be published. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.publishing;
  }
}

function toEvent(row: SweepEventRow, occurredAt: string): PendingEvent {
  const [
    topic,
    deviceId,
    certificateId,
    serialNumber,
    notAfter,
    thresholdDays,
    platform,
    managedDeviceOwnerType,
    enrollmentMethod,
    userPrincipalName,
  ] = row;
  if (topic === Topic.DeviceRemoved) {
    return {
      topic,
      payload: {
        deviceId,
        platform,
        managedDeviceOwnerType,
        enrollmentMethod,
        userPrincipalName,
        occurredAt,
      },
    };
  }
  const payload: CertificateEventPayload = {
    deviceId,
    platform,
    managedDeviceOwnerType,
    enrollmentMethod,
    userPrincipalName,
    occurredAt,
    certificateId: certificateId!,
    serialNumber: serialNumber!,
    notAfter: notAfter!,
    thresholdDays: thresholdDays === null ? null : Number(thresholdDays),
    previousCertificateId: null,
  };
  return topic === Topic.CertificateExpiring
    ? { topic: Topic.CertificateExpiring, payload }
    : { topic: Topic.CertificateExpired, payload };
}
