import {
  ChangeDeviceOwnershipDocument,
  DeleteCorporateIdentifiersDocument,
  DeleteDeviceDocument,
  DeviceActionsDocument,
  ImportCorporateIdentifiersDocument,
  CorporateIdentifiersDocument,
  ManagedDeviceDocument,
  RetireDeviceDocument,
  UnenrollDeviceDocument,
  WipeDeviceDocument,
} from '@mdm/schema';
import { describe, expect, it } from 'vitest';
import { byodInput, uniqueImei, uniqueUpn } from './support/builders.js';
import { enrollmentSetup } from './support/enrollment-setup.js';
import { useTestGateway } from './support/kit.js';

describe('device actions, ownership and re-enrollment', () => {
  const gateway = useTestGateway();
  const setup = enrollmentSetup(gateway);

  const history = async (id: string) =>
    (await gateway.query(DeviceActionsDocument, { id })).managedDevice!.actions.map(
      (a) => `${a.action}:${a.state}`,
    );

  it('retire: managed → retirePending → retired at the next check-in, record kept', async () => {
    const device = await setup.enrolled(byodInput());
    const { retireDevice } = await gateway.query(RetireDeviceDocument, { deviceId: device.id });
    expect(retireDevice).toMatchObject({ device: { managementState: 'retirePending' } });
    expect(await history(device.id)).toEqual(['retire:pending']);
    const checkIn = await setup.checkIn(device.id);
    expect(checkIn).toMatchObject({ __typename: 'CheckInSuccess', device: { managementState: 'retired' } });
    expect(await history(device.id)).toEqual(['retire:done']);
    const { retireDevice: again } = await gateway.query(RetireDeviceDocument, { deviceId: device.id });
    expect(again).toMatchObject({ __typename: 'OperationRefusedError', code: 'INVALID_DEVICE_STATE' });
  });

  it("records who asked for an action: the API token's name, or the user principal name of a user token", async () => {
    const device = await setup.enrolled(byodInput());
    const operator = gateway.as(await gateway.createToken('OPERATOR'));
    await operator.query(RetireDeviceDocument, { deviceId: device.id });
    const requesters = async () =>
      (await gateway.query(DeviceActionsDocument, { id: device.id })).managedDevice!.actions.map(
        (a) => a.requestedBy,
      );
    expect(await requesters()).toEqual(['test OPERATOR']);

    const own = await setup.enrolled(byodInput({ platform: 'ANDROID' }));
    const upn = (await gateway.query(ManagedDeviceDocument, { id: own.id })).managedDevice!
      .userPrincipalName!;
    const user = gateway.as(await gateway.createToken('ENROLLER', upn));
    await user.query(UnenrollDeviceDocument, { deviceId: own.id });
    expect(
      (await gateway.query(DeviceActionsDocument, { id: own.id })).managedDevice!.actions.map(
        (a) => a.requestedBy,
      ),
    ).toEqual([upn]);
  });

  it('wipe: managed → wipePending → wiped at the next check-in, user unlinked; it supersedes a pending retire', async () => {
    const device = await setup.enrolled(byodInput());
    await gateway.query(RetireDeviceDocument, { deviceId: device.id });
    const { wipeDevice } = await gateway.query(WipeDeviceDocument, { deviceId: device.id });
    expect(wipeDevice).toMatchObject({ device: { managementState: 'wipePending' } });
    await setup.checkIn(device.id);
    const stored = (await gateway.query(ManagedDeviceDocument, { id: device.id })).managedDevice;
    expect(stored).toMatchObject({ managementState: 'wiped', userPrincipalName: null });
    expect((await history(device.id)).sort()).toEqual(['retire:cancelled', 'wipe:done']);
  });

  it('unenroll by the user: refused when locked, otherwise retirePending', async () => {
    const locked = await setup.enrolled(
      byodInput({
        method: 'DEP',
        serialNumber: await setup.depSerial({ requiresUserAuthentication: true, isMandatory: true }),
      }),
    );
    const { unenrollDevice } = await gateway.query(UnenrollDeviceDocument, { deviceId: locked.id });
    expect(unenrollDevice).toMatchObject({ __typename: 'OperationRefusedError', code: 'ENROLLMENT_LOCKED' });
    expect(await history(locked.id)).toEqual(['resetDuringEnrollment:done']);
  });

  it('delete removes the record and keeps its action history', async () => {
    const device = await setup.enrolled(byodInput());
    const { deleteDevice } = await gateway.query(DeleteDeviceDocument, { deviceId: device.id });
    expect(deleteDevice).toMatchObject({ __typename: 'DeleteDeviceSuccess', deletedDeviceId: device.id });
    expect((await gateway.query(ManagedDeviceDocument, { id: device.id })).managedDevice).toBeNull();
    expect(
      await gateway.sql('select action, state from device_action where device_id = ?', [device.id]),
    ).toEqual([{ action: 'delete', state: 'done' }]);
    const { deleteDevice: again } = await gateway.query(DeleteDeviceDocument, { deviceId: device.id });
    expect(again).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('an admin changes ownership, and the change is recorded with before and after', async () => {
    const device = await setup.enrolled(byodInput());
    const { changeDeviceOwnership } = await gateway.query(ChangeDeviceOwnershipDocument, {
      deviceId: device.id,
      ownerType: 'company',
    });
    expect(changeDeviceOwnership).toMatchObject({ device: { managedDeviceOwnerType: 'company' } });
    const actions = (await gateway.query(DeviceActionsDocument, { id: device.id })).managedDevice!.actions;
    expect(actions).toMatchObject([
      { action: 'changeOwnership', state: 'done', details: 'personal → company' },
    ]);
  });

  it('a BYOD device whose IMEI is a corporate identifier enrolls as company; deleting the identifier later leaves it company', async () => {
    const imei = uniqueImei();
    const { importCorporateIdentifiers } = await gateway.query(ImportCorporateIdentifiersDocument, {
      identifierType: 'IMEI',
      file: { fileName: 'imei.csv', content: `${imei},Fleet phone\n` },
    });
    expect(importCorporateIdentifiers).toMatchObject({
      __typename: 'ImportSuccess',
      rows: [{ outcome: 'NEW' }],
    });
    const [before] = (await gateway.query(CorporateIdentifiersDocument, { identifier: imei }))
      .corporateIdentifiers;
    expect(before).toMatchObject({ enrollmentState: 'notContacted' });
    const device = await setup.enrolled(byodInput({ platform: 'ANDROID', imei }));
    expect(device.managedDeviceOwnerType).toBe('company');
    const [after] = (await gateway.query(CorporateIdentifiersDocument, { identifier: imei }))
      .corporateIdentifiers;
    expect(after).toMatchObject({
      enrollmentState: 'enrolled',
      lastContactedDateTime: gateway.clock.now().toISOString(),
    });
    await gateway.query(DeleteCorporateIdentifiersDocument, { ids: [after!.id] });
    expect(
      (await gateway.query(ManagedDeviceDocument, { id: device.id })).managedDevice?.managedDeviceOwnerType,
    ).toBe('company');
    // Without an identifier, the same kind of enrollment is personal.
    expect(
      (await setup.enrolled(byodInput({ platform: 'ANDROID', imei: uniqueImei() }))).managedDeviceOwnerType,
    ).toBe('personal');
  });

  it('a wiped device that enrolls again keeps its identity and starts clean: new user, no pending action', async () => {
    const first = await setup.enrolled(byodInput());
    await gateway.query(WipeDeviceDocument, { deviceId: first.id });
    await setup.checkIn(first.id);
    const newUser = uniqueUpn();
    const again = await setup.enrolled(
      byodInput({ serialNumber: first.serialNumber, userPrincipalName: newUser }),
    );
    expect(again).toMatchObject({
      id: first.id,
      managementState: 'managed',
      userPrincipalName: newUser,
      lockedEnrollment: false,
    });
    expect((await history(first.id)).filter((a) => a.endsWith(':pending'))).toEqual([]);
    expect(
      await gateway.sql('select id from managed_device where serial_number = ?', [first.serialNumber]),
    ).toHaveLength(1);
  });

  it('a BYOD re-enrollment without a stable hardware id creates a new record and retires the old one', async () => {
    const upn = uniqueUpn();
    const first = await setup.enrolled(byodInput({ userPrincipalName: upn, serialNumber: null, imei: null }));
    const second = await setup.enrolled(
      byodInput({ userPrincipalName: upn, serialNumber: null, imei: null, replacesDeviceId: first.id }),
    );
    expect(second.id).not.toBe(first.id);
    const old = (await gateway.query(DeviceActionsDocument, { id: first.id })).managedDevice!;
    expect(old).toMatchObject({
      managementState: 'retired',
      actions: [{ action: 'replacedByReenrollment', state: 'done' }],
    });
    // Another user cannot retire someone else's record this way.
    const stranger = await setup.enroll(
      byodInput({ serialNumber: null, imei: null, replacesDeviceId: second.id }),
    );
    expect(stranger).toMatchObject({ __typename: 'NotFoundError' });
  });

  it('an action on an unknown device is NOT_FOUND and a malformed id is invalid input', async () => {
    const { retireDevice } = await gateway.query(RetireDeviceDocument, {
      deviceId: '00000000-0000-4000-8000-000000000000',
    });
    expect(retireDevice).toMatchObject({ __typename: 'NotFoundError' });
    const { wipeDevice } = await gateway.query(WipeDeviceDocument, { deviceId: 'nope' });
    expect(wipeDevice).toMatchObject({
      __typename: 'InvalidInputError',
      violations: [expect.objectContaining({ field: 'deviceId' })],
    });
  });
});
