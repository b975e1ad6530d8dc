import { checkInSigningInput, verifyCheckInProof } from '../certificate/index.js';
import type { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { CheckInProofType } from './check-in.enums.js';
import type { CheckInCertificate } from './check-in.store.js';

/** A device's proof of possession of its credential (docs/certificates.md, "Check-in"). */
export interface PossessionProof {
  certificateSerialNumber: string | null;
  timestamp: string | null;
  nonce: string | null;
  signature: string | null;
  proofType: CheckInProofType;
}

/** What verifying a proof needs from the gateway: its CA, its clock skew, its device tokens. */
export interface PossessionVerifier {
  caCertificatePem: string;
  /** CHECK_IN_MAX_SKEW_SECONDS (default 300). */
  maxSkewSeconds: number;
  hmacMatches(sha256Thumbprint: string, signingInput: Buffer, signatureB64: string): boolean;
}

/** Proven, or why not (for the log only: callers answer every failure alike). */
export type PossessionResult = { ok: true } | { ok: false; reason: string };

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Whether `proof` shows possession of the credential of `certificate` (the one with the proof's
 * serial number; null when there is none) for device `deviceId`: the certificate is this device's,
 * and the proof over `${deviceId}\n${timestamp}\n${nonce}` is its key's signature (SIGNATURE) or
 * the HMAC keyed by its device token (HMAC), within the clock skew. Says nothing of the
 * certificate's standing (revoked, expired): the caller checks that once possession is proven.
 * Pure and synchronous; used by check-ins and by re-enrollment (enrollment/re-enrollment.policy.ts).
 */
export function verifyPossession(
  deviceId: string,
  proof: PossessionProof,
  certificate: CheckInCertificate | null,
  verifier: PossessionVerifier,
  now: Date,
): PossessionResult {
  const { certificateSerialNumber: serial, timestamp, nonce, signature } = proof;
  if (!serial || !timestamp || !nonce || !signature) return { ok: false, reason: 'MISSING_PROOF' };
  if (!certificate) return { ok: false, reason: 'UNKNOWN_CERTIFICATE' };
  if (certificate.deviceId !== deviceId) return { ok: false, reason: 'WRONG_DEVICE' };
  if (proof.proofType === CheckInProofType.SIGNATURE) {
    const result = verifyCheckInProof({
      certificatePem: certificate.pem,
      caCertificatePem: verifier.caCertificatePem,
      deviceId,
      timestamp,
      nonce,
      signatureB64: signature,
      now,
      maxSkewSeconds: verifier.maxSkewSeconds,
    });
    // Validity is checked after the signature (check-in-proof.ts): these two mean the proof holds.
    if (
      result.ok ||
      result.failure === 'CERTIFICATE_EXPIRED' ||
      result.failure === 'CERTIFICATE_NOT_YET_VALID'
    )
      return { ok: true };
    return { ok: false, reason: result.failure };
  }
  let signingInput: Buffer;
  try {
    if (!ISO_TIMESTAMP.test(timestamp) || Number.isNaN(Date.parse(timestamp)))
      throw new RangeError('timestamp');
    signingInput = checkInSigningInput(deviceId, timestamp, nonce);
  } catch {
    return { ok: false, reason: 'MALFORMED_PROOF' };
  }
  if (Math.abs(now.getTime() - Date.parse(timestamp)) > verifier.maxSkewSeconds * 1000)
    return { ok: false, reason: 'STALE_TIMESTAMP' };
  if (!verifier.hmacMatches(certificate.sha256Thumbprint, signingInput, signature))
    return { ok: false, reason: 'BAD_SIGNATURE' };
  return { ok: true };
}

/** The certificate entity as {@link verifyPossession} reads it. */
export function toCheckInCertificate(certificate: MdmCertificate): CheckInCertificate {
  return {
    id: certificate.id,
    // Check-ins look certificates up by device, so a pending (device-less) one never gets here.
    deviceId: certificate.device!.id,
    serialNumber: certificate.serialNumber,
    sha256Thumbprint: certificate.sha256Thumbprint,
    status: certificate.status,
    revocationReason: certificate.revocationReason,
    pem: certificate.pem,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}
