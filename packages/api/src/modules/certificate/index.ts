/**
 * PKI for MDM device certificates: the issuing CA, device certificate issuance, status
 * classification and check-in proof verification. Pure: no database, no HTTP, and time
 * always comes from the caller (`now: Date` or a `Clock`).
 */
export { type Clock, fixedClock, systemClock } from '../../shared/clock.js';
export {
  CA_VALIDITY_DAYS,
  type CertificateAuthority,
  type CreateCertificateAuthorityOptions,
  type ExportedCertificateAuthority,
  createCertificateAuthority,
  exportCertificateAuthority,
  importCertificateAuthority,
  loadCaFromPem,
} from './certificate-authority.js';
export { sealPrivateKey, unsealPrivateKey } from './private-key-seal.js';
export {
  deviceCertificateValidity,
  type IssueDeviceCertificateInput,
  type IssuedDeviceCertificate,
  issueDeviceCertificate,
} from './certificate-issuer.js';
export { addValidity } from './validity.js';
export {
  type CertificateStatus,
  type CertificateStatusInput,
  certificateStatus,
  daysUntil,
  isExpired,
  isInRenewalWindow,
} from './certificate-status.js';
export {
  type CheckInProofFailure,
  type CheckInProofResult,
  type VerifyCheckInProofInput,
  checkInSigningInput,
  signCheckIn,
  verifyCheckInProof,
} from './check-in-proof.js';
export {
  CertificateAuthorityError,
  type CertificateAuthorityErrorCode,
  InvalidCsrError,
  type InvalidCsrReason,
  SealedKeyError,
  type SealedKeyErrorCode,
} from './certificate.errors.js';
