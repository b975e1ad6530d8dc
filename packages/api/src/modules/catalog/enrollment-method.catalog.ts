import { DeviceEnrollmentType as T } from '../device/device.enums.js';
import { EnrollmentMethodKind as M, Requirement } from './enrollment-method-kind.enum.js';
import { DevicePlatform as P } from './platform.enum.js';
import type { EnrollmentMethod } from './enrollment-method.type.js';

const { YES, NO, OPTIONAL } = Requirement;

/** What each method is, summarised from the seed's sections. */
const descriptions: Record<M, string> = {
  [M.BYOD]:
    'Bring your own device: a user enrolls a personal phone, tablet or PC through the Company Portal app to reach company resources such as email.',
  [M.DEM]:
    'Device enrollment manager: a special user account that enrolls and manages many user-less corporate-owned devices.',
  [M.DEP]:
    'Apple Device Enrollment Program: devices bought through Apple enroll over the air when first turned on, in Setup Assistant; supports supervised mode.',
  [M.USB_SA]:
    'Apple Configurator with Setup Assistant: IT prepares each corporate device over USB; the user then runs Setup Assistant to enroll. Supervised.',
  [M.USB_DIRECT]:
    'Apple Configurator direct enrollment: USB-connected corporate devices enroll without a factory reset, as user-less, unsupervised devices that cannot support conditional access, jailbreak detection or app protection.',
  [M.AUTO_ENROLL]:
    'Windows automatic enrollment: devices that join or register with Azure AD enroll automatically for the signed-in user.',
  [M.BULK_ENROLL]:
    'Windows bulk enrollment: a provisioning package enrolls many user-less corporate devices without a reset.',
  [M.ANDROID_FOR_WORK]:
    'Android for Work: a work profile separates company apps and data from the personal side of the device.',
};

/** Seed section that describes each method; the tables link to these anchors. */
const sources: Record<M, string> = {
  [M.BYOD]: 'Bring your own device',
  [M.DEM]: 'Corporate-owned device > Device enrollment manager',
  [M.DEP]: 'Corporate-owned device > Apple Device Enrollment Program',
  [M.USB_SA]: 'Corporate-owned device > USB-SA',
  [M.USB_DIRECT]: 'Corporate-owned device > USB-Direct',
  [M.AUTO_ENROLL]: 'Windows enrollment methods (Auto-enroll)',
  [M.BULK_ENROLL]: 'Windows enrollment methods (Bulk enroll)',
  [M.ANDROID_FOR_WORK]: 'Android enrollment methods (Android for Work)',
};

type Row = [M, string, Requirement, Requirement, Requirement, T[]];

/**
 * The seed's four tables, cell for cell (seed: "iOS/macOS/Windows/Android enrollment methods";
 * columns Reset Required, User Affinity, Locked). This is the only copy of the tables in the
 * code: enrollment rules read them from here, and a test compares them with the seed file.
 */
const tables: Record<P, Row[]> = {
  [P.IOS]: [
    [M.BYOD, 'BYOD', NO, YES, NO, [T.userEnrollment, T.appleUserEnrollment]],
    [M.DEM, 'DEM', NO, NO, NO, [T.deviceEnrollmentManager]],
    [M.DEP, 'DEP', YES, OPTIONAL, OPTIONAL, [T.appleBulkWithUser, T.appleBulkWithoutUser]],
    [M.USB_SA, 'USB-SA', YES, OPTIONAL, NO, [T.appleBulkWithUser, T.appleBulkWithoutUser]],
    [M.USB_DIRECT, 'USB-Direct', NO, NO, NO, [T.appleBulkWithoutUser]],
  ],
  [P.MACOS]: [
    [M.BYOD, 'BYOD', NO, YES, NO, [T.userEnrollment, T.appleUserEnrollment]],
    [M.DEM, 'DEM', NO, NO, NO, [T.deviceEnrollmentManager]],
  ],
  [P.WINDOWS]: [
    [M.BYOD, 'BYOD', NO, YES, NO, [T.userEnrollment]],
    [M.DEM, 'DEM', NO, NO, NO, [T.deviceEnrollmentManager]],
    [M.AUTO_ENROLL, 'Auto-enroll', NO, YES, NO, [T.windowsAutoEnrollment]],
    [M.BULK_ENROLL, 'Bulk enroll', NO, NO, NO, [T.windowsBulkUserless]],
  ],
  [P.ANDROID]: [
    [M.BYOD, 'BYOD', NO, YES, NO, [T.userEnrollment]],
    [M.DEM, 'DEM', NO, NO, NO, [T.deviceEnrollmentManager]],
    [M.ANDROID_FOR_WORK, 'Android for Work', NO, YES, NO, [T.userEnrollment]],
  ],
};

/** All 14 rows, platform by platform in the seed's order (iOS, macOS, Windows, Android). */
export const enrollmentMethodCatalog: readonly EnrollmentMethod[] = Object.freeze(
  (Object.entries(tables) as [P, Row[]][]).flatMap(([platform, rows]) =>
    rows.map(([method, displayName, resetRequired, userAffinity, locked, deviceEnrollmentTypes]) =>
      Object.freeze({
        platform,
        method,
        displayName,
        resetRequired,
        userAffinity,
        locked,
        deviceEnrollmentTypes,
        description: descriptions[method],
        source: sources[method],
      }),
    ),
  ),
);

/**
 * The catalog row for `method` on `platform`, or `undefined` when the platform's table does
 * not list the method (such an enrollment is refused with METHOD_NOT_AVAILABLE).
 */
export function findEnrollmentMethod(platform: P, method: M): EnrollmentMethod | undefined {
  return enrollmentMethodCatalog.find((row) => row.platform === platform && row.method === method);
}
