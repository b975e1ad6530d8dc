import { registerEnumType } from 'type-graphql';

/**
 * Lifecycle status of a device certificate as last recorded by the gateway (enrollment,
 * check-in, revocation, or the lifecycle sweeper). Derived from notAfter by modules/lifecycle/lifecycle.policy.ts.
 */
export enum MdmCertificateStatus {
  /** Within validity and outside every expiring threshold. */
  valid = 'valid',
  /** Within validity, fewer days left than the largest CERT_EXPIRING_THRESHOLDS_DAYS threshold. */
  expiring = 'expiring',
  /** Past notAfter (expired from notAfter + 1 s; notAfter itself is still valid). */
  expired = 'expired',
  /** Revoked: superseded by a newer certificate, or the device was retired/wiped/deleted. */
  revoked = 'revoked',
}
registerEnumType(MdmCertificateStatus, {
  name: 'MdmCertificateStatus',
  description: 'Lifecycle status of an MDM device certificate: valid, expiring, expired or revoked.',
});

/** Why a certificate was revoked: the RFC 5280 CRLReason names that apply to device certificates. */
export enum RevocationReason {
  /** Replaced by a newer certificate of the same device (renewal at check-in, or re-enrollment). */
  superseded = 'superseded',
  /** The device left management (retired, wiped or deleted). */
  cessationOfOperation = 'cessationOfOperation',
}
registerEnumType(RevocationReason, {
  name: 'RevocationReason',
  description:
    'RFC 5280 CRLReason of a revoked certificate: superseded (renewed, re-enrolled) or cessationOfOperation (retired, wiped).',
});
