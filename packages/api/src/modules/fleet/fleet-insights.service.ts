import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { validateInput } from '../../shared/validation.js';
import type { ManagedDevice } from '../device/device.entity.js';
import { DeviceStore } from '../device/device.store.js';
import type { LifecyclePolicy } from '../lifecycle/lifecycle.policy.js';

const MINUTE_MS = 60_000;

/** Enrollments and check-ins in one minute of the recent past. */
export interface ActivityBucket {
  /** Start of the minute (UTC). */
  minute: Date;
  enrollments: number;
  checkIns: number;
}

/** A device whose MDM certificate expires soon or has expired, with its removal date. */
export interface CertificateWatchItem {
  device: ManagedDevice;
  notAfter: Date;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  /** When the sweeper removes the device if it never renews: notAfter + DEVICE_REMOVAL_AFTER_EXPIRY_DAYS. */
  removalDateTime: Date;
}

/** Read models for the operations dashboard: activity over time and certificates to watch. */
export class FleetInsightsService {
  constructor(
    private readonly clock: Clock,
    /** The lifecycle rules: expiring windows, days left and removal dates. */
    private readonly lifecycle: LifecyclePolicy,
    private readonly store: DeviceStore = new DeviceStore(),
  ) {}

  /** When a device whose certificate expires at `notAfter` is removed if it never renews (lifecycle.policy.ts). */
  removalDate(notAfter: Date): Date {
    return this.lifecycle.removalDate(notAfter);
  }

  /**
   * Enrollments (by `enrolledDateTime`) and accepted check-ins per minute over the last
   * `minutes` minutes, oldest first, with empty minutes included; one SQL statement.
   * @throws InputValidationError unless 1 <= minutes <= 1440
   */
  async activity(em: EntityManager, minutes: number): Promise<ActivityBucket[]> {
    const span = validateInput(z.number().int().min(1).max(1440), minutes, 'minutes');
    const end = Math.floor(this.clock.now().getTime() / MINUTE_MS) * MINUTE_MS;
    const start = new Date(end - (span - 1) * MINUTE_MS);
    return this.store.activity(em, start, new Date(end));
  }

  /**
   * Devices whose current certificate expires within `withinDays` days or (unless `includeExpired`
   * is false) has expired, soonest first (most overdue first), at most `first`. Leaving expired
   * ones out matters once a fleet holds more overdue devices than one page: they sort first.
   * @throws InputValidationError for withinDays outside 0..3650 or first outside 1..500
   */
  async certificateWatchlist(
    em: EntityManager,
    withinDays: number,
    first: number,
    includeExpired = true,
  ): Promise<CertificateWatchItem[]> {
    const days = validateInput(z.number().int().min(0).max(3650), withinDays, 'withinDays');
    const limit = validateInput(z.number().int().min(1).max(500), first, 'first');
    const now = this.clock.now();
    const window = this.lifecycle.expiringWindow(now, days);
    const devices = await this.store.expiringCertificates(
      em,
      includeExpired ? { until: window.until } : window,
      limit,
    );
    return devices.map((device) => {
      const notAfter = device.managementCertificateExpirationDate!;
      return {
        device,
        notAfter,
        daysLeft: this.lifecycle.daysLeft(notAfter, now),
        removalDateTime: this.removalDate(notAfter),
      };
    });
  }
}
