import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { SweepRecorder } from '../../observability/gateway-metrics.js';
import type { CertificateConfig } from '../../config/config.js';
import type { EventBus } from '../../events/event-bus.js';
import { Topic, type CertificateEventPayload, type DeviceEventPayload, type PendingEvent } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import type { DevicePlatform } from '../catalog/platform.enum.js';
import type { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import type { ManagedDeviceOwnerType } from '../device/device.enums.js';

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
  /** The clock's now, truncated to whole seconds, that every rule of the sweep used. */
  sweptAt: Date;
  durationMs: number;
}

/** Key of the transaction-scoped advisory lock that lets one sweep run at a time across instances. */
const SWEEP_LOCK_KEY = 0x6d646d01; // "mdm" + 1
const DAY_MS = 86_400_000;

interface DeviceRow extends Record<string, unknown> {
  device_id: string;
  platform: DevicePlatform;
  managed_device_owner_type: ManagedDeviceOwnerType;
  enrollment_method: EnrollmentMethodKind;
  user_principal_name: string | null;
}
interface CertificateRow extends DeviceRow {
  certificate_id: string;
  serial_number: string;
  not_after: Date;
  threshold_days: number | null;
}

/** The device columns every event needs, joined once per statement (never per row). */
const DEVICE_COLUMNS = `d.platform, d.managed_device_owner_type, d.enrollment_method, u.user_principal_name`;

/**
 * The lifecycle clock (seed: "Mobile device cleanup after MDM certificate expiration": a certificate
 * that is not renewed expires, and "the device is removed from the Azure portal 180 days after the
 * MDM certificate expires"). Set-based: four statements per run whatever the fleet size, in one
 * transaction holding `pg_try_advisory_xact_lock`, so concurrent sweeps on several instances do
 * the work once; each UPDATE/DELETE only matches rows not yet transitioned, so a transition is
 * returned, and published, exactly once. Idempotent: a second sweep at the same instant finds nothing.
 */
export class LifecycleSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly config: CertificateConfig,
    private readonly forkEntityManager: () => EntityManager,
    private readonly logger: Logger,
    /** Told of every completed sweep (Prometheus metrics); optional. */
    private readonly recorder?: SweepRecorder,
  ) {}

  /**
   * Runs one sweep at the clock's now (whole seconds; every boundary is exact: a certificate is
   * valid at notAfter and expired one second later; removal one second after notAfter + N days).
   * Events are published after the transaction commits.
   */
  async sweep(em: EntityManager): Promise<SweepReport> {
    const started = performance.now();
    const now = new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
    const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
    const thresholds = this.config.expiringThresholdsDays; // largest first
    const result = await em.transactional(async (tx) => {
      const [lock] = await tx.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?) as locked', [SWEEP_LOCK_KEY]);
      if (!lock?.locked) return undefined;
      // Expiring: the smallest threshold t with notAfter - now < t days; reported once per threshold.
      const ascending = [...thresholds].reverse();
      const thresholdCase = ascending.length
        ? `case ${ascending.map(() => 'when c.not_after < ? then ?::smallint').join(' ')} end`
        : 'null::smallint';
      const expiring = ascending.length
        ? await tx.execute<CertificateRow[]>(
            `with due as (
               select c.id, ${thresholdCase} as t from mdm_certificate c
                where c.status in ('valid', 'expiring') and c.not_after >= ? and c.not_after < ?
             ), changed as (
               update mdm_certificate c set status = 'expiring', expiring_threshold_days = due.t
                 from due where c.id = due.id and (c.expiring_threshold_days is null or c.expiring_threshold_days > due.t)
               returning c.id, c.device_id, c.serial_number, c.not_after, due.t
             )
             select ch.id as certificate_id, ch.device_id, ch.serial_number, ch.not_after, ch.t as threshold_days, ${DEVICE_COLUMNS}
               from changed ch join managed_device d on d.id = ch.device_id left join app_user u on u.id = d.user_id`,
            [...ascending.flatMap((t) => [at(t), t]), now, at(thresholds[0]!)],
          )
        : [];
      // Expired: from notAfter + 1 s (notAfter < now on whole seconds).
      const expired = await tx.execute<CertificateRow[]>(
        `with changed as (
           update mdm_certificate c set status = 'expired'
            where c.status in ('valid', 'expiring') and c.not_after < ?
           returning c.id, c.device_id, c.serial_number, c.not_after
         )
         select ch.id as certificate_id, ch.device_id, ch.serial_number, ch.not_after, null as threshold_days, ${DEVICE_COLUMNS}
           from changed ch join managed_device d on d.id = ch.device_id left join app_user u on u.id = d.user_id`,
        [now],
      );
      // Removal (seed: 180 days after the MDM certificate expires), unless a live certificate exists.
      const removed = await tx.execute<DeviceRow[]>(
        `with removed as (
           delete from managed_device d
            where d.management_certificate_expiration_date < ?
              and not exists (select 1 from mdm_certificate c where c.device_id = d.id and c.status in ('valid', 'expiring'))
           returning d.id as device_id, d.platform, d.managed_device_owner_type, d.enrollment_method, d.user_id
         )
         select r.device_id, r.platform, r.managed_device_owner_type, r.enrollment_method, u.user_principal_name
           from removed r left join app_user u on u.id = r.user_id`,
        [at(-this.config.removalAfterExpiryDays)],
      );
      const pruned = await tx.execute<{ n: number }[]>(
        `with gone as (delete from device_check_in where checked_in_date_time < ? returning 1) select count(*)::int as n from gone`,
        [at(-this.config.checkInHistoryDays)],
      );
      return { expiring, expired, removed, pruned: pruned[0]?.n ?? 0 };
    });
    const durationMs = performance.now() - started;
    if (!result) return { skipped: true, expiring: 0, expired: 0, removed: 0, prunedCheckIns: 0, sweptAt: now, durationMs };
    const occurredAt = now.toISOString();
    const events: PendingEvent[] = [
      ...result.expiring.map((row) => ({ topic: Topic.CertificateExpiring, payload: certificatePayload(row, occurredAt) }) as const),
      ...result.expired.map((row) => ({ topic: Topic.CertificateExpired, payload: certificatePayload(row, occurredAt) }) as const),
      ...result.removed.map((row) => ({ topic: Topic.DeviceRemoved, payload: devicePayload(row, occurredAt) }) as const),
    ];
    await this.events.publishCommitted(events);
    const report = {
      skipped: false,
      expiring: result.expiring.length,
      expired: result.expired.length,
      removed: result.removed.length,
      prunedCheckIns: result.pruned,
      sweptAt: now,
      durationMs,
    };
    if (report.expiring + report.expired + report.removed > 0) this.logger.info(report, 'lifecycle sweep');
    this.recorder?.recordSweep({
      durationMs,
      transitions: { 'valid->expiring': report.expiring, 'expiring->expired': report.expired, 'expired->removed': report.removed },
    });
    return report;
  }

  /** Sweeps every `intervalMs` (LIFECYCLE_SWEEP_INTERVAL_MS; 0 = never) until {@link stop}; runs never overlap. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep(this.forkEntityManager())
        .catch((error: unknown) => this.logger.error({ err: error }, 'lifecycle sweep failed'))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and waits for a running sweep to finish. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

function devicePayload(row: DeviceRow, occurredAt: string): DeviceEventPayload {
  return {
    deviceId: row.device_id,
    platform: row.platform,
    managedDeviceOwnerType: row.managed_device_owner_type,
    enrollmentMethod: row.enrollment_method,
    userPrincipalName: row.user_principal_name,
    occurredAt,
  };
}

function certificatePayload(row: CertificateRow, occurredAt: string): CertificateEventPayload {
  return {
    ...devicePayload(row, occurredAt),
    certificateId: row.certificate_id,
    serialNumber: row.serial_number,
    notAfter: new Date(row.not_after).toISOString(),
    thresholdDays: row.threshold_days === null ? null : Number(row.threshold_days),
    previousCertificateId: null,
  };
}
