import {
  MdmCertificatesDocument,
  EnrollDeviceDocument,
  EnrollDevicesDocument,
  ManagedDeviceDocument,
  UnenrollDeviceDocument,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byodInput, uniqueSerial, uniqueUpn } from '../support/builders.js';
import { enrollDevice, signedCheckIn } from '../support/device-credential.js';
import { enrollmentSetup } from '../support/enrollment-setup.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('nobody takes a device that is not theirs', () => {
  let gateway: TestGateway;
  let setup: ReturnType<typeof enrollmentSetup>;
  beforeAll(async () => {
    gateway = await startTestGateway();
    setup = enrollmentSetup(gateway);
  });
  afterAll(() => gateway.stop());

  /** A device of a fresh user, enrolled by an administrator, and that user's UPN. */
  async function ownedDevice(overrides: Parameters<typeof byodInput>[0] = {}) {
    const owner = uniqueUpn();
    const input = byodInput({ userPrincipalName: owner, ...overrides });
    const device = await setup.enrolled(input);
    return { device, owner, input };
  }

  const stateOf = async (id: string) =>
    (await gateway.query(ManagedDeviceDocument, { id })).managedDevice!.managementState;

  describe('unenrollDevice', () => {
    it('an ENROLLER token without a user may not unenroll any device, and nothing changes', async () => {
      const { device } = await ownedDevice();
      const enroller = gateway.as(await gateway.createToken('ENROLLER'));
      const { unenrollDevice } = await enroller.query(UnenrollDeviceDocument, { deviceId: device.id });
      expect(unenrollDevice).toMatchObject({ __typename: 'OperationRefusedError', code: 'FORBIDDEN' });
      expect(await stateOf(device.id)).toBe('managed');
    });

    it("a user token may not unenroll another user's device: the answer is that of a device that does not exist", async () => {
      const { device, owner } = await ownedDevice();
      const stranger = gateway.as(await gateway.createToken('ENROLLER', uniqueUpn()));
      const { unenrollDevice } = await stranger.query(UnenrollDeviceDocument, { deviceId: device.id });
      const absent = await stranger.query(UnenrollDeviceDocument, {
        deviceId: '00000000-0000-4000-8000-000000000123',
      });
      expect(unenrollDevice).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      expect(absent.unenrollDevice).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      expect(JSON.stringify(unenrollDevice)).not.toContain(owner);
      expect(await stateOf(device.id)).toBe('managed');
    });

    it("a user token unenrolls its own user's device", async () => {
      const { device, owner } = await ownedDevice();
      const user = gateway.as(await gateway.createToken('ENROLLER', owner));
      const { unenrollDevice } = await user.query(UnenrollDeviceDocument, { deviceId: device.id });
      expect(unenrollDevice).toMatchObject({ device: { managementState: 'retirePending' } });
    });
  });

  describe('re-enrolling hardware another user holds', () => {
    it("a user token naming a serial it does not hold is refused, learns nobody's name, and the owner keeps device and certificate", async () => {
      const { device, owner, input } = await ownedDevice();
      const attacker = uniqueUpn();
      const client = gateway.as(await gateway.createToken('ENROLLER', attacker));
      const { enrollDevice } = await client.query(EnrollDeviceDocument, {
        input: byodInput({ serialNumber: input.serialNumber, userPrincipalName: null }),
      });
      expect(enrollDevice).toMatchObject({
        __typename: 'OperationRefusedError',
        code: 'HARDWARE_HELD_BY_ANOTHER_USER',
      });
      expect(JSON.stringify(enrollDevice)).not.toContain(owner);
      const stored = (await gateway.query(ManagedDeviceDocument, { id: device.id })).managedDevice!;
      expect(stored).toMatchObject({ userPrincipalName: owner, managementState: 'managed' });
      const { mdmCertificates: certificates } = await gateway.query(MdmCertificatesDocument, {
        deviceId: device.id,
      });
      expect(certificates.map((c) => c.status)).toEqual(['valid']);
      expect((await setup.checkIn(device.id)).__typename).toBe('CheckInSuccess');
    });

    it('an ENROLLER token without a user naming another user for held hardware is refused the same way', async () => {
      const { input } = await ownedDevice();
      const enroller = gateway.as(await gateway.createToken('ENROLLER'));
      const { enrollDevice } = await enroller.query(EnrollDeviceDocument, {
        input: byodInput({ serialNumber: input.serialNumber }),
      });
      expect(enrollDevice).toMatchObject({ code: 'HARDWARE_HELD_BY_ANOTHER_USER' });
    });

    it('the same user enrolling their own device again is a plain re-enrollment', async () => {
      const { device, owner, input } = await ownedDevice();
      const user = gateway.as(await gateway.createToken('ENROLLER', owner));
      const { enrollDevice } = await user.query(EnrollDeviceDocument, {
        input: { ...input, userPrincipalName: null },
      });
      expect(enrollDevice).toMatchObject({
        __typename: 'EnrollDeviceSuccess',
        reenrolled: true,
        previousUserPrincipalName: owner,
        device: { id: device.id },
      });
    });

    it('an administrator re-enrolls it for someone else, and is told whose it was', async () => {
      const { device, owner, input } = await ownedDevice();
      const next = uniqueUpn();
      const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
        input: byodInput({ serialNumber: input.serialNumber, userPrincipalName: next }),
      });
      expect(enrollDevice).toMatchObject({
        __typename: 'EnrollDeviceSuccess',
        previousUserPrincipalName: owner,
        device: { id: device.id, userPrincipalName: next },
      });
    });

    it("the device itself, proving its current credential, re-enrolls for a new user; the proof serves once and a stranger's key does not pass", async () => {
      const owner = uniqueUpn();
      const held = await enrollDevice(gateway, { userPrincipalName: owner });
      const other = await enrollDevice(gateway);
      const proofOf = (credential: typeof held.credential) => {
        const signed = signedCheckIn(credential, gateway.clock.now(), { deviceId: held.device.id });
        return {
          certificateSerialNumber: signed.certificateSerialNumber!,
          timestamp: signed.timestamp!,
          nonce: signed.nonce!,
          signature: signed.signature!,
          proofType: signed.proofType,
        };
      };
      const asUser = async (upn: string, deviceProof: ReturnType<typeof proofOf>) =>
        (
          await gateway.as(await gateway.createToken('ENROLLER', upn)).query(EnrollDeviceDocument, {
            input: byodInput({
              serialNumber: held.device.serialNumber,
              userPrincipalName: null,
              deviceProof,
            }),
          })
        ).enrollDevice;

      const forged = await asUser(
        uniqueUpn(),
        proofOf({ ...held.credential, privateKeyPem: other.credential.privateKeyPem }),
      );
      expect(forged).toMatchObject({ code: 'HARDWARE_HELD_BY_ANOTHER_USER' });

      const proof = proofOf(held.credential);
      const next = uniqueUpn();
      expect(await asUser(next, proof)).toMatchObject({
        __typename: 'EnrollDeviceSuccess',
        previousUserPrincipalName: null,
        device: { id: held.device.id, userPrincipalName: next },
      });
      expect(await asUser(uniqueUpn(), proof)).toMatchObject({ code: 'HARDWARE_HELD_BY_ANOTHER_USER' });
    });

    it('a method that resets the device (DEP) re-enrolls it, and an ENROLLER is not told whose it was', async () => {
      const serialNumber = await setup.depSerial({ requiresUserAuthentication: true });
      const owner = uniqueUpn();
      const dep = { platform: 'IOS', method: 'DEP', serialNumber } as const;
      await setup.enrolled(byodInput({ ...dep, userPrincipalName: owner }));
      const enroller = gateway.as(await gateway.createToken('ENROLLER'));
      const next = uniqueUpn();
      const { enrollDevice } = await enroller.query(EnrollDeviceDocument, {
        input: byodInput({ ...dep, userPrincipalName: next }),
      });
      expect(enrollDevice).toMatchObject({
        __typename: 'EnrollDeviceSuccess',
        reenrolled: true,
        previousUserPrincipalName: null,
        device: { userPrincipalName: next },
      });
      expect(JSON.stringify(enrollDevice)).not.toContain(owner);
    });
  });

  describe('enrollDevices (Windows bulk)', () => {
    const bulkDevice = (serialNumber = uniqueSerial()) => ({
      deviceName: `Kiosk ${serialNumber}`,
      serialNumber,
      osVersion: '10.0.22631',
    });

    it('is open to an ENROLLER token without a user', async () => {
      const enroller = gateway.as(await gateway.createToken('ENROLLER'));
      const { enrollDevices } = await enroller.query(EnrollDevicesDocument, {
        input: { bulkEnrollmentToken: await setup.bulkToken(), devices: [bulkDevice()] },
      });
      expect(enrollDevices.__typename).toBe('EnrollDevicesSuccess');
    });

    it('is refused to a user token (bulk enrollment is userless), writing nothing', async () => {
      const user = gateway.as(await gateway.createToken('ENROLLER', uniqueUpn()));
      const device = bulkDevice();
      const { enrollDevices } = await user.query(EnrollDevicesDocument, {
        input: { bulkEnrollmentToken: await setup.bulkToken(), devices: [device] },
      });
      expect(enrollDevices).toMatchObject({ __typename: 'OperationRefusedError', code: 'FORBIDDEN' });
      expect(
        await gateway.sql('select id from managed_device where serial_number = ?', [device.serialNumber]),
      ).toEqual([]);
    });

    it("does not silently take a user's active Windows device: refused to an ENROLLER, allowed to an administrator", async () => {
      const { device, owner, input } = await ownedDevice({
        platform: 'WINDOWS',
        model: 'PC',
        manufacturer: 'Contoso',
      });
      const enroller = gateway.as(await gateway.createToken('ENROLLER'));
      const bulk = {
        bulkEnrollmentToken: await setup.bulkToken(),
        devices: [bulkDevice(input.serialNumber!)],
      };
      const refused = await enroller.query(EnrollDevicesDocument, { input: bulk });
      expect(refused.enrollDevices).toMatchObject({ code: 'HARDWARE_HELD_BY_ANOTHER_USER' });
      expect(JSON.stringify(refused)).not.toContain(owner);
      expect((await gateway.query(ManagedDeviceDocument, { id: device.id })).managedDevice).toMatchObject({
        userPrincipalName: owner,
      });
      const { enrollDevices } = await gateway.query(EnrollDevicesDocument, { input: bulk });
      expect(enrollDevices).toMatchObject({ devices: [{ id: device.id, userPrincipalName: null }] });
    });
  });
});
