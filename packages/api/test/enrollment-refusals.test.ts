import {
  CreateEnrollmentRestrictionDocument,
  DeleteEnrollmentRestrictionDocument,
  EnrollDeviceDocument,
  EnrollDevicesDocument,
  SetDeviceEnrollmentManagerDocument,
  SetUserGroupsDocument,
  type CreateEnrollmentRestrictionInput,
  type EnrollDeviceInput,
} from '@mdm/schema';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { byodInput, uniqueGroup, uniqueSerial, uniqueUpn } from './support/builders.js';
import { enrollmentSetup } from './support/enrollment-setup.js';
import { useTestGateway } from './support/kit.js';

describe('refused enrollments get a typed error and change nothing', () => {
  const gateway = useTestGateway();
  const setup = enrollmentSetup(gateway);

  /** Row counts of every table an enrollment writes. */
  const snapshot = async () =>
    (
      await gateway.sql<{ devices: string; users: string; actions: string }>(
        `select (select count(*) from managed_device) as devices, (select count(*) from app_user) as users, (select count(*) from device_action) as actions`,
      )
    )[0];

  /** Enrolls `input` and expects refusal `code`, with no row written anywhere. */
  async function expectRefused(input: EnrollDeviceInput, code: string, message?: RegExp) {
    const before = await snapshot();
    const result = await setup.enroll(input);
    expect(result).toMatchObject({ code });
    if (message && 'message' in result) expect(result.message).toMatch(message);
    expect(await snapshot()).toEqual(before);
  }

  // Priorities are unique per kind across the run: this file uses 1000-4010 (counter) and 5000-8010 (counter + 4000).
  let priority = 1000 + Math.floor(Math.random() * 3000);
  async function restriction(
    input: Omit<CreateEnrollmentRestrictionInput, 'priority'> & { priority?: number },
  ) {
    const { createEnrollmentRestriction: r } = await gateway.query(CreateEnrollmentRestrictionDocument, {
      input: { priority: priority++, ...input },
    });
    if (r.__typename !== 'CreateEnrollmentRestrictionSuccess')
      throw new Error(`restriction: ${r.__typename} ${'message' in r ? r.message : ''}`);
    return r.restriction;
  }
  async function userInGroup(group: string) {
    const upn = uniqueUpn();
    await gateway.query(SetUserGroupsDocument, { userPrincipalName: upn, groups: [group] });
    return upn;
  }

  it('a method the platform does not offer: METHOD_NOT_AVAILABLE', () =>
    expectRefused(byodInput({ platform: 'MACOS', method: 'DEP' }), 'METHOD_NOT_AVAILABLE'));

  it('no user where affinity is required: USER_AFFINITY_VIOLATION', () =>
    expectRefused(
      byodInput({ method: 'ANDROID_FOR_WORK', platform: 'ANDROID', userPrincipalName: null }),
      'USER_AFFINITY_VIOLATION',
    ));

  it('a user where the method is userless: USER_AFFINITY_VIOLATION', async () =>
    expectRefused(
      byodInput({ platform: 'WINDOWS', method: 'BULK_ENROLL', bulkEnrollmentToken: await setup.bulkToken() }),
      'USER_AFFINITY_VIOLATION',
    ));

  it('a user for a DEP profile without user authentication: USER_AFFINITY_VIOLATION (Optional decided by the profile)', async () =>
    expectRefused(
      byodInput({
        method: 'DEP',
        serialNumber: await setup.depSerial({ requiresUserAuthentication: false }),
      }),
      'USER_AFFINITY_VIOLATION',
    ));

  it('DEP for a serial not in the Apple device list: PREREQUISITE_MISSING', () =>
    expectRefused(
      byodInput({ method: 'DEP', userPrincipalName: null }),
      'PREREQUISITE_MISSING',
      /not in the organisation's Apple \(DEP\) device list/,
    ));

  it('DEP for a listed serial without an enrollment profile: PREREQUISITE_MISSING', async () =>
    expectRefused(
      byodInput({ method: 'DEP', userPrincipalName: null, serialNumber: await setup.depSerial(null) }),
      'PREREQUISITE_MISSING',
      /no DEP enrollment profile/,
    ));

  it('USB-SA for a serial not in the Configurator list: PREREQUISITE_MISSING', () =>
    expectRefused(byodInput({ method: 'USB_SA', userPrincipalName: null }), 'PREREQUISITE_MISSING'));

  it('USB-Direct with an unknown export token: PREREQUISITE_MISSING', () =>
    expectRefused(
      byodInput({ method: 'USB_DIRECT', userPrincipalName: null, profileExportToken: 'forged' }),
      'PREREQUISITE_MISSING',
    ));

  it('USB-Direct with an export older than two weeks: PREREQUISITE_MISSING (expired)', async () => {
    const { token, expiresDateTime } = await setup.usbDirectToken();
    expect(new Date(expiresDateTime).getTime() - gateway.clock.now().getTime()).toBe(14 * 86_400_000);
    gateway.clock.advance(14 * 86_400_000 - 1);
    await setup.enrolled(
      byodInput({ method: 'USB_DIRECT', userPrincipalName: null, profileExportToken: token }),
    );
    gateway.clock.advance(1);
    await expectRefused(
      byodInput({ method: 'USB_DIRECT', userPrincipalName: null, profileExportToken: token }),
      'PREREQUISITE_MISSING',
      /expired/,
    );
  });

  it('Windows bulk enrollment with an expired token: PREREQUISITE_MISSING', async () => {
    const token = await setup.bulkToken(1);
    gateway.clock.advance(86_400_000);
    await expectRefused(
      byodInput({
        platform: 'WINDOWS',
        method: 'BULK_ENROLL',
        userPrincipalName: null,
        bulkEnrollmentToken: token,
      }),
      'PREREQUISITE_MISSING',
      /expired/,
    );
  });

  it('DEM enrollment by an account that is not a DEM: DEM_NOT_ALLOWED', () =>
    expectRefused(
      byodInput({ method: 'DEM', userPrincipalName: null, enrollmentManagerUserPrincipalName: uniqueUpn() }),
      'DEM_NOT_ALLOWED',
    ));

  it('a DEM account with DEP or Apple Configurator: DEM_NOT_ALLOWED', async () => {
    const dem = await setup.demAccount();
    for (const method of ['DEP', 'USB_SA', 'USB_DIRECT'] as const) {
      await expectRefused(
        byodInput({ method, userPrincipalName: null, enrollmentManagerUserPrincipalName: dem }),
        'DEM_NOT_ALLOWED',
      );
    }
  });

  it('a DEM account enrolls its 1,000th device and is refused the 1,001st: DEM_DEVICE_LIMIT_REACHED', async () => {
    const dem = await setup.demAccount();
    // 999 devices seeded set-based (one INSERT ... SELECT generate_series), then the API does the rest.
    await gateway.sql(
      `insert into managed_device (id, device_name, platform, operating_system, os_version, serial_number, managed_device_owner_type,
         enrollment_method, enrollment_type, enrolled_date_time, last_sync_date_time, enrollment_manager_id)
       select gen_random_uuid(), 'DEM device ' || n, 'IOS', 'iOS', '17.4', ? || n, 'company', 'DEM', 'deviceEnrollmentManager', now(), now(),
              (select id from app_user where user_principal_name = ?)
         from generate_series(1, 999) as n`,
      [`DEM${randomUUID().slice(0, 8)}-`, dem],
    );
    const demInput = () =>
      byodInput({ method: 'DEM', userPrincipalName: null, enrollmentManagerUserPrincipalName: dem });
    const thousandth = await setup.enrolled(demInput());
    // Re-enrolling one of its devices does not count twice.
    await setup.enrolled({ ...demInput(), serialNumber: thousandth.serialNumber });
    await expectRefused(demInput(), 'DEM_DEVICE_LIMIT_REACHED', /1000/);
  });

  it('the 151st DEM account is refused: DEM_NOT_ALLOWED', async () => {
    const [{ n }] = (await gateway.sql<{ n: string }>(
      'select count(*) as n from app_user where is_device_enrollment_manager',
    )) as [{ n: string }];
    const prefix = `dem-cap-${randomUUID().slice(0, 8)}`;
    await gateway.sql(
      `insert into app_user (id, user_principal_name, display_name, created_date_time, is_device_enrollment_manager)
       select gen_random_uuid(), ? || n || '@contoso.example', 'dem', now(), true from generate_series(1, ?) as n`,
      [prefix, 150 - Number(n)],
    );
    try {
      const { setDeviceEnrollmentManager } = await gateway.query(SetDeviceEnrollmentManagerDocument, {
        userPrincipalName: uniqueUpn(),
        enabled: true,
      });
      expect(setDeviceEnrollmentManager).toMatchObject({
        __typename: 'OperationRefusedError',
        code: 'DEM_NOT_ALLOWED',
      });
    } finally {
      await gateway.sql(
        `update app_user set is_device_enrollment_manager = false where user_principal_name like ?`,
        [`${prefix}%`],
      );
    }
  });

  it('a user at the default device limit (5) is refused a 6th device, naming the restriction', async () => {
    const upn = uniqueUpn();
    for (let i = 0; i < 5; i++) await setup.enrolled(byodInput({ userPrincipalName: upn }));
    // DEM, bulk and DEP devices do not count; re-enrolling a counted device is not a new one.
    await expectRefused(
      byodInput({ userPrincipalName: upn }),
      'ENROLLMENT_RESTRICTED',
      /Default device limit/,
    );
    await setup.enrolled(
      byodInput({
        method: 'DEP',
        userPrincipalName: upn,
        serialNumber: await setup.depSerial({ requiresUserAuthentication: true }),
      }),
    );
  });

  it('of two device limit restrictions targeting the user, the lower priority number wins', async () => {
    const group = uniqueGroup();
    const upn = await userInGroup(group);
    // Created loose first, so the winner is decided by priority, not by creation order.
    const strictPriority = priority++;
    await restriction({
      displayName: `Loose ${group}`,
      kind: 'DEVICE_LIMIT',
      deviceLimit: 15,
      targetGroups: [group],
      priority: strictPriority + 4000,
    });
    await restriction({
      displayName: `Strict ${group}`,
      kind: 'DEVICE_LIMIT',
      deviceLimit: 1,
      targetGroups: [group],
      priority: strictPriority,
    });
    await setup.enrolled(byodInput({ userPrincipalName: upn }));
    await expectRefused(
      byodInput({ userPrincipalName: upn }),
      'ENROLLMENT_RESTRICTED',
      new RegExp(`Strict ${group}`),
    );
    // Another user, outside the group, is not concerned.
    await setup.enrolled(byodInput());
  });

  it('a device limit outside 1-15 is invalid input', async () => {
    const { createEnrollmentRestriction } = await gateway.query(CreateEnrollmentRestrictionDocument, {
      input: { displayName: 'Too many', kind: 'DEVICE_LIMIT', deviceLimit: 16, priority: priority++ },
    });
    expect(createEnrollmentRestriction).toMatchObject({
      __typename: 'InvalidInputError',
      violations: [expect.objectContaining({ field: 'input.deviceLimit', rule: 'maximum' })],
    });
  });

  it('platform restrictions: blocked platform, blocked personal devices, minimum and maximum OS version', async () => {
    const group = uniqueGroup();
    const upn = await userInGroup(group);
    const block = await restriction({
      displayName: `No Android ${group}`,
      kind: 'PLATFORM',
      platform: 'ANDROID',
      platformBlocked: true,
      targetGroups: [group],
    });
    await expectRefused(
      byodInput({ platform: 'ANDROID', userPrincipalName: upn }),
      'ENROLLMENT_RESTRICTED',
      /No Android/,
    );
    await restriction({
      displayName: `Corporate Windows ${group}`,
      kind: 'PLATFORM',
      platform: 'WINDOWS',
      personalDeviceEnrollmentBlocked: true,
      targetGroups: [group],
    });
    await expectRefused(
      byodInput({ platform: 'WINDOWS', userPrincipalName: upn }),
      'ENROLLMENT_RESTRICTED',
      /personally owned devices are blocked/,
    );
    await setup.enrolled(
      byodInput({
        platform: 'WINDOWS',
        method: 'AUTO_ENROLL',
        joinType: 'azureADJoined',
        userPrincipalName: upn,
      }),
    );
    await restriction({
      displayName: `iOS 16-17 ${group}`,
      kind: 'PLATFORM',
      platform: 'IOS',
      osMinimumVersion: '16.0',
      osMaximumVersion: '17.9',
      targetGroups: [group],
    });
    await expectRefused(
      byodInput({ userPrincipalName: upn, osVersion: '15.8' }),
      'ENROLLMENT_RESTRICTED',
      /below the minimum 16\.0/,
    );
    await expectRefused(
      byodInput({ userPrincipalName: upn, osVersion: '18.0.1' }),
      'ENROLLMENT_RESTRICTED',
      /above the maximum 17\.9/,
    );
    await setup.enrolled(byodInput({ userPrincipalName: upn, osVersion: '17.4.1' }));
    await gateway.query(DeleteEnrollmentRestrictionDocument, { id: block.id });
    await setup.enrolled(byodInput({ platform: 'ANDROID', userPrincipalName: upn }));
  });

  it('a restriction for everyone applies to userless enrollments too', async () => {
    const everyone = await restriction({
      displayName: 'Windows 11 only',
      kind: 'PLATFORM',
      platform: 'WINDOWS',
      osMinimumVersion: '10.0.22000',
    });
    try {
      await expectRefused(
        byodInput({
          platform: 'WINDOWS',
          method: 'BULK_ENROLL',
          userPrincipalName: null,
          osVersion: '10.0.19045',
          bulkEnrollmentToken: await setup.bulkToken(),
        }),
        'ENROLLMENT_RESTRICTED',
        /Windows 11 only/,
      );
    } finally {
      await gateway.query(DeleteEnrollmentRestrictionDocument, { id: everyone.id });
    }
  });

  // Concurrent transactions need a PostgreSQL server: the embedded database runs one session.
  it.skipIf(!inject('databaseUrl'))(
    '50 simultaneous enrollments of one serial give one device and ENROLLMENT_CONFLICT for the rest',
    async () => {
      const serialNumber = uniqueSerial();
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          gateway.request(EnrollDeviceDocument, { input: byodInput({ serialNumber }) }),
        ),
      );
      const results = responses.map((r) => r.data!.enrollDevice);
      const ids = new Set(
        results.flatMap((r) => (r.__typename === 'EnrollDeviceSuccess' ? [r.device.id] : [])),
      );
      const others = results.filter((r) => r.__typename !== 'EnrollDeviceSuccess');
      expect(ids.size).toBe(1);
      expect(others.every((r) => 'code' in r && r.code === 'ENROLLMENT_CONFLICT')).toBe(true);
      // How many lost the race depends on timing (a request that starts after the winner committed
      // re-enrolls the same record); every outcome is either the one device or a typed conflict.
      expect(
        await gateway.sql(
          "select id from managed_device where serial_number = ? and management_state not in ('retired', 'wiped')",
          [serialNumber],
        ),
      ).toHaveLength(1);
    },
  );

  it('the database itself refuses a second active record of the same serial', async () => {
    const device = await setup.enrolled(byodInput());
    const insertTwin = gateway.sql(
      `insert into managed_device (id, device_name, platform, operating_system, os_version, serial_number, managed_device_owner_type,
         enrollment_method, enrollment_type, enrolled_date_time, last_sync_date_time)
       values (gen_random_uuid(), 'twin', 'IOS', 'iOS', '17.4', ?, 'personal', 'BYOD', 'userEnrollment', now(), now())`,
      [device.serialNumber],
    );
    await expect(insertTwin).rejects.toThrow(/managed_device_active_serial_unique/);
  });

  describe('Windows bulk enrollment (enrollDevices, all or nothing)', () => {
    const windowsDevice = (serialNumber = uniqueSerial()) => ({
      deviceName: `PC ${serialNumber}`,
      serialNumber,
      osVersion: '10.0.22631',
      model: 'OptiPlex',
      manufacturer: 'Dell',
    });

    it('enrolls 1,000 devices in one call as userless corporate devices', async () => {
      const devices = Array.from({ length: 1000 }, () => windowsDevice());
      const { enrollDevices } = await gateway.query(EnrollDevicesDocument, {
        input: { bulkEnrollmentToken: await setup.bulkToken(), devices },
      });
      expect(enrollDevices.__typename).toBe('EnrollDevicesSuccess');
      if (enrollDevices.__typename !== 'EnrollDevicesSuccess') return;
      expect(enrollDevices.devices.map((d) => d.serialNumber)).toEqual(devices.map((d) => d.serialNumber));
      expect(
        new Set(
          enrollDevices.devices.map(
            (d) => `${d.managedDeviceOwnerType}/${d.enrollmentType}/${d.userPrincipalName}`,
          ),
        ),
      ).toEqual(new Set(['company/windowsBulkUserless/null']));
    });

    it('1,001 devices are invalid input and nothing is enrolled', async () => {
      const before = await snapshot();
      const devices = Array.from({ length: 1001 }, () => windowsDevice());
      const { enrollDevices } = await gateway.query(EnrollDevicesDocument, {
        input: { bulkEnrollmentToken: await setup.bulkToken(), devices },
      });
      expect(enrollDevices).toMatchObject({
        __typename: 'InvalidInputError',
        violations: [expect.objectContaining({ field: 'input.devices', rule: 'maximum' })],
      });
      expect(await snapshot()).toEqual(before);
    });

    it('one bad device rejects the whole call, naming its index', async () => {
      const before = await snapshot();
      const devices = [windowsDevice(), { ...windowsDevice(), serialNumber: '...' }, windowsDevice()];
      const { enrollDevices } = await gateway.query(EnrollDevicesDocument, {
        input: { bulkEnrollmentToken: await setup.bulkToken(), devices },
      });
      expect(enrollDevices).toMatchObject({
        __typename: 'InvalidInputError',
        violations: [{ field: 'input.devices.1.serialNumber', rule: 'SERIAL_EMPTY' }],
      });
      expect(await snapshot()).toEqual(before);
    });

    it('re-enrolling a bulk-enrolled device reuses its record', async () => {
      const device = windowsDevice();
      const token = await setup.bulkToken();
      const first = await gateway.query(EnrollDevicesDocument, {
        input: { bulkEnrollmentToken: token, devices: [device] },
      });
      const second = await gateway.query(EnrollDevicesDocument, {
        input: { bulkEnrollmentToken: token, devices: [device, windowsDevice()] },
      });
      if (
        first.enrollDevices.__typename !== 'EnrollDevicesSuccess' ||
        second.enrollDevices.__typename !== 'EnrollDevicesSuccess'
      )
        throw new Error('bulk failed');
      expect(second.enrollDevices.devices[0]!.id).toBe(first.enrollDevices.devices[0]!.id);
    });
  });
});
