import { certificateStatus } from '../certificate/certificate-status.js';
import { SECONDS_PER_DAY, epochSeconds } from '../certificate/x509-runtime.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';

/** What the lifecycle status of a stored certificate depends on. */
export interface LifecycleFacts {
  notAfter: Date;
  /** The stored status; only `revoked` is authoritative (revocation is an event, not a time). */
  status: MdmCertificateStatus;
}

/**
 * Status of a certificate at `now`, derived rather than stored (issue 8: the sweep writes no
 * certificate rows): revoked when revocation was recorded, else expired from notAfter + 1 s,
 * expiring when fewer than the largest CERT_EXPIRING_THRESHOLDS_DAYS threshold are left, else
 * valid (certificate-status.ts has the exact whole-second boundaries). The sweeper publishes the
 * crossings of the same boundaries as events.
 */
export function lifecycleStatus(
  certificate: LifecycleFacts,
  now: Date,
  thresholdsDays: readonly number[],
): MdmCertificateStatus {
  const revoked = certificate.status === MdmCertificateStatus.revoked;
  const largest = thresholdsDays.length ? Math.max(...thresholdsDays) : 0;
  return certificateStatus({
    notAfter: certificate.notAfter,
    revokedAt: revoked ? certificate.notAfter : null,
    now,
    expiringWithinDays: largest,
  }) as MdmCertificateStatus;
}

/**
 * The smallest expiring threshold (days) the certificate is inside at `now`, i.e. the last one
 * the sweeper reports by then; null outside every threshold, once expired, or when revoked.
 */
export function lifecycleThresholdDays(
  certificate: LifecycleFacts,
  now: Date,
  thresholdsDays: readonly number[],
): number | null {
  if (certificate.status === MdmCertificateStatus.revoked) return null;
  const remaining = epochSeconds(certificate.notAfter) - epochSeconds(now);
  if (remaining < 0) return null;
  const inside = thresholdsDays.filter((t) => remaining < t * SECONDS_PER_DAY);
  return inside.length ? Math.min(...inside) : null;
}
