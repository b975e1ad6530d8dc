/**
 * Validity-period arithmetic shared by the CA and device issuers.
 *
 * The rule (deliberately simple, and the same everywhere in this module):
 *   notAfter = issuedAt + validityDays × 86 400 seconds, computed on UTC epoch seconds.
 * It is NOT calendar-month or calendar-year arithmetic: a "day" is exactly 86 400 s
 * (X.509 times are UTC and ignore leap seconds), so the time of day is preserved and
 * leap days simply count as days. Example: 2028-02-29T12:00:00Z + 365 days =
 * 2029-02-28T12:00:00Z (not 2029-03-01, which calendar "same date next year" logic with
 * rollover would give). Why: one unambiguous rule that the dashboard, the renewal
 * scheduler and tests can all reproduce without a calendar library.
 */
import { SECONDS_PER_DAY, epochSeconds } from './x509-runtime.js';

/**
 * Returns `issuedAt` + `validityDays` × 86 400 s, truncated to whole seconds.
 * `validityDays` must be a positive integer (RangeError otherwise), because fractional
 * or zero-length certificates are always a caller bug.
 */
export function addValidity(issuedAt: Date, validityDays: number): Date {
  if (!Number.isInteger(validityDays) || validityDays <= 0) {
    throw new RangeError(`validityDays must be a positive integer, got ${validityDays}`);
  }
  return new Date((epochSeconds(issuedAt) + validityDays * SECONDS_PER_DAY) * 1000);
}
