/**
 * Lifecycle status of a device certificate, as shown in the dashboard and used by the
 * renewal scheduler. All comparisons are done on whole UTC seconds, because X.509
 * validity times carry whole seconds: a certificate whose notAfter is 12:00:00 is valid
 * for the entire second 12:00:00.000–12:00:00.999 and expired from 12:00:01.
 */
import { SECONDS_PER_DAY, epochSeconds } from './x509-runtime.js';

/** 'valid' | 'expiring' (valid, but inside the renewal window) | 'expired' | 'revoked'. */
export type CertificateStatus = 'valid' | 'expiring' | 'expired' | 'revoked';

/**
 * Input of `certificateStatus`. `revokedAt`: when the certificate was revoked (null/undefined
 * = not revoked). `expiringWithinDays` (default 30): size of the "expiring" window in days.
 */
export interface CertificateStatusInput {
  notAfter: Date;
  revokedAt?: Date | null;
  now: Date;
  expiringWithinDays?: number;
}

/**
 * Classifies a certificate at `now`. Precedence: revoked > expired > expiring > valid.
 * Any `revokedAt` counts as revoked, even one later than `now`: revocation is recorded when
 * it happens, and treating a slightly-future DB timestamp (clock skew between hosts) as
 * "not yet revoked" would let a revoked device keep checking in.
 * Boundaries: valid AT notAfter (inclusive), expired from notAfter + 1 s; 'expiring' when
 * 0 <= notAfter − now < expiringWithinDays × 86 400 s (same rule as `isInRenewalWindow`), so a
 * threshold of 0 disables the 'expiring' state and reports 'valid' right up to notAfter.
 */
export function certificateStatus(input: CertificateStatusInput): CertificateStatus {
  if (input.revokedAt) return 'revoked';
  if (isExpired(input.notAfter, input.now)) return 'expired';
  if (isInRenewalWindow(input.notAfter, input.now, input.expiringWithinDays ?? 30)) return 'expiring';
  return 'valid';
}

/** True once `now` is at least one whole second past `notAfter` (notAfter itself is still valid). */
export function isExpired(notAfter: Date, now: Date): boolean {
  return epochSeconds(now) > epochSeconds(notAfter);
}

/**
 * True when the certificate is still valid but expires in less than `windowDays` (default
 * 30) days: notAfter − windowDays × 86 400 s < now <= notAfter (whole seconds; the window
 * opens one second after "exactly windowDays left", so windowDays = 0 means never).
 * False once expired: an expired certificate can no longer authenticate a
 * renewal, so the device must re-enroll instead. RangeError for a negative window.
 */
export function isInRenewalWindow(notAfter: Date, now: Date, windowDays = 30): boolean {
  if (!(windowDays >= 0)) throw new RangeError(`windowDays must be >= 0, got ${windowDays}`);
  const remaining = epochSeconds(notAfter) - epochSeconds(now);
  return remaining >= 0 && remaining < windowDays * SECONDS_PER_DAY;
}

/**
 * Whole days from `now` until `notAfter`, rounded down (floor of seconds / 86 400).
 * 0 means "expires within the next 24 h, still valid"; negative means expired
 * (−1 from one second after notAfter). Why floor: a dashboard saying "1 day left" must
 * never overstate the time remaining.
 */
export function daysUntil(notAfter: Date, now: Date): number {
  return Math.floor((epochSeconds(notAfter) - epochSeconds(now)) / SECONDS_PER_DAY);
}
