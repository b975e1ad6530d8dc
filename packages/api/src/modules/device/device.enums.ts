import { registerEnumType } from 'type-graphql';

/** Graph `managedDeviceOwnerType`: who owns the hardware. */
export enum ManagedDeviceOwnerType {
  unknown = 'unknown',
  company = 'company',
  personal = 'personal',
}
registerEnumType(ManagedDeviceOwnerType, {
  name: 'ManagedDeviceOwnerType',
  description: 'Graph `managedDeviceOwnerType`: `company` (corporate-owned) or `personal` (BYOD).',
});

/**
 * Graph `deviceEnrollmentType` values this gateway produces. Names are Graph's own
 * (microsoft.graph.deviceEnrollmentType), so exports to and from Intune line up.
 */
export enum DeviceEnrollmentType {
  unknown = 'unknown',
  userEnrollment = 'userEnrollment',
  deviceEnrollmentManager = 'deviceEnrollmentManager',
  appleBulkWithUser = 'appleBulkWithUser',
  appleBulkWithoutUser = 'appleBulkWithoutUser',
  windowsAzureADJoin = 'windowsAzureADJoin',
  windowsBulkUserless = 'windowsBulkUserless',
  windowsAutoEnrollment = 'windowsAutoEnrollment',
  windowsCoManagement = 'windowsCoManagement',
  appleUserEnrollment = 'appleUserEnrollment',
}
registerEnumType(DeviceEnrollmentType, {
  name: 'DeviceEnrollmentType',
  description:
    "Graph `deviceEnrollmentType`: how the device was enrolled, in Microsoft Graph terms. `userEnrollment` is a user-driven BYOD enrollment of the whole device (Company Portal, or an Apple enrollment profile that names the device by its UDID); `appleUserEnrollment` is Apple's User Enrollment, which manages only the user's work data and names no hardware.",
});

/**
 * Graph `managementState`, plus the terminal states this gateway keeps records in
 * (`retired`, `wiped`), which Intune does not show because it drops those records.
 */
export enum ManagementState {
  managed = 'managed',
  retirePending = 'retirePending',
  retired = 'retired',
  wipePending = 'wipePending',
  wiped = 'wiped',
  deletePending = 'deletePending',
}
registerEnumType(ManagementState, {
  name: 'ManagementState',
  description: 'Graph `managementState` of a managed device (managed, retirePending, wipePending, ...).',
});

/** Azure AD join type of a Windows device (seed: Windows Auto-enroll; ownership follows it). */
export enum WindowsJoinType {
  /** Azure AD joined: an organisation device → `company`. */
  azureADJoined = 'azureADJoined',
  /** Azure AD registered (workplace join): a personal device → `personal`. */
  azureADRegistered = 'azureADRegistered',
}
registerEnumType(WindowsJoinType, {
  name: 'WindowsJoinType',
  description:
    'Azure AD join type of a Windows automatic enrollment: joined → company, registered → personal.',
});

/** Graph `managementAgent`, reduced to the agents this gateway knows. */
export enum ManagementAgent {
  /** Enrolled in MDM. */
  mdm = 'mdm',
  /** Known only through Exchange ActiveSync (seed: "Mobile device management with Exchange ActiveSync"). */
  eas = 'eas',
  /** Enrolled, and also seen through Exchange ActiveSync. */
  easMdm = 'easMdm',
}
registerEnumType(ManagementAgent, {
  name: 'ManagementAgent',
  description: 'Graph `managementAgent`: mdm, eas, or easMdm.',
});
