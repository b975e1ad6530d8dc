import { registerEnumType } from 'type-graphql';

/**
 * Every error code the API returns, in `extensions.code` of a GraphQL error or in the `code`
 * field of a typed mutation error. One enum, so clients can switch on it exhaustively.
 */
export enum ErrorCode {
  /** An argument broke a validation rule; the error names the field and the rule. */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** The object named by an id does not exist (or is not visible to the caller). */
  NOT_FOUND = 'NOT_FOUND',
  /** The platform does not offer the requested enrollment method (seed: the four tables). */
  METHOD_NOT_AVAILABLE = 'METHOD_NOT_AVAILABLE',
  /** The method requires a user (user affinity YES) and none was given, or forbids one and one was. */
  USER_AFFINITY_VIOLATION = 'USER_AFFINITY_VIOLATION',
  /** Another enrollment of the same hardware committed first; retry to re-enroll it. */
  ENROLLMENT_CONFLICT = 'ENROLLMENT_CONFLICT',
  /**
   * The hardware (serial number or IMEI) is actively enrolled for another user: re-enrolling it
   * needs the device's own credential, a method that resets the device, or an administrator. The
   * answer says nothing about that user.
   */
  HARDWARE_HELD_BY_ANOTHER_USER = 'HARDWARE_HELD_BY_ANOTHER_USER',
  ENROLLMENT_ID_IN_USE = 'ENROLLMENT_ID_IN_USE',
  /** The device is not in a state that allows the operation (e.g. checking in after removal). */
  INVALID_DEVICE_STATE = 'INVALID_DEVICE_STATE',
  /** No valid API token was presented (missing, unknown, expired or revoked). */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The caller's role may not use this operation. */
  FORBIDDEN = 'FORBIDDEN',
  /** Too many requests for this token (or address); retry after the `Retry-After` seconds. */
  RATE_LIMITED = 'RATE_LIMITED',
  /**
   * A graphql-ws socket already runs its most operations at once (WS_MAX_OPERATIONS_PER_SOCKET):
   * complete one, or open another socket, first.
   */
  TOO_MANY_OPERATIONS = 'TOO_MANY_OPERATIONS',
  /**
   * The check-in carried no device credential, or one that does not prove possession of a
   * certificate issued by this gateway (malformed, bad signature, unknown certificate, stale timestamp).
   */
  DEVICE_CREDENTIAL_INVALID = 'DEVICE_CREDENTIAL_INVALID',
  /** The credential belongs to another device. Kept for compatibility: check-ins answer DEVICE_CREDENTIAL_INVALID instead. */
  DEVICE_CREDENTIAL_WRONG_DEVICE = 'DEVICE_CREDENTIAL_WRONG_DEVICE',
  /** The certificate was revoked (superseded by a newer one, or the device was retired or wiped). */
  CERTIFICATE_REVOKED = 'CERTIFICATE_REVOKED',
  /** The certificate expired (one second after notAfter); the device must enroll again. */
  CERTIFICATE_EXPIRED = 'CERTIFICATE_EXPIRED',
  /** This (device, nonce) was already accepted: a replayed check-in. */
  CHECK_IN_REPLAYED = 'CHECK_IN_REPLAYED',
  /**
   * The method's pre-registration is missing or no longer valid: DEP/USB-SA serial not listed or
   * without a profile, USB-Direct export unknown or expired, bulk token unknown or expired.
   */
  PREREQUISITE_MISSING = 'PREREQUISITE_MISSING',
  /** The device enrollment manager account has enrolled its maximum number of devices. */
  DEM_DEVICE_LIMIT_REACHED = 'DEM_DEVICE_LIMIT_REACHED',
  /** Not a device enrollment manager, a DEM with a method it cannot use (DEP, Configurator), or the 150-account cap. */
  DEM_NOT_ALLOWED = 'DEM_NOT_ALLOWED',
  /** An enrollment restriction refused the enrollment; the message names the restriction. */
  ENROLLMENT_RESTRICTED = 'ENROLLMENT_RESTRICTED',
  /** The enrollment is locked (seed column "Locked"): the user cannot unenroll the device. */
  ENROLLMENT_LOCKED = 'ENROLLMENT_LOCKED',
  /** An imported file was rejected: the whole file (encoding, size, rows, format) or, without `partial`, some rows. Nothing was written. */
  IMPORT_REJECTED = 'IMPORT_REJECTED',
  /** Unexpected server failure; details are in the log under the request id. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  description: 'Every error code the API returns, in `extensions.code` or in a typed mutation error.',
});
