/**
 * The device limits of enrollment, one definition each:
 * - the per-user device limit (Intune "Device limit restrictions", Graph
 *   `deviceEnrollmentLimitConfiguration`: the default "All users" restriction allows 5 devices; a
 *   targeted restriction may set another limit). Only active devices count (active-device.policy.ts),
 *   and not those enrolled by a device enrollment manager, by Windows bulk enrollment or by Apple
 *   automated device enrollment (DEP): Intune does not enforce the limit on those methods;
 * - the device enrollment manager cap (Intune "Device enrollment manager": a DEM account enrolls
 *   up to 1,000 devices; DEM_DEVICE_LIMIT in config.ts, default 1000), counting the DEM's active devices;
 * - the number of DEM accounts per tenant (Intune: at most 150).
 * Which restriction wins for a user is the restriction service's; these are the counts and caps.
 */
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { activeDeviceSql } from '../device/active-device.policy.js';

/** Graph's default device limit restriction ("All users"): 5 devices per user. */
export const DEFAULT_DEVICE_LIMIT = 5;
/** Name a refusal gives when no DEVICE_LIMIT restriction targets the user. */
export const DEFAULT_LIMIT_NAME = 'Default device limit';
/** At most 150 device enrollment manager accounts per tenant (Intune's DEM limit). */
export const MAX_DEM_ACCOUNTS = 150;

/** Methods whose devices do not count against a user's device limit. */
export const NOT_COUNTED_FOR_USER_LIMIT: readonly EnrollmentMethodKind[] = [
  EnrollmentMethodKind.DEM,
  EnrollmentMethodKind.BULK_ENROLL,
  EnrollmentMethodKind.DEP,
];

/** Whether an enrollment with `method` is subject to (and counts against) the user's device limit. */
export function countsAgainstUserLimit(method: EnrollmentMethodKind): boolean {
  return !NOT_COUNTED_FOR_USER_LIMIT.includes(method);
}

/**
 * SQL condition over `managed_device` columns: the device counts against its user's limit (active,
 * enrolled by a counted method). Constant text.
 */
export function countedForUserLimitSql(): string {
  return `${activeDeviceSql('"management_state"')} and "enrollment_method" not in (${NOT_COUNTED_FOR_USER_LIMIT.map((m) => `'${m}'`).join(', ')})`;
}

/** Whether a user holding `counted` counted devices (the re-enrolled record excluded) may not enroll another under `limit`. */
export function userLimitReached(counted: number, limit: number): boolean {
  return counted >= limit;
}

/** Whether a DEM holding `active` active devices (the re-enrolled record excluded) may not enroll another under `cap`. */
export function demDeviceCapReached(active: number, cap: number): boolean {
  return active >= cap;
}

/** Whether a tenant with `accounts` DEM accounts may not make another account a DEM. */
export function demAccountCapReached(accounts: number): boolean {
  return accounts >= MAX_DEM_ACCOUNTS;
}
