import { DomainError } from '../../shared/domain-error.js';
import { ErrorCode } from '../../shared/error-code.js';

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
