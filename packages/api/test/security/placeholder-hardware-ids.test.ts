import { randomUUID } from 'node:crypto';
import { EnrollDeviceDocument, EnrollDevicesDocument, ManagedDeviceDocument } from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byodInput, uniqueSerial, uniqueUpn } from '../support/builders.js';
import { enrollmentSetup } from '../support/enrollment-setup.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

/** A Windows BYOD enrollment of a white-box PC whose firmware reports `serialNumber`. */
const windowsPc = (serialNumber: string, userPrincipalName = uniqueUpn()) =>
  byodInput({
    platform: 'WINDOWS',
    serialNumber,
    userPrincipalName,
    osVersion: '10.0.22631.3296',
    model: 'System Product Name',
    manufacturer: 'System manufacturer',
  });

describe('firmware placeholder hardware ids identify no hardware', () => {
  let gateway: TestGateway;
  let setup: ReturnType<typeof enrollmentSetup>;
  beforeAll(async () => {
    gateway = await startTestGateway();
    setup = enrollmentSetup(gateway);
  });
  afterAll(() => gateway.stop());

  it.each(['Default string', 'To be filled by O.E.M.', 'System Serial Number', '0', '00000000'])(
    'two users\' PCs reporting "%s" get two records; the first keeps its user',
    async (placeholder) => {
      const first = await setup.enrolled(windowsPc(placeholder));
      const owner = (await gateway.query(ManagedDeviceDocument, { id: first.id })).managedDevice!
        .userPrincipalName;
      const client = gateway.as(await gateway.createToken('ENROLLER', uniqueUpn()));
      const { enrollDevice } = await client.query(EnrollDeviceDocument, {
        input: { ...windowsPc(placeholder), userPrincipalName: null },
      });
      expect(enrollDevice).toMatchObject({ __typename: 'EnrollDeviceSuccess', reenrolled: false });
      if (enrollDevice.__typename !== 'EnrollDeviceSuccess') return;
      expect(enrollDevice.device.id).not.toBe(first.id);
      expect(enrollDevice.device.serialNumber).toBeNull();
      expect((await gateway.query(ManagedDeviceDocument, { id: first.id })).managedDevice).toMatchObject({
        userPrincipalName: owner,
        managementState: 'managed',
      });
    },
  );

  it('a placeholder listed as a corporate identifier does not make a PC a company device', async () => {
    await gateway.sql(
      `insert into corporate_identifier (id, identifier_type, identifier, created_date_time) values (?, 'SERIAL', 'Default string', now())`,
      [randomUUID()],
    );
    const device = await setup.enrolled(windowsPc('Default string'));
    expect(device.managedDeviceOwnerType).toBe('personal');
    const real = uniqueSerial();
    await gateway.sql(
      `insert into corporate_identifier (id, identifier_type, identifier, created_date_time) values (?, 'SERIAL', ?, now())`,
      [randomUUID(), real],
    );
    expect((await setup.enrolled(windowsPc(real))).managedDeviceOwnerType).toBe('company');
  });

  it('a bulk enrollment of PCs reporting "Default string" creates one record each and takes nobody\'s PC', async () => {
    const held = await setup.enrolled(windowsPc('Default string'));
    const { enrollDevices } = await gateway.query(EnrollDevicesDocument, {
      input: {
        bulkEnrollmentToken: await setup.bulkToken(),
        devices: [1, 2].map((n) => ({
          deviceName: `Kiosk ${n}`,
          serialNumber: 'Default string',
          osVersion: '10.0',
        })),
      },
    });
    expect(enrollDevices.__typename).toBe('EnrollDevicesSuccess');
    if (enrollDevices.__typename !== 'EnrollDevicesSuccess') return;
    const ids = enrollDevices.devices.map((d) => d.id);
    expect(new Set([...ids, held.id]).size).toBe(3);
    expect(
      (await gateway.query(ManagedDeviceDocument, { id: held.id })).managedDevice!.userPrincipalName,
    ).not.toBeNull();
  });
});
