import { DomainError } from '../../shared/domain-error.js';
import { ErrorCode } from '../../shared/error-code.js';
import type { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import type { DevicePlatform } from '../catalog/platform.enum.js';

/** The platform's seed table has no such row (seed: the four "enrollment methods" tables). */
export class MethodNotAvailableError extends DomainError {
  constructor(platform: DevicePlatform, method: EnrollmentMethodKind, reason?: string) {
    super(
      ErrorCode.METHOD_NOT_AVAILABLE,
      reason ?? `${method} is not an enrollment method of ${platform} (see enrollmentCatalog)`,
    );
  }
}

/** User affinity YES without a user, or NO with one (seed column "User Affinity"). */
export class UserAffinityError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.USER_AFFINITY_VIOLATION, message);
  }
}

/** A concurrent enrollment of the same hardware won the race (enforced by a unique index). */
export class EnrollmentConflictError extends DomainError {
  constructor() {
    super(
      ErrorCode.ENROLLMENT_CONFLICT,
      'another enrollment of the same hardware is in progress or just completed; retry',
    );
  }
}

/** The pre-registration a method needs is missing, unassigned or expired. */
export class PrerequisiteMissingError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.PREREQUISITE_MISSING, message);
  }
}

/** The DEM account already has its maximum of enrolled devices (seed: Device enrollment manager). */
export class DemDeviceLimitError extends DomainError {
  constructor(upn: string, limit: number) {
    super(
      ErrorCode.DEM_DEVICE_LIMIT_REACHED,
      `device enrollment manager ${upn} already has ${limit} enrolled devices, its maximum`,
    );
  }
}

/** Not a DEM account, a DEM used with DEP/Configurator, or the DEM account cap. */
export class DemNotAllowedError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.DEM_NOT_ALLOWED, message);
  }
}

/** An enrollment restriction refused the enrollment; names the restriction. */
export class EnrollmentRestrictedError extends DomainError {
  constructor(
    readonly restriction: string,
    reason: string,
  ) {
    super(ErrorCode.ENROLLMENT_RESTRICTED, `refused by enrollment restriction "${restriction}": ${reason}`);
  }
}

/**
 * A user token acts for its own user only (docs/security.md: a BYOD enrollment acts for the
 * signed-in user): it cannot name another user, nor enroll a userless device.
 */
export class ActingUserMismatchError extends DomainError {
  constructor(actingFor: string, requested: string | null) {
    super(
      ErrorCode.FORBIDDEN,
      requested
        ? `this token acts for ${actingFor}; it cannot enroll a device for ${requested}`
        : `this token acts for ${actingFor}; it cannot enroll a userless device`,
    );
  }
}

/**
 * The hardware is actively enrolled for another user, and this enrollment has neither the
 * device's credential, a resetting method nor an administrator behind it (re-enrollment.policy.ts).
 * Names nobody: the holder stays unknown to the caller.
 */
export class HardwareHeldError extends DomainError {
  constructor() {
    super(
      ErrorCode.HARDWARE_HELD_BY_ANOTHER_USER,
      "this hardware is enrolled and in use by another user; re-enrolling it needs the device's own credential, an enrollment method that resets the device, or an administrator",
    );
  }
}
