import { DomainError } from '../../shared/domain-error.js';
import { ErrorCode } from '../../shared/error-code.js';

/**
 * Failures of Apple's MDM protocol endpoints. Each carries the HTTP status the device is answered
 * with; the handlers map them in one place (mdm-response.ts).
 */
export class MdmProtocolError extends Error {
  constructor(
    /** HTTP status for the device. */
    readonly status: number,
    /** Short machine name, written to the audit record. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The body is not a message Apple documents (not a plist dictionary, a missing or malformed key): 400. */
export class MdmMessageError extends MdmProtocolError {
  constructor(message: string) {
    super(400, 'MALFORMED_MESSAGE', message);
  }
}

/**
 * The request does not prove it comes from the device it names (no or bad `Mdm-Signature`, a
 * certificate not from our CA, revoked, expired, or issued to another device; a device that was
 * deleted or wiped): 401, nothing written.
 */
export class MdmAuthenticationError extends MdmProtocolError {
  constructor(reason: string, message: string) {
    super(401, reason, message);
  }
}

/**
 * An Authenticate names an EnrollmentID that is bound to another enrolled device. Apple's User
 * Enrollment gives every enrollment an EnrollmentID of its own, so this is no re-enrollment but a
 * claim to another device's channel (its push token and command queue): refused by the rules
 * (403), the presented certificate revoked.
 */
export class EnrollmentIdInUseError extends DomainError {
  constructor() {
    super(ErrorCode.ENROLLMENT_ID_IN_USE, 'this EnrollmentID belongs to another enrolled device');
  }
}
