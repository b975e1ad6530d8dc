/**
 * What an enrollment writes on its device, decided once for every path that enrolls (one device
 * through `enrollDevice`, or many through Windows bulk enrollment): the catalog row's rules
 * (Intune "What is device enrollment?", the method tables: reset, user affinity, locked), the
 * ownership, and what matching the hardware found (corporate identifiers, Windows Autopilot,
 * an Exchange ActiveSync partnership). Pure: the services gather the facts in their transaction,
 * ask this module, and persist the planned columns (one row, or set-based for a batch).
 */
import type { AppleEnrollmentProfile } from '../apple-enrollment/enrollment-profile.entity.js';
import type { EnrollmentMethod } from '../catalog/enrollment-method.type.js';
import { operatingSystemName, type DevicePlatform } from '../catalog/platform.enum.js';
import type { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import {
  ManagedDeviceOwnerType,
  ManagementAgent,
  ManagementState,
  type DeviceEnrollmentType,
  type WindowsJoinType,
} from '../device/device.enums.js';
import {
  deviceEnrollmentTypeFor,
  isLocked,
  isSupervised,
  managementCapabilities,
  ownerTypeFor,
  resetsDevice,
} from './enrollment.rules.js';

/** What is known about an enrollment when its device's columns are decided. */
export interface EnrollmentFacts {
  /** The catalog row of the platform and method. */
  row: EnrollmentMethod;
  /** Windows automatic enrollment's Azure AD join type; null otherwise. */
  joinType: WindowsJoinType | null;
  /** The Apple enrollment profile the method's pre-registration granted (DEP, Configurator), if any. */
  profile: AppleEnrollmentProfile | null;
  /** Whether the enrollment links a user (affinity). */
  hasUser: boolean;
  /** Corporate identifiers matched the hardware (Intune: devices identified by IMEI or serial are corporate-owned). */
  identified: boolean;
  /** A Windows device whose serial number is registered with Windows Autopilot (an organisation device). */
  autopilotRegistered: boolean;
  /**
   * The device enrolled through Apple's User Enrollment (its check-in messages carry an
   * EnrollmentID, not a UDID): Graph `deviceEnrollmentType` `appleUserEnrollment`. Default false.
   */
  appleUserEnrollment?: boolean;
}

/** The device columns an enrollment decides (everything but identity, names, hardware ids, times and relations). */
export interface PlannedDevice {
  platform: DevicePlatform;
  operatingSystem: string;
  managedDeviceOwnerType: ManagedDeviceOwnerType;
  enrollmentMethod: EnrollmentMethodKind;
  enrollmentType: DeviceEnrollmentType;
  managementState: ManagementState;
  isSupervised: boolean;
  lockedEnrollment: boolean;
  resetDuringEnrollment: boolean;
  kioskMode: boolean;
  joinType: WindowsJoinType | null;
  supportsConditionalAccess: boolean;
  supportsJailbreakDetection: boolean;
  supportsAppProtection: boolean;
}

/** The Exchange ActiveSync columns of an enrolled device. */
export interface PlannedExchange {
  easDeviceId: string | null;
  easActivated: boolean;
  managementAgent: ManagementAgent;
}

/**
 * The device an enrollment produces. Ownership: the method's (enrollment.rules.ts `ownerTypeFor`),
 * made `company` when corporate identifiers or Windows Autopilot recognise the hardware. The rest
 * follows the catalog row and the profile (enrollment.rules.ts); an enrolled device is `managed`.
 */
export function planEnrollment(facts: EnrollmentFacts): PlannedDevice {
  const { row, profile } = facts;
  const corporate = facts.identified || facts.autopilotRegistered;
  return {
    platform: row.platform,
    operatingSystem: operatingSystemName[row.platform],
    managedDeviceOwnerType: corporate
      ? ManagedDeviceOwnerType.company
      : ownerTypeFor(row.method, facts.joinType),
    enrollmentMethod: row.method,
    enrollmentType: deviceEnrollmentTypeFor(row, facts.hasUser, facts.appleUserEnrollment),
    managementState: ManagementState.managed,
    isSupervised: isSupervised(row.method, profile),
    lockedEnrollment: isLocked(row, profile),
    resetDuringEnrollment: resetsDevice(row),
    kioskMode: profile?.kioskModeEnabled ?? false,
    joinType: facts.joinType,
    ...managementCapabilities(row.method),
  };
}

/**
 * The Exchange columns: a device known through Exchange ActiveSync that enrolls keeps its EAS
 * device id, and when a partnership with that id exists (`linked`) it is managed by EAS and MDM
 * together (Graph `managementAgent` `easMdm`, `easActivated`); otherwise it is managed by MDM alone.
 */
export function planExchange(easDeviceId: string | null, linked: boolean): PlannedExchange {
  return {
    easDeviceId,
    easActivated: easDeviceId !== null && linked,
    managementAgent: easDeviceId !== null && linked ? ManagementAgent.easMdm : ManagementAgent.mdm,
  };
}
