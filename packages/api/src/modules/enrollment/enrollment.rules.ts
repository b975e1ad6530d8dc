import { InputValidationError } from '../../shared/domain-error.js';
import type { AppleEnrollmentProfile } from '../apple-enrollment/enrollment-profile.entity.js';
import { EnrollmentMethodKind as M, Requirement } from '../catalog/enrollment-method-kind.enum.js';
import type { EnrollmentMethod } from '../catalog/enrollment-method.type.js';
import { DeviceEnrollmentType, ManagedDeviceOwnerType, WindowsJoinType } from '../device/device.enums.js';
import { DemNotAllowedError, UserAffinityError } from './enrollment.errors.js';
import type { EnrollDeviceCommand } from './enrollment.input.js';

/**
 * Ownership by method (seed: "Corporate-owned device" — DEM, DEP and Apple Configurator enroll
 * corporate-owned devices; BYOD covers personal ones). Windows bulk enrollment provisions
 * corporate devices. Windows automatic enrollment follows the Azure AD join type (joined →
 * company, registered → personal). BYOD and Android for Work are personal unless a corporate
 * identifier or Autopilot registration says otherwise (applied by the enrollment service).
 */
export function ownerTypeFor(method: M, joinType: WindowsJoinType | null): ManagedDeviceOwnerType {
  switch (method) {
    case M.DEM:
    case M.DEP:
    case M.USB_SA:
    case M.USB_DIRECT:
    case M.BULK_ENROLL:
      return ManagedDeviceOwnerType.company;
    case M.AUTO_ENROLL:
      return joinType === WindowsJoinType.azureADJoined
        ? ManagedDeviceOwnerType.company
        : ManagedDeviceOwnerType.personal;
    case M.BYOD:
    case M.ANDROID_FOR_WORK:
      return ManagedDeviceOwnerType.personal;
  }
}

/**
 * The Graph `deviceEnrollmentType` an enrollment records: `appleUserEnrollment` for a device that
 * enrolled through Apple's User Enrollment (iOS/iPadOS and macOS BYOD, an EnrollmentID instead of
 * a UDID); otherwise the catalog row's one other value, or for Apple bulk methods with optional
 * affinity, `appleBulkWithUser` when a user was linked.
 */
export function deviceEnrollmentTypeFor(
  row: EnrollmentMethod,
  hasUser: boolean,
  appleUserEnrollment = false,
): DeviceEnrollmentType {
  if (appleUserEnrollment && row.deviceEnrollmentTypes.includes(DeviceEnrollmentType.appleUserEnrollment))
    return DeviceEnrollmentType.appleUserEnrollment;
  const types = row.deviceEnrollmentTypes.filter((t) => t !== DeviceEnrollmentType.appleUserEnrollment);
  if (types.length === 1) return types[0]!;
  return hasUser ? DeviceEnrollmentType.appleBulkWithUser : DeviceEnrollmentType.appleBulkWithoutUser;
}

/**
 * Seed column "User Affinity": YES and NO are the table's; OPTIONAL is decided by the enrollment
 * profile (Graph depEnrollmentProfile `requiresUserAuthentication`).
 */
export function effectiveAffinity(
  row: EnrollmentMethod,
  profile: AppleEnrollmentProfile | null,
): Requirement.YES | Requirement.NO {
  if (row.userAffinity === Requirement.OPTIONAL)
    return profile?.requiresUserAuthentication ? Requirement.YES : Requirement.NO;
  return row.userAffinity === Requirement.YES ? Requirement.YES : Requirement.NO;
}

/**
 * Seed column "Locked": YES/NO from the table; OPTIONAL (DEP) from the profile: locked when the
 * profile is mandatory or forbids removing the management profile (`isMandatory` /
 * `profileRemovalDisabled`). USB-SA's row says NO although the seed's text says supervision
 * enables locked enrollment: the table wins (docs/enrollment.md, "Discrepancies").
 */
export function isLocked(row: EnrollmentMethod, profile: AppleEnrollmentProfile | null): boolean {
  if (row.locked === Requirement.OPTIONAL)
    return Boolean(profile && (profile.isMandatory || profile.profileRemovalDisabled));
  return row.locked === Requirement.YES;
}

/** Seed column "Reset Required": the device is factory reset during enrollment. */
export function resetsDevice(row: EnrollmentMethod): boolean {
  return row.resetRequired === Requirement.YES;
}

/**
 * Supervision (seed: DEP "supports iOS supervised mode"; USB-SA "supports iOS supervised mode";
 * USB-Direct devices "are not locked or supervised"). DEP follows its profile's
 * `supervisedModeEnabled`; USB-SA is always supervised.
 */
export function isSupervised(method: M, profile: AppleEnrollmentProfile | null): boolean {
  if (method === M.DEP) return profile?.supervisedModeEnabled ?? true;
  return method === M.USB_SA;
}

/**
 * Seed, USB-Direct: devices "cannot support conditional access, jailbreak detection, or mobile
 * application management". Every other method supports all three.
 */
export function managementCapabilities(method: M): {
  supportsConditionalAccess: boolean;
  supportsJailbreakDetection: boolean;
  supportsAppProtection: boolean;
} {
  const supported = method !== M.USB_DIRECT;
  return {
    supportsConditionalAccess: supported,
    supportsJailbreakDetection: supported,
    supportsAppProtection: supported,
  };
}

/** Affinity YES needs a user, NO forbids one. */
export function checkUserAffinity(
  affinity: Requirement.YES | Requirement.NO,
  command: EnrollDeviceCommand,
): void {
  if (affinity === Requirement.YES && !command.userPrincipalName) {
    throw new UserAffinityError(
      `${command.method} enrollment has user affinity: userPrincipalName is required`,
    );
  }
  if (affinity === Requirement.NO && command.userPrincipalName) {
    throw new UserAffinityError(
      `${command.method} enrollment is userless: userPrincipalName must not be given`,
    );
  }
}

/** Methods a device enrollment manager cannot use (seed/Intune: DEM is not usable with DEP or Apple Configurator). */
const NOT_FOR_DEM = new Set([M.DEP, M.USB_SA, M.USB_DIRECT]);

/**
 * Method-specific inputs: DEM needs its manager account and only DEM takes one (a DEM with DEP
 * or Configurator is refused); Auto-enroll needs the join type and only it takes one.
 * @throws InputValidationError; DemNotAllowedError
 */
export function checkMethodInputs(command: EnrollDeviceCommand): void {
  if (command.enrollmentManagerUserPrincipalName && NOT_FOR_DEM.has(command.method)) {
    throw new DemNotAllowedError(
      `a device enrollment manager cannot enroll devices with ${command.method} (DEM is not usable with DEP or Apple Configurator)`,
    );
  }
  const violations = [];
  if (command.method === M.DEM && !command.enrollmentManagerUserPrincipalName) {
    violations.push({
      field: 'input.enrollmentManagerUserPrincipalName',
      rule: 'required',
      message: 'DEM enrollment names the device enrollment manager account',
    });
  }
  if (command.method !== M.DEM && command.enrollmentManagerUserPrincipalName) {
    violations.push({
      field: 'input.enrollmentManagerUserPrincipalName',
      rule: 'onlyForDem',
      message: 'only DEM enrollments name an enrollment manager',
    });
  }
  if (command.method === M.AUTO_ENROLL && !command.joinType) {
    violations.push({
      field: 'input.joinType',
      rule: 'required',
      message: 'Windows automatic enrollment needs the Azure AD join type',
    });
  }
  if (command.method !== M.AUTO_ENROLL && command.joinType) {
    violations.push({
      field: 'input.joinType',
      rule: 'onlyForAutoEnroll',
      message: 'only Windows automatic enrollment has a join type',
    });
  }
  if (violations.length > 0) throw new InputValidationError(violations);
}
