import { EnrollDeviceDocument, ManagedDeviceDocument, type DevicePlatform } from '@mdm/schema';
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit } from '../src/modules/device/hardware-identifiers.js';
import { byodInput, uniqueImei, uniqueSerial } from './support/builders.js';
import { useTestGateway } from './support/kit.js';

describe('enrollDevice', () => {
  const gateway = useTestGateway();

  const deviceCount = async () =>
    Number((await gateway.sql<{ n: string }>('select count(*) as n from managed_device'))[0]!.n);
  const userCount = async () =>
    Number((await gateway.sql<{ n: string }>('select count(*) as n from app_user'))[0]!.n);

  const platforms: { platform: DevicePlatform; operatingSystem: string }[] = [
    { platform: 'IOS', operatingSystem: 'iOS' },
    { platform: 'MACOS', operatingSystem: 'macOS' },
    { platform: 'WINDOWS', operatingSystem: 'Windows' },
    { platform: 'ANDROID', operatingSystem: 'Android' },
  ];

  it.each(platforms)(
    'enrolls a personal $platform device for its user with BYOD',
    async ({ platform, operatingSystem }) => {
      const input = byodInput({ platform, imei: platform === 'ANDROID' ? uniqueImei() : null });
      const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input });
      expect(enrollDevice.__typename).toBe('EnrollDeviceSuccess');
      if (enrollDevice.__typename !== 'EnrollDeviceSuccess') return;
      expect(enrollDevice.device).toMatchObject({
        platform,
        operatingSystem,
        serialNumber: input.serialNumber,
        imei: input.imei ?? null,
        managedDeviceOwnerType: 'personal',
        enrollmentMethod: 'BYOD',
        enrollmentType: 'userEnrollment',
        managementState: 'managed',
        userPrincipalName: input.userPrincipalName,
        enrolledDateTime: gateway.clock.now().toISOString(),
        lastSyncDateTime: gateway.clock.now().toISOString(),
      });
      const stored = await gateway.query(ManagedDeviceDocument, { id: enrollDevice.device.id });
      expect(stored.managedDevice?.user?.userPrincipalName).toBe(input.userPrincipalName);
    },
  );

  it('removes periods from serial numbers and keeps everything else exactly', async () => {
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ serialNumber: 'ab.C-1 2.X' }),
    });
    expect(enrollDevice.__typename === 'EnrollDeviceSuccess' && enrollDevice.device.serialNumber).toBe(
      'abC-1 2X',
    );
  });

  it('completes a 14-digit IMEI with its Luhn check digit and accepts spaces and dashes', async () => {
    const body = uniqueImei().slice(0, 14);
    const spaced = `${body.slice(0, 2)} ${body.slice(2, 8)}-${body.slice(8)}`;
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ platform: 'ANDROID', imei: spaced }),
    });
    expect(enrollDevice.__typename === 'EnrollDeviceSuccess' && enrollDevice.device.imei).toBe(
      `${body}${luhnCheckDigit(body)}`,
    );
  });

  it('re-enrolling the same hardware reuses its record instead of creating a second one', async () => {
    const serialNumber = uniqueSerial();
    const first = await gateway.query(EnrollDeviceDocument, { input: byodInput({ serialNumber }) });
    gateway.clock.advance(60_000);
    const second = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ serialNumber, deviceName: 'Renamed' }),
    });
    if (
      first.enrollDevice.__typename !== 'EnrollDeviceSuccess' ||
      second.enrollDevice.__typename !== 'EnrollDeviceSuccess'
    ) {
      throw new Error('enrollment failed');
    }
    expect(second.enrollDevice.device.id).toBe(first.enrollDevice.device.id);
    expect(second.enrollDevice.device.deviceName).toBe('Renamed');
    expect(second.enrollDevice.device.enrolledDateTime).toBe(gateway.clock.now().toISOString());
    const rows = await gateway.sql('select id from managed_device where serial_number = ?', [serialNumber]);
    expect(rows).toHaveLength(1);
  });

  it('tells a re-enrollment, and hardware changing hands, from a first enrollment', async () => {
    const serialNumber = uniqueSerial();
    const first = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ serialNumber, userPrincipalName: 'first.owner@contoso.example' }),
    });
    expect(first.enrollDevice).toMatchObject({
      __typename: 'EnrollDeviceSuccess',
      reenrolled: false,
      previousManagementState: null,
      previousUserPrincipalName: null,
    });
    const second = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ serialNumber, userPrincipalName: 'second.owner@contoso.example' }),
    });
    expect(second.enrollDevice).toMatchObject({
      __typename: 'EnrollDeviceSuccess',
      reenrolled: true,
      previousManagementState: 'managed',
      previousUserPrincipalName: 'first.owner@contoso.example',
      device: { userPrincipalName: 'second.owner@contoso.example' },
    });
  });

  it('refuses BYOD without a user, because the seed gives BYOD user affinity', async () => {
    const before = await deviceCount();
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ userPrincipalName: null }),
    });
    expect(enrollDevice).toMatchObject({
      __typename: 'OperationRefusedError',
      code: 'USER_AFFINITY_VIOLATION',
    });
    expect(await deviceCount()).toBe(before);
  });

  it("refuses a method that the platform's seed table does not list", async () => {
    const before = await deviceCount();
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ platform: 'ANDROID', method: 'USB_DIRECT' }),
    });
    expect(enrollDevice).toMatchObject({ __typename: 'OperationRefusedError', code: 'METHOD_NOT_AVAILABLE' });
    expect(await deviceCount()).toBe(before);
  });

  describe('bad input gets a typed error naming the field and rule, and writes nothing', () => {
    const cases: { name: string; input: Parameters<typeof byodInput>[0]; field: string; rule: string }[] = [
      {
        name: 'an empty serial number',
        input: { serialNumber: '   ' },
        field: 'input.serialNumber',
        rule: 'SERIAL_EMPTY',
      },
      {
        name: 'a serial number of only periods',
        input: { serialNumber: '...' },
        field: 'input.serialNumber',
        rule: 'SERIAL_EMPTY',
      },
      {
        name: 'an oversized serial number',
        input: { serialNumber: 'X'.repeat(129) },
        field: 'input.serialNumber',
        rule: 'SERIAL_TOO_LONG',
      },
      {
        name: 'an oversized device name',
        input: { deviceName: 'n'.repeat(257) },
        field: 'input.deviceName',
        rule: 'maxLength',
      },
      {
        name: 'an empty device name',
        input: { deviceName: '' },
        field: 'input.deviceName',
        rule: 'minLength',
      },
      {
        name: 'an IMEI with a wrong check digit',
        input: { imei: '356938035643808' },
        field: 'input.imei',
        rule: 'IMEI_CHECK_DIGIT',
      },
      {
        name: 'an IMEI with letters',
        input: { imei: '35693803564380A' },
        field: 'input.imei',
        rule: 'IMEI_NOT_DIGITS',
      },
      {
        name: 'neither serial number nor IMEI (outside BYOD)',
        input: { platform: 'ANDROID', method: 'ANDROID_FOR_WORK', serialNumber: null, imei: null },
        field: 'input.serialNumber',
        rule: 'required',
      },
      {
        name: 'a malformed user principal name',
        input: { userPrincipalName: 'not an upn' },
        field: 'input.userPrincipalName',
        rule: 'regex',
      },
      {
        name: 'an oversized OS version',
        input: { osVersion: '1'.repeat(65) },
        field: 'input.osVersion',
        rule: 'maxLength',
      },
    ];

    it.each(cases)('$name', async ({ input, field, rule }) => {
      const [devices, users] = [await deviceCount(), await userCount()];
      const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input: byodInput(input) });
      expect(enrollDevice.__typename).toBe('InvalidInputError');
      if (enrollDevice.__typename !== 'InvalidInputError') return;
      expect(enrollDevice.code).toBe('BAD_USER_INPUT');
      expect(enrollDevice.violations).toContainEqual(expect.objectContaining({ field, rule }));
      expect([await deviceCount(), await userCount()]).toEqual([devices, users]);
    });

    it('an unknown platform value is a GraphQL error with a code, and writes nothing', async () => {
      const before = await deviceCount();
      const response = await gateway.request(EnrollDeviceDocument, {
        input: byodInput({ platform: 'BLACKBERRY' as DevicePlatform }),
      });
      expect(response.status).toBe(400);
      expect(response.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(await deviceCount()).toBe(before);
    });

    it('a malformed device id is a BAD_USER_INPUT error', async () => {
      const response = await gateway.request(ManagedDeviceDocument, { id: 'not-a-uuid' });
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        violations: [expect.objectContaining({ field: 'id' })],
      });
    });

    it('an unknown device id is null, not an error', async () => {
      const response = await gateway.query(ManagedDeviceDocument, {
        id: '00000000-0000-4000-8000-000000000000',
      });
      expect(response.managedDevice).toBeNull();
    });
  });
});
