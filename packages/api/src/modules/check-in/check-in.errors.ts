import { DomainError } from '../../shared/domain-error.js';
import { ErrorCode } from '../../shared/error-code.js';
import type { ManagementState } from '../device/device.enums.js';

/** A retired or wiped record no longer stands for managed hardware; it must enroll again. */
export class DeviceNotManagedError extends DomainError {
  constructor(deviceId: string, state: ManagementState) {
    super(ErrorCode.INVALID_DEVICE_STATE, `device ${deviceId} is ${state}; enroll it again to check in`);
  }
}
