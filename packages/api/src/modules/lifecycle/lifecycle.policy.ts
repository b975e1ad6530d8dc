/**
 * The certificate and device lifecycle policy: the one home of every rule that turns a
 * certificate's notAfter and the clock into a status, a window or a removal date. Pure (no
 * database, no clock of its own: `now` is always passed in); the services, the resolvers and the
 * SQL that needs these rules ask it, and SQL gets them as fragments generated here.
 *
 * Sources:
 * - Intune, "Mobile device cleanup after MDM certificate expiration": "The MDM certificate is
 *   renewed automatically when mobile devices are communicating with the Intune service. [...] The
 *   device is removed from the Azure portal 180 days after the MDM certificate expires."
 *   (DEVICE_REMOVAL_AFTER_EXPIRY_DAYS, default 180; renewal inside CERT_RENEWAL_WINDOW_DAYS.)
 * - RFC 5280 §4.1.2.5: the validity period includes notAfter, and X.509 times carry whole
 *   seconds, so a certificate whose notAfter is 12:00:00 is valid for the whole second
 *   12:00:00.000-12:00:00.999 and expired from 12:00:01.
 *
 * Every comparison is made on whole UTC seconds and a day is exactly 86,400 s (`DAY_MS`), never a
 * calendar day. With S = `now` truncated to the second and W = the expiring window:
 *   revoked  once revocation was recorded (an event, not a time);
 *   expired  notAfter < S;
 *   expiring S <= notAfter < S + W;
 *   valid    notAfter >= S + W;
 *   removal  due once notAfter + removal delay < S (the device goes one second after its removal date).
 */
import { DAY_MS, SECONDS_PER_DAY } from '../../shared/clock.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';

/** What the policy is built from (config.ts `CertificateConfig` has these fields). */
export interface LifecyclePolicyConfig {
  /** CERT_EXPIRING_THRESHOLDS_DAYS (each >= 1, any order): the largest is the expiring window. */
  expiringThresholdsDays: readonly number[];
  /** CERT_RENEWAL_WINDOW_DAYS: a check-in renews the certificate when fewer days are left. */
  renewalWindowDays: number;
  /** DEVICE_REMOVAL_AFTER_EXPIRY_DAYS: Intune removes the device 180 days after its certificate expired. */
  removalAfterExpiryDays: number;
}

/** What the status of a stored certificate depends on. */
export interface LifecycleFacts {
  notAfter: Date;
  /** The stored status; only `revoked` is authoritative (revocation is an event, not a time). */
  status: MdmCertificateStatus;
}

/** A half-open interval of notAfter values: `from <= notAfter < until` (whole seconds). */
export interface NotAfterWindow {
  from: Date;
  until: Date;
}

/**
 * Binds a parameter value and returns its placeholder: `?` for knex/MikroORM `execute`, `$n` for
 * the pg driver. See {@link questionMarks} and {@link numbered}.
 */
export type Bind = (value: unknown) => string;

/** A {@link Bind} for `?` placeholders, pushing onto `values` (knex, `em.execute`). */
export function questionMarks(values: unknown[]): Bind {
  return (value) => (values.push(value), '?');
}

/** A {@link Bind} for `$n` placeholders, pushing onto `values` (the pg driver). */
export function numbered(values: unknown[]): Bind {
  return (value) => (values.push(value), `$${values.length}`);
}

/**
 * The stored statuses of a certificate whose status can still move with time: not revoked
 * (`expiring`/`expired` may be stored by older versions; the status shown is derived, see
 * {@link statusAt}). The partial indexes of mdm_certificate use the same list.
 */
export const LIVE_STATUSES = [MdmCertificateStatus.valid, MdmCertificateStatus.expiring] as const;

/** True when the stored status `column` is one of {@link LIVE_STATUSES} (the partial indexes' predicate). */
export function liveSql(column: string): string {
  return `${column} in (${LIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`;
}

/** `instant` moved by `days` exact days of 86,400 s (negative: back), never calendar days. */
export function plusDays(instant: Date, days: number): Date {
  return new Date(instant.getTime() + days * DAY_MS);
}

/** Whole UNIX seconds of `date` (floor): the unit of every boundary. */
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
/** `date` truncated to its whole second. */
export const wholeSecond = (date: Date) => new Date(seconds(date) * 1000);
/** `t` days as an exact SQL interval of seconds (never a calendar day, whatever the session time zone). */
const interval = (t: number) => `interval '${t * SECONDS_PER_DAY} seconds'`;

/** True once `now` is at least one whole second past `notAfter` (notAfter itself is still valid). */
export function isExpired(notAfter: Date, now: Date): boolean {
  return seconds(now) > seconds(notAfter);
}

/**
 * True when the certificate is still valid but fewer than `windowDays` days are left:
 * 0 <= notAfter − now < windowDays × 86,400 s (whole seconds; so `windowDays = 0` is never). False
 * once expired: an expired certificate can no longer authenticate a renewal, the device must
 * re-enroll. @throws RangeError for a negative window
 */
export function isWithinDays(notAfter: Date, now: Date, windowDays: number): boolean {
  if (!(windowDays >= 0)) throw new RangeError(`windowDays must be >= 0, got ${windowDays}`);
  const remaining = seconds(notAfter) - seconds(now);
  return remaining >= 0 && remaining < windowDays * SECONDS_PER_DAY;
}

/**
 * Whole days from `now` until `notAfter`, rounded down: 0 means "expires within the next 24 h,
 * still valid", negative means expired (−1 from one second after notAfter). Floor, because a
 * dashboard saying "1 day left" must never overstate the time remaining.
 */
export function daysUntil(notAfter: Date, now: Date): number {
  return Math.floor((seconds(notAfter) - seconds(now)) / SECONDS_PER_DAY);
}

/**
 * Status at `now` with an expiring window of `windowDays`. Precedence revoked > expired >
 * expiring > valid. Any revocation counts, even one stamped slightly after `now` (clock skew
 * between hosts must not let a revoked device keep checking in).
 */
export function statusAt(
  notAfter: Date,
  revoked: boolean,
  now: Date,
  windowDays: number,
): MdmCertificateStatus {
  if (revoked) return MdmCertificateStatus.revoked;
  if (isExpired(notAfter, now)) return MdmCertificateStatus.expired;
  if (isWithinDays(notAfter, now, windowDays)) return MdmCertificateStatus.expiring;
  return MdmCertificateStatus.valid;
}

/** The lifecycle rules for one configuration; see the module comment for the boundaries. */
export class LifecyclePolicy {
  /** The thresholds, distinct and largest first (e.g. [30, 7, 1]). */
  readonly thresholdsDays: readonly number[];
  /** Size of the `expiring` window in days: the largest threshold (0 without thresholds: never expiring). */
  readonly expiringWindowDays: number;
  readonly renewalWindowDays: number;
  readonly removalAfterExpiryDays: number;

  constructor(config: LifecyclePolicyConfig) {
    this.thresholdsDays = [...new Set(config.expiringThresholdsDays)].sort((a, b) => b - a);
    this.expiringWindowDays = this.thresholdsDays[0] ?? 0;
    this.renewalWindowDays = config.renewalWindowDays;
    this.removalAfterExpiryDays = config.removalAfterExpiryDays;
  }

  /** The certificate's status at `now`: what the API shows and the sweeper's events follow. */
  status(certificate: LifecycleFacts, now: Date): MdmCertificateStatus {
    return statusAt(
      certificate.notAfter,
      certificate.status === MdmCertificateStatus.revoked,
      now,
      this.expiringWindowDays,
    );
  }

  /**
   * The smallest expiring threshold (days) the certificate is inside at `now`, i.e. the last one
   * the sweeper reports by then; null outside every threshold, once expired, or when revoked.
   */
  thresholdDays(certificate: LifecycleFacts, now: Date): number | null {
    if (certificate.status === MdmCertificateStatus.revoked) return null;
    let smallest: number | null = null;
    for (const t of this.thresholdsDays) if (isWithinDays(certificate.notAfter, now, t)) smallest = t;
    return smallest;
  }

  /**
   * The notAfter values that are `expiring` at `now` (`days` defaults to the expiring window; a
   * dashboard asks for other spans, e.g. 7): [S, S + days).
   */
  expiringWindow(now: Date, days: number = this.expiringWindowDays): NotAfterWindow {
    const from = wholeSecond(now);
    return { from, until: plusDays(from, days) };
  }

  /** Whether a check-in at `now` renews the certificate (inside CERT_RENEWAL_WINDOW_DAYS, not expired). */
  renewalDue(notAfter: Date, now: Date): boolean {
    return isWithinDays(notAfter, now, this.renewalWindowDays);
  }

  /** Whole days left (floor; negative once expired), see {@link daysUntil}. */
  daysLeft(notAfter: Date, now: Date): number {
    return daysUntil(notAfter, now);
  }

  /** When a device whose certificate expires at `notAfter` is removed if it never renews: notAfter + the removal delay. */
  removalDate(notAfter: Date): Date {
    return plusDays(notAfter, this.removalAfterExpiryDays);
  }

  /** Devices whose certificate's notAfter is before this instant are due for removal at `now`. */
  removalCutoff(now: Date): Date {
    return plusDays(wholeSecond(now), -this.removalAfterExpiryDays);
  }

  /**
   * Check-in history recorded before this instant is pruned at `now` (CHECK_IN_HISTORY_DAYS =
   * `retentionDays`, exact days).
   */
  checkInHistoryCutoff(now: Date, retentionDays: number): Date {
    return plusDays(now, -retentionDays);
  }

  /** Whether a device whose certificate expires at `notAfter` is due for removal at `now`. */
  removalDue(notAfter: Date, now: Date): boolean {
    return notAfter.getTime() < this.removalCutoff(now).getTime();
  }

  /**
   * The same rules as SQL fragments over a notAfter column (`timestamptz`), their instants bound
   * as parameters through `bind`, so a statement never carries a second copy of the rule.
   */
  readonly sql = {
    /** True when the certificate has expired at `now` ({@link isExpired}). */
    expired: (notAfter: string, now: Date, bind: Bind): string =>
      `${notAfter} < ${bind(wholeSecond(now))}::timestamptz`,
    /** True inside {@link expiringWindow} (`days` defaults to the expiring window). */
    expiring: (notAfter: string, now: Date, bind: Bind, days?: number): string => {
      const w = this.expiringWindow(now, days);
      return `${notAfter} >= ${bind(w.from)}::timestamptz and ${notAfter} < ${bind(w.until)}::timestamptz`;
    },
    /** True when valid and outside the expiring window. */
    valid: (notAfter: string, now: Date, bind: Bind): string =>
      `${notAfter} >= ${bind(this.expiringWindow(now).until)}::timestamptz`,
    /** The status as text ({@link status}); `revoked` is a boolean SQL expression. */
    status: (notAfter: string, revoked: string, now: Date, bind: Bind): string => {
      const w = this.expiringWindow(now);
      return `case when ${revoked} then '${MdmCertificateStatus.revoked}'
        when ${notAfter} < ${bind(w.from)}::timestamptz then '${MdmCertificateStatus.expired}'
        when ${notAfter} < ${bind(w.until)}::timestamptz then '${MdmCertificateStatus.expiring}'
        else '${MdmCertificateStatus.valid}' end`;
    },
    /**
     * The smallest threshold the certificate is inside at an SQL instant (whole seconds), as a
     * CASE chain smallest first; null outside every threshold ({@link thresholdDays}, expiry aside).
     */
    thresholdAt: (notAfter: string, instant: string): string => {
      const ascending = [...this.thresholdsDays].reverse();
      return ascending.length
        ? `case ${ascending.map((t) => `when ${notAfter} < ${instant} + ${interval(t)} then ${t}`).join(' ')} end`
        : 'null::int';
    },
    /** True when the device whose certificate expires at `notAfter` is due for removal at `now`. */
    removalDue: (notAfter: string, now: Date, bind: Bind): string =>
      `${notAfter} < ${bind(this.removalCutoff(now))}::timestamptz`,
  };
}

/** Builds the policy from the certificate configuration. */
export function lifecyclePolicy(config: LifecyclePolicyConfig): LifecyclePolicy {
  return new LifecyclePolicy(config);
}
