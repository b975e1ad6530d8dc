import { EnrollmentMethodKind as M } from '../catalog/enrollment-method-kind.enum.js';
import type { EnrollmentMethod } from '../catalog/enrollment-method.type.js';
import { DeviceEnrollmentType, ManagedDeviceOwnerType } from '../device/device.enums.js';

/**
 * Ownership by method (seed: "Corporate-owned device" — DEM, DEP and Apple Configurator enroll
 * corporate-owned devices; BYOD covers personal ones). Windows bulk enrollment provisions
 * corporate devices. Auto-enroll and Android for Work default to personal here.
 */
export function ownerTypeFor(method: M): ManagedDeviceOwnerType {
  switch (method) {
    case M.DEM:
    case M.DEP:
    case M.USB_SA:
    case M.USB_DIRECT:
    case M.BULK_ENROLL:
      return ManagedDeviceOwnerType.company;
    case M.BYOD:
    case M.AUTO_ENROLL:
    case M.ANDROID_FOR_WORK:
      return ManagedDeviceOwnerType.personal;
  }
}

/**
 * The Graph `deviceEnrollmentType` an enrollment records: the catalog row's only value, or for
 * Apple bulk methods with optional affinity, `appleBulkWithUser` when a user was linked.
 */
export function deviceEnrollmentTypeFor(row: EnrollmentMethod, hasUser: boolean): DeviceEnrollmentType {
  if (row.deviceEnrollmentTypes.length === 1) return row.deviceEnrollmentTypes[0]!;
  return hasUser ? DeviceEnrollmentType.appleBulkWithUser : DeviceEnrollmentType.appleBulkWithoutUser;
}
