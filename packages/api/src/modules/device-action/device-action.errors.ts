import { DomainError } from '../../shared/domain-error.js';
import { ErrorCode } from '../../shared/error-code.js';
import type { ManagementState } from '../device/device.enums.js';

/** Seed column "Locked": users can't unenroll devices; an admin can still retire or wipe them. */
export class EnrollmentLockedError extends DomainError {
  constructor(deviceId: string) {
    super(
      ErrorCode.ENROLLMENT_LOCKED,
      `device ${deviceId} has a locked enrollment: the user cannot unenroll it; an admin can retire or wipe it`,
    );
  }
}

/** The action does not apply to a device in this management state. */
export class ActionNotAllowedError extends DomainError {
  constructor(deviceId: string, action: string, state: ManagementState) {
    super(
      ErrorCode.INVALID_DEVICE_STATE,
      `device ${deviceId} is ${state}; ${action} is not possible in that state`,
    );
  }
}
