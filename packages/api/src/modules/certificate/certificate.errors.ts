import { DomainError, InputValidationError } from '../../shared/domain-error.js';
import { ErrorCode } from '../../shared/error-code.js';

/**
 * Typed errors of the certificate module, in one style: every failure is a class of this file
 * with a stable machine-readable `code` (callers and tests switch on it, never on messages, which
 * are for humans and may change) and `name` = its class name.
 *
 * - Failures the API answers with extend {@link DomainError} (`code` an {@link ErrorCode}) and are
 *   mapped to GraphQL errors in one place, server/format-error.ts.
 * - Failures of the PKI itself extend {@link CertificateError} (`code` a string of this module):
 *   operator-caused ones (a bad CA, a wrong sealing secret) stop the gateway's start; a refused CSR
 *   is the client's and becomes an input error through {@link csrRefused}.
 */

/** A failure of the module's PKI (CA, key sealing, CSR), with its module-level `code`. */
export abstract class CertificateError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A check-in credential was refused. `code` says why in API terms; `reason` keeps the finer
 * proof-verification reason (check-in-proof.ts `CheckInProofFailure`, or UNKNOWN_CERTIFICATE)
 * for the log and the message.
 */
export class DeviceCredentialError extends DomainError {
  constructor(
    code:
      | ErrorCode.DEVICE_CREDENTIAL_INVALID
      | ErrorCode.DEVICE_CREDENTIAL_WRONG_DEVICE
      | ErrorCode.CERTIFICATE_REVOKED
      | ErrorCode.CERTIFICATE_EXPIRED
      | ErrorCode.CHECK_IN_REPLAYED,
    readonly reason: string,
    message: string,
  ) {
    super(code, message);
  }
}

/** Why a PKCS#10 request was refused. */
export type InvalidCsrReason = 'MALFORMED' | 'BAD_SIGNATURE' | 'UNSUPPORTED_KEY';

/**
 * A certificate signing request was refused: not parseable PEM/DER (`MALFORMED`), its
 * self-signature does not verify (`BAD_SIGNATURE`, e.g. tampered after signing), or its
 * key is not EC P-256 / RSA >= 2048 bits (`UNSUPPORTED_KEY`). Client-caused: services turn it
 * into an input error with {@link csrRefused} (BAD_USER_INPUT), never a 500.
 */
export class InvalidCsrError extends CertificateError<'INVALID_CSR'> {
  constructor(
    readonly reason: InvalidCsrReason,
    message: string,
  ) {
    super('INVALID_CSR', message);
  }
}

/**
 * The API's error for `error` when it is a refused CSR: an {@link InputValidationError} naming
 * `field` with rule `csr.<reason>` (e.g. `csr.BAD_SIGNATURE`); any other error is returned as it is.
 * Use as `throw csrRefused(error, 'input.csr')` in the catch of an issuance.
 */
export function csrRefused(error: unknown, field: string): unknown {
  if (!(error instanceof InvalidCsrError)) return error;
  return new InputValidationError([{ field, rule: `csr.${error.reason}`, message: error.message }]);
}

/** Why sealed key material could not be produced or opened. */
export type SealedKeyErrorCode = 'WRONG_KEY_MATERIAL' | 'MALFORMED_SEALED_KEY' | 'WEAK_KEY_MATERIAL';

/**
 * Sealing or unsealing a private key failed. `WRONG_KEY_MATERIAL` means the GCM tag did
 * not verify: the configured secret differs from the one used to seal (or the blob was
 * altered; AES-GCM cannot tell those apart, and must not try). `MALFORMED_SEALED_KEY`:
 * the string is not in the `mdm-sealed-key:v1:...` format. `WEAK_KEY_MATERIAL`: the
 * secret is shorter than 16 characters. Operator-caused: fail startup loudly.
 */
export class SealedKeyError extends CertificateError<SealedKeyErrorCode> {}

/** Why a CA could not be loaded or used. */
export type CertificateAuthorityErrorCode =
  | 'INVALID_CA_CERTIFICATE'
  | 'INVALID_CA_KEY'
  | 'CA_KEY_MISMATCH'
  | 'CA_NOT_VALID'
  | 'CA_KEY_SECRET_REQUIRED'
  | 'CA_KEY_SECRET_NOT_USED';

/**
 * The CA is unusable: the certificate is not a CA certificate (`INVALID_CA_CERTIFICATE`), the key
 * is unreadable or of an unsupported type (`INVALID_CA_KEY`), the key does not belong to the
 * certificate (`CA_KEY_MISMATCH`), the CA is outside its own validity period at issuance time
 * (`CA_NOT_VALID`); or the stored CA cannot be opened with the configuration: it was sealed with a
 * configured CA_KEY_SECRET that is not set now (`CA_KEY_SECRET_REQUIRED`), or with a generated
 * development secret while CA_KEY_SECRET is set now (`CA_KEY_SECRET_NOT_USED`, the sealing
 * failure as `cause`). Operator-caused, except `CA_NOT_VALID` at issuance: fail loudly.
 */
export class CertificateAuthorityError extends CertificateError<CertificateAuthorityErrorCode> {}
