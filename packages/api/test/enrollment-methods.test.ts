import {
  EnrollmentCatalogDocument,
  UnenrollDeviceDocument,
  RetireDeviceDocument,
  WipeDeviceDocument,
  type EnrollDeviceInput,
} from '@mdm/schema';
import { describe, expect, it } from 'vitest';
import { byodInput, uniqueImei, uniqueSerial, uniqueUpn } from './support/builders.js';
import { enrollmentSetup } from './support/enrollment-setup.js';
import { useTestGateway } from './support/kit.js';

/** What a seed row's enrollment must produce. */
interface Expected {
  managedDeviceOwnerType: 'company' | 'personal';
  enrollmentType: string;
  withUser: boolean;
  resetDuringEnrollment: boolean;
  lockedEnrollment: boolean;
  isSupervised: boolean;
}

describe('every row of the seed tables enrolls with its rules as behaviour', () => {
  const gateway = useTestGateway();
  const setup = enrollmentSetup(gateway);

  const windows = {
    platform: 'WINDOWS' as const,
    model: 'Surface Pro',
    manufacturer: 'Microsoft',
    osVersion: '10.0.22631',
  };
  const rows: { row: string; input: () => Promise<EnrollDeviceInput>; expected: Expected }[] = [
    {
      row: 'iOS BYOD (reset No, affinity Yes, locked No)',
      input: async () => byodInput(),
      expected: {
        managedDeviceOwnerType: 'personal',
        enrollmentType: 'userEnrollment',
        withUser: true,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'iOS DEM (reset No, affinity No, locked No)',
      input: async () =>
        byodInput({
          method: 'DEM',
          userPrincipalName: null,
          enrollmentManagerUserPrincipalName: await setup.demAccount(),
        }),
      expected: {
        managedDeviceOwnerType: 'company',
        enrollmentType: 'deviceEnrollmentManager',
        withUser: false,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'iOS DEP with a profile requiring user authentication and mandatory (reset Yes, affinity/locked Optional → Yes)',
      input: async () =>
        byodInput({
          method: 'DEP',
          serialNumber: await setup.depSerial({ requiresUserAuthentication: true, isMandatory: true }),
        }),
      expected: {
        managedDeviceOwnerType: 'company',
        enrollmentType: 'appleBulkWithUser',
        withUser: true,
        resetDuringEnrollment: true,
        lockedEnrollment: true,
        isSupervised: true,
      },
    },
    {
      row: 'iOS DEP with a userless, removable profile (affinity/locked Optional → No)',
      input: async () =>
        byodInput({ method: 'DEP', userPrincipalName: null, serialNumber: await setup.depSerial({}) }),
      expected: {
        managedDeviceOwnerType: 'company',
        enrollmentType: 'appleBulkWithoutUser',
        withUser: false,
        resetDuringEnrollment: true,
        lockedEnrollment: false,
        isSupervised: true,
      },
    },
    {
      row: 'iOS USB-SA (reset Yes, affinity Optional from profile, locked No per the table)',
      input: async () =>
        byodInput({
          method: 'USB_SA',
          serialNumber: await setup.usbSaSerial({ requiresUserAuthentication: true }),
        }),
      expected: {
        managedDeviceOwnerType: 'company',
        enrollmentType: 'appleBulkWithUser',
        withUser: true,
        resetDuringEnrollment: true,
        lockedEnrollment: false,
        isSupervised: true,
      },
    },
    {
      row: 'iOS USB-Direct (reset No, affinity No, locked No, unsupervised)',
      input: async () =>
        byodInput({
          method: 'USB_DIRECT',
          userPrincipalName: null,
          profileExportToken: (await setup.usbDirectToken()).token,
        }),
      expected: {
        managedDeviceOwnerType: 'company',
        enrollmentType: 'appleBulkWithoutUser',
        withUser: false,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'macOS BYOD',
      input: async () => byodInput({ platform: 'MACOS', model: 'MacBook Air', osVersion: '14.4' }),
      expected: {
        managedDeviceOwnerType: 'personal',
        enrollmentType: 'userEnrollment',
        withUser: true,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'macOS DEM',
      input: async () =>
        byodInput({
          platform: 'MACOS',
          method: 'DEM',
          userPrincipalName: null,
          enrollmentManagerUserPrincipalName: await setup.demAccount(),
        }),
      expected: {
        managedDeviceOwnerType: 'company',
        enrollmentType: 'deviceEnrollmentManager',
        withUser: false,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'Windows BYOD',
      input: async () => byodInput({ ...windows }),
      expected: {
        managedDeviceOwnerType: 'personal',
        enrollmentType: 'userEnrollment',
        withUser: true,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'Windows DEM',
      input: async () =>
        byodInput({
          ...windows,
          method: 'DEM',
          userPrincipalName: null,
          enrollmentManagerUserPrincipalName: await setup.demAccount(),
        }),
      expected: {
        managedDeviceOwnerType: 'company',
        enrollmentType: 'deviceEnrollmentManager',
        withUser: false,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'Windows Auto-enroll of an Azure AD joined device (affinity Yes; joined → company)',
      input: async () => byodInput({ ...windows, method: 'AUTO_ENROLL', joinType: 'azureADJoined' }),
      expected: {
        managedDeviceOwnerType: 'company',
        enrollmentType: 'windowsAutoEnrollment',
        withUser: true,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'Windows Bulk enroll (affinity No, corporate)',
      input: async () =>
        byodInput({
          ...windows,
          method: 'BULK_ENROLL',
          userPrincipalName: null,
          bulkEnrollmentToken: await setup.bulkToken(),
        }),
      expected: {
        managedDeviceOwnerType: 'company',
        enrollmentType: 'windowsBulkUserless',
        withUser: false,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'Android BYOD',
      input: async () =>
        byodInput({
          platform: 'ANDROID',
          imei: uniqueImei(),
          model: 'Pixel 8',
          manufacturer: 'Google',
          osVersion: '14',
        }),
      expected: {
        managedDeviceOwnerType: 'personal',
        enrollmentType: 'userEnrollment',
        withUser: true,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'Android DEM',
      input: async () =>
        byodInput({
          platform: 'ANDROID',
          method: 'DEM',
          userPrincipalName: null,
          enrollmentManagerUserPrincipalName: await setup.demAccount(),
          osVersion: '14',
        }),
      expected: {
        managedDeviceOwnerType: 'company',
        enrollmentType: 'deviceEnrollmentManager',
        withUser: false,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
    {
      row: 'Android for Work (affinity Yes, personal)',
      input: async () => byodInput({ platform: 'ANDROID', method: 'ANDROID_FOR_WORK', osVersion: '14' }),
      expected: {
        managedDeviceOwnerType: 'personal',
        enrollmentType: 'userEnrollment',
        withUser: true,
        resetDuringEnrollment: false,
        lockedEnrollment: false,
        isSupervised: false,
      },
    },
  ];

  it('covers all 14 catalog rows', async () => {
    const { enrollmentCatalog } = await gateway.query(EnrollmentCatalogDocument, {});
    const catalog = enrollmentCatalog
      .flatMap((t) => t.methods.map((m) => `${t.platform}/${m.method}`))
      .sort();
    const covered = [
      ...new Set(
        await Promise.all(
          rows.map(async (r) => {
            const i = await r.input();
            return `${i.platform}/${i.method}`;
          }),
        ),
      ),
    ].sort();
    expect(catalog).toHaveLength(14);
    expect(covered).toEqual(catalog);
  });

  it.each(rows)('$row', async ({ input, expected }) => {
    const request = await input();
    const device = await setup.enrolled(request);
    expect(device).toMatchObject({
      managementState: 'managed',
      enrollmentMethod: request.method,
      managedDeviceOwnerType: expected.managedDeviceOwnerType,
      enrollmentType: expected.enrollmentType,
      resetDuringEnrollment: expected.resetDuringEnrollment,
      lockedEnrollment: expected.lockedEnrollment,
      isSupervised: expected.isSupervised,
      userPrincipalName: expected.withUser ? request.userPrincipalName : null,
    });
    // Locked as behaviour: the user cannot unenroll a locked enrollment, but can any other.
    const { unenrollDevice } = await gateway.query(UnenrollDeviceDocument, { deviceId: device.id });
    if (expected.lockedEnrollment)
      expect(unenrollDevice).toMatchObject({
        __typename: 'OperationRefusedError',
        code: 'ENROLLMENT_LOCKED',
      });
    else
      expect(unenrollDevice).toMatchObject({
        __typename: 'DeviceActionSuccess',
        device: { managementState: 'retirePending' },
      });
  });

  it('a locked DEP enrollment can still be retired or wiped by an admin', async () => {
    const request = byodInput({
      method: 'DEP',
      serialNumber: await setup.depSerial({ requiresUserAuthentication: true, profileRemovalDisabled: true }),
    });
    const device = await setup.enrolled(request);
    expect(device.lockedEnrollment).toBe(true);
    const { retireDevice } = await gateway.query(RetireDeviceDocument, { deviceId: device.id });
    expect(retireDevice).toMatchObject({
      __typename: 'DeviceActionSuccess',
      device: { managementState: 'retirePending' },
    });
    const { wipeDevice } = await gateway.query(WipeDeviceDocument, { deviceId: device.id });
    expect(wipeDevice).toMatchObject({
      __typename: 'DeviceActionSuccess',
      device: { managementState: 'wipePending' },
    });
  });

  it('USB-Direct devices are marked unable to support conditional access, jailbreak detection and app protection', async () => {
    const device = await setup.enrolled(
      byodInput({
        method: 'USB_DIRECT',
        userPrincipalName: null,
        profileExportToken: (await setup.usbDirectToken()).token,
      }),
    );
    expect(device).toMatchObject({
      supportsConditionalAccess: false,
      supportsJailbreakDetection: false,
      supportsAppProtection: false,
    });
    const byod = await setup.enrolled(byodInput());
    expect(byod).toMatchObject({
      supportsConditionalAccess: true,
      supportsJailbreakDetection: true,
      supportsAppProtection: true,
    });
  });

  it('a USB-SA profile with kiosk mode gives a kiosk-mode device', async () => {
    const device = await setup.enrolled(
      byodInput({
        method: 'USB_SA',
        userPrincipalName: null,
        serialNumber: await setup.usbSaSerial({ kioskModeEnabled: true }),
      }),
    );
    expect(device).toMatchObject({
      kioskMode: true,
      isSupervised: true,
      lockedEnrollment: false,
      userPrincipalName: null,
    });
  });

  it('Windows Auto-enroll of an Azure AD registered device is personal', async () => {
    const device = await setup.enrolled(
      byodInput({ ...windows, method: 'AUTO_ENROLL', joinType: 'azureADRegistered' }),
    );
    expect(device).toMatchObject({ managedDeviceOwnerType: 'personal', joinType: 'azureADRegistered' });
  });

  it("a reset-required enrollment closes the earlier record's state: user replaced, pending actions cancelled, reset recorded", async () => {
    const serialNumber = await setup.depSerial({});
    const byod = await setup.enrolled(byodInput({ serialNumber, userPrincipalName: uniqueUpn() }));
    await gateway.query(RetireDeviceDocument, { deviceId: byod.id });
    const dep = await setup.enrolled(byodInput({ method: 'DEP', userPrincipalName: null, serialNumber }));
    expect(dep).toMatchObject({
      id: byod.id,
      userPrincipalName: null,
      resetDuringEnrollment: true,
      managementState: 'managed',
      enrollmentMethod: 'DEP',
    });
    const actions = await gateway.sql<{ action: string; state: string }>(
      'select action, state from device_action where device_id = ? order by requested_date_time, action',
      [byod.id],
    );
    expect(actions).toEqual([
      { action: 'resetDuringEnrollment', state: 'done' },
      { action: 'retire', state: 'cancelled' },
    ]);
    expect(
      await gateway.sql('select id from managed_device where serial_number = ?', [serialNumber]),
    ).toHaveLength(1);
    expect(uniqueSerial()).not.toBe(serialNumber);
  });
});
