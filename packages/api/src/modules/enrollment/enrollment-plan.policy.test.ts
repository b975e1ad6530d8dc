import { describe, expect, it } from 'vitest';
import type { AppleEnrollmentProfile } from '../apple-enrollment/enrollment-profile.entity.js';
import { EnrollmentMethodKind as M, Requirement } from '../catalog/enrollment-method-kind.enum.js';
import { enrollmentMethodCatalog } from '../catalog/enrollment-method.catalog.js';
import { DevicePlatform, operatingSystemName } from '../catalog/platform.enum.js';
import {
  DeviceEnrollmentType,
  ManagedDeviceOwnerType,
  ManagementAgent,
  ManagementState,
  WindowsJoinType,
} from '../device/device.enums.js';
import { planEnrollment, planExchange, type EnrollmentFacts } from './enrollment-plan.policy.js';

const unrecognized = { identified: false, autopilotRegistered: false };
const facts = (row: EnrollmentFacts['row'], more: Partial<EnrollmentFacts> = {}): EnrollmentFacts => ({
  row,
  joinType: row.method === M.AUTO_ENROLL ? WindowsJoinType.azureADRegistered : null,
  profile: null,
  hasUser: row.userAffinity !== Requirement.NO,
  ...unrecognized,
  ...more,
});

describe('planEnrollment', () => {
  it.each(enrollmentMethodCatalog.map((row) => [`${row.platform} ${row.method}`, row] as const))(
    'plans %s with the columns of its catalog row: reset, locked, its enrollment type, managed',
    (_, row) => {
      const plan = planEnrollment(facts(row));
      expect(plan).toMatchObject({
        platform: row.platform,
        operatingSystem: operatingSystemName[row.platform],
        enrollmentMethod: row.method,
        managementState: ManagementState.managed,
        resetDuringEnrollment: row.resetRequired === Requirement.YES,
      });
      if (row.locked !== Requirement.OPTIONAL)
        expect(plan.lockedEnrollment).toBe(row.locked === Requirement.YES);
      expect(row.deviceEnrollmentTypes).toContain(plan.enrollmentType);
    },
  );

  it.each(enrollmentMethodCatalog.map((row) => [`${row.platform} ${row.method}`, row] as const))(
    'plans %s as a company device when corporate identifiers or Windows Autopilot recognise it',
    (_, row) => {
      expect(planEnrollment(facts(row, { identified: true })).managedDeviceOwnerType).toBe(
        ManagedDeviceOwnerType.company,
      );
      expect(planEnrollment(facts(row, { autopilotRegistered: true })).managedDeviceOwnerType).toBe(
        ManagedDeviceOwnerType.company,
      );
    },
  );

  it("records Apple's User Enrollment as appleUserEnrollment, a UDID-named BYOD enrollment as userEnrollment, and nothing else as appleUserEnrollment", () => {
    for (const row of enrollmentMethodCatalog) {
      const userEnrolled = planEnrollment(facts(row, { appleUserEnrollment: true })).enrollmentType;
      const apple =
        row.method === M.BYOD && [DevicePlatform.IOS, DevicePlatform.MACOS].includes(row.platform);
      expect(userEnrolled === DeviceEnrollmentType.appleUserEnrollment).toBe(apple);
      expect(planEnrollment(facts(row)).enrollmentType).not.toBe(DeviceEnrollmentType.appleUserEnrollment);
      if (row.method === M.BYOD)
        expect(planEnrollment(facts(row)).enrollmentType).toBe(DeviceEnrollmentType.userEnrollment);
    }
  });

  it('keeps personal ownership for BYOD and a registered (not joined) Windows device that nothing recognises', () => {
    const byod = enrollmentMethodCatalog.find(
      (r) => r.platform === DevicePlatform.IOS && r.method === M.BYOD,
    )!;
    const auto = enrollmentMethodCatalog.find((r) => r.method === M.AUTO_ENROLL)!;
    expect(planEnrollment(facts(byod)).managedDeviceOwnerType).toBe(ManagedDeviceOwnerType.personal);
    expect(planEnrollment(facts(auto)).managedDeviceOwnerType).toBe(ManagedDeviceOwnerType.personal);
    expect(
      planEnrollment(facts(auto, { joinType: WindowsJoinType.azureADJoined })).managedDeviceOwnerType,
    ).toBe(ManagedDeviceOwnerType.company);
  });

  it('takes supervision, lock and kiosk mode of a DEP device from its enrollment profile', () => {
    const dep = enrollmentMethodCatalog.find((r) => r.method === M.DEP)!;
    const profile = {
      supervisedModeEnabled: false,
      isMandatory: true,
      profileRemovalDisabled: false,
      kioskModeEnabled: true,
    } as AppleEnrollmentProfile;
    expect(planEnrollment(facts(dep, { profile }))).toMatchObject({
      isSupervised: false,
      lockedEnrollment: true,
      kioskMode: true,
    });
  });

  it('gives a USB-Direct device none of conditional access, jailbreak detection and app protection', () => {
    const direct = enrollmentMethodCatalog.find((r) => r.method === M.USB_DIRECT)!;
    expect(planEnrollment(facts(direct))).toMatchObject({
      supportsConditionalAccess: false,
      supportsJailbreakDetection: false,
      supportsAppProtection: false,
    });
  });
});

describe('planExchange', () => {
  it('manages a device with a linked Exchange partnership by EAS and MDM, every other by MDM alone', () => {
    expect(planExchange('EAS1', true)).toEqual({
      easDeviceId: 'EAS1',
      easActivated: true,
      managementAgent: ManagementAgent.easMdm,
    });
    expect(planExchange('EAS1', false)).toEqual({
      easDeviceId: 'EAS1',
      easActivated: false,
      managementAgent: ManagementAgent.mdm,
    });
    expect(planExchange(null, false)).toEqual({
      easDeviceId: null,
      easActivated: false,
      managementAgent: ManagementAgent.mdm,
    });
  });
});
