/**
 * Certificate status functions under the names the certificates module has always exported. The
 * rules themselves (whole-second boundaries, the expiring window, precedence) live in
 * `modules/lifecycle/lifecycle.policy.ts`; these only adapt their arguments.
 */
import { daysUntil, isExpired, isWithinDays, statusAt } from '../lifecycle/lifecycle.policy.js';

export { daysUntil, isExpired };

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

/** Classifies a certificate at `now` (lifecycle.policy.ts `statusAt`). */
export function certificateStatus(input: CertificateStatusInput): CertificateStatus {
  return statusAt(input.notAfter, Boolean(input.revokedAt), input.now, input.expiringWithinDays ?? 30);
}

/** Whether fewer than `windowDays` (default 30) days are left and the certificate is still valid (lifecycle.policy.ts `isWithinDays`). */
export function isInRenewalWindow(notAfter: Date, now: Date, windowDays = 30): boolean {
  return isWithinDays(notAfter, now, windowDays);
}
