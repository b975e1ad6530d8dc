import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { SweepRecorder } from '../../observability/gateway-metrics.js';
import type { CertificateConfig } from '../../config/config.js';
import type { EventBus } from '../../events/event-bus.js';
import { Topic, type CertificateEventPayload, type PendingEvent } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import type { DevicePlatform } from '../catalog/platform.enum.js';
import type { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import type { ManagedDeviceOwnerType } from '../device/device.enums.js';
import type { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import { DAY_MS } from '../../shared/clock.js';
import { lifecyclePolicy, type LifecycleFacts, type LifecyclePolicy } from './lifecycle.policy.js';
import { deleteChildrenOfDevices } from '../device/device-children.sql.js';
import {
  certificateTransitions,
  collectDueCertificates,
  collectDueDevices,
  KEEP_DEVICES_WITH_LIVE_CERTIFICATE,
  parseMarks,
  READ_MARKS,
  recordMark,
  REMOVAL_EVENTS,
  REMOVE_DUE_CERTIFICATES,
  REMOVE_DUE_DEVICES,
  expireAbandonedEnrollments,
  type Statement,
} from './lifecycle-sweep.sql.js';

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

/** Key of the transaction-scoped advisory lock that lets one sweep run at a time across instances. */
const SWEEP_LOCK_KEY = 0x6d646d01; // "mdm" + 1
/** Events fetched from a cursor and published per slice after commit: bounds the memory of a sweep that moves 500,000 rows. */
const PUBLISH_SLICE = 20_000;
/** Attempts when the REPEATABLE READ transaction meets a concurrent change of a row it deletes (SQLSTATE 40001). */
const ATTEMPTS = 3;

/**
 * An event row of the sweep's cursors, as an array in the column order both cursors select (topic,
 * device id, certificate id, serial number, notAfter as ISO text, threshold days, platform, owner
 * type, enrollment method, user principal name).
 */
type EventRow = [
  topic: string,
  deviceId: string,
  certificateId: string | null,
  serialNumber: string | null,
  notAfter: string | null,
  thresholdDays: number | null,
  platform: DevicePlatform,
  ownerType: ManagedDeviceOwnerType,
  enrollmentMethod: EnrollmentMethodKind,
  userPrincipalName: string | null,
];

/** The pool's connections as knex hands them out (a node-postgres client). */
interface KnexClient {
  acquireConnection(): Promise<pg.PoolClient>;
  releaseConnection(connection: pg.PoolClient): Promise<void>;
}

/**
 * The lifecycle clock (seed: "Mobile device cleanup after MDM certificate expiration": a certificate
 * that is not renewed expires, and "the device is removed from the Azure portal 180 days after the
 * MDM certificate expires"). Set-based: a handful of statements per run whatever the fleet size.
 *
 * Certificates are not written: their status is derived from notAfter and the clock
 * (lifecycle.policy.ts); the sweep finds the threshold crossings and expiries since the sweeps that
 * already saw each certificate (lifecycle-sweep.sql.ts), removes the due devices, and records its
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
    const now = new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
    const knex = em.getConnection().getKnex().client as unknown as KnexClient;
    const connection = await knex.acquireConnection();
    const release = async () => {
      await connection.query('close all').catch(() => undefined);
      await knex.releaseConnection(connection);
    };
    let swept: { removed: number; pruned: number; abandoned: number } | undefined;
    try {
      swept = await this.sweepOnce(connection, now);
    } catch (error) {
      await release();
      throw error;
    }
    const transactionMs = performance.now() - started;
    if (!swept) {
      await release();
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
    const { removed, pruned, abandoned } = swept;
    const published = this.publishing.then(async () => {
      try {
        const counts = await this.publishCursors(connection, now.toISOString());
        const durationMs = performance.now() - started;
        const report: SweepReport = {
          skipped: false,
          ...counts,
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
      } finally {
        await release();
      }
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

  /** The sweep's transaction, retried on a serialization failure; undefined when another instance holds the lock. */
  private async sweepOnce(
    connection: pg.PoolClient,
    now: Date,
  ): Promise<{ removed: number; pruned: number; abandoned: number } | undefined> {
    const run = (statement: Statement) => connection.query(statement.text, statement.values);
    for (let attempt = 1; ; attempt++) {
      await connection.query('begin isolation level repeatable read');
      try {
        const { rows: lock } = await connection.query<{ locked: boolean }>(
          'select pg_try_advisory_xact_lock($1) as locked',
          [SWEEP_LOCK_KEY],
        );
        if (!lock[0]?.locked) {
          await connection.query('rollback');
          return undefined;
        }
        // Room for the hash joins of a large sweep; JIT compilation costs more than it saves on these
        // plans. cursor_tuple_fraction 1: the event cursors are read to the end (materialised at
        // commit), so plan them for all their rows, not the default first 10 % (hash joins, not
        // probes: 1.2-1.9 s instead of 1.8-2.3 s for the commit of the 1,000,000-device benchmark).
        await connection.query(
          `set local work_mem = '64MB'; set local jit = off; set local cursor_tuple_fraction = 1`,
        );
        const { rows: state } = await connection.query<{ marks: unknown }>(READ_MARKS);
        const marks = parseMarks(state[0]?.marks);
        const certificates = certificateTransitions(now, this.policy, marks);
        await connection.query(
          `declare sweep_certificates no scroll cursor with hold for ${certificates.text}`,
          certificates.values,
        );
        await connection.query(
          'drop table if exists pg_temp.lifecycle_due_device, pg_temp.lifecycle_due_certificate',
        );
        await run(collectDueDevices(now, this.policy));
        await connection.query('analyze lifecycle_due_device');
        await run(collectDueCertificates(now, this.policy));
        await connection.query(KEEP_DEVICES_WITH_LIVE_CERTIFICATE);
        await connection.query(`declare sweep_removals no scroll cursor with hold for ${REMOVAL_EVENTS}`);
        // Their certificates and check-in history first, set-based (no cascading foreign key: device-children.sql.ts).
        for (const statement of deleteChildrenOfDevices('lifecycle_due_device', {
          mdm_certificate: REMOVE_DUE_CERTIFICATES,
        }))
          await connection.query(statement);
        const removed = await connection.query(REMOVE_DUE_DEVICES);
        await run(recordMark(now, marks));
        const pruned = await connection.query('delete from device_check_in where checked_in_date_time < $1', [
          new Date(now.getTime() - this.config.checkInHistoryDays * DAY_MS),
        ]);
        const { rows: abandoned } = await run(
          expireAbandonedEnrollments(
            now,
            new Date(now.getTime() - (this.config.pendingEnrollmentTtlHours * DAY_MS) / 24),
          ),
        );
        await connection.query('commit');
        return {
          removed: removed.rowCount ?? 0,
          pruned: pruned.rowCount ?? 0,
          abandoned: (abandoned[0] as { expired?: number } | undefined)?.expired ?? 0,
        };
      } catch (error) {
        await connection.query('rollback').catch(() => undefined);
        await connection.query('close all').catch(() => undefined);
        if ((error as { code?: string }).code !== '40001' || attempt >= ATTEMPTS) throw error;
        this.logger.warn({ attempt }, 'lifecycle sweep met a concurrent change; retrying');
      }
    }
  }

  /**
   * Streams the committed transitions to the bus, PUBLISH_SLICE rows per fetch, and counts them by
   * kind. Rows come as arrays (column order of EVENT_COLUMNS) and each payload is built as one
   * object literal: at 500,000 events the per-row allocations were most of the publishing time.
   */
  private async publishCursors(
    connection: pg.PoolClient,
    occurredAt: string,
  ): Promise<{ expiring: number; expired: number }> {
    const counts = { expiring: 0, expired: 0 };
    for (const cursor of ['sweep_certificates', 'sweep_removals']) {
      for (;;) {
        const { rows } = await connection.query<EventRow>({
          text: `fetch ${PUBLISH_SLICE} from ${cursor}`,
          rowMode: 'array',
        });
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
      await connection.query(`close ${cursor}`);
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

function toEvent(row: EventRow, occurredAt: string): PendingEvent {
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
