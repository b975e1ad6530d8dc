import { EnrollDeviceDocument } from '@mdm/schema';
import { describe, expect, it } from 'vitest';
import { byodInput, uniqueUpn } from '../support/builders.js';
import { enrollmentSetup } from '../support/enrollment-setup.js';
import { useTestGateway } from '../support/kit.js';

describe('user tokens: a BYOD enrollment acts for the signed-in user', () => {
  const gateway = useTestGateway();

  it("enrolls for the token's user when the input names none", async () => {
    const upn = uniqueUpn();
    const client = gateway.as(await gateway.createToken('ENROLLER', upn));
    const { enrollDevice } = await client.query(EnrollDeviceDocument, {
      input: byodInput({ userPrincipalName: null }),
    });
    expect(enrollDevice).toMatchObject({
      __typename: 'EnrollDeviceSuccess',
      device: { userPrincipalName: upn },
    });
  });

  it('refuses to enroll for another user, and writes nothing', async () => {
    const client = gateway.as(await gateway.createToken('ENROLLER', uniqueUpn()));
    const input = byodInput();
    const { enrollDevice } = await client.query(EnrollDeviceDocument, { input });
    expect(enrollDevice).toMatchObject({ __typename: 'OperationRefusedError', code: 'FORBIDDEN' });
    expect(
      await gateway.sql('select id from managed_device where serial_number = ?', [input.serialNumber]),
    ).toEqual([]);
  });

  it('refuses a userless method such as DEM', async () => {
    const client = gateway.as(await gateway.createToken('ENROLLER', uniqueUpn()));
    const dem = await enrollmentSetup(gateway).demAccount();
    const { enrollDevice } = await client.query(EnrollDeviceDocument, {
      input: byodInput({ method: 'DEM', userPrincipalName: null, enrollmentManagerUserPrincipalName: dem }),
    });
    expect(enrollDevice).toMatchObject({ __typename: 'OperationRefusedError', code: 'FORBIDDEN' });
  });

  it('leaves an integrator token free to name the user it enrolls for', async () => {
    const upn = uniqueUpn();
    const client = gateway.as(await gateway.createToken('ENROLLER'));
    const { enrollDevice } = await client.query(EnrollDeviceDocument, {
      input: byodInput({ userPrincipalName: upn }),
    });
    expect(enrollDevice).toMatchObject({
      __typename: 'EnrollDeviceSuccess',
      device: { userPrincipalName: upn },
    });
  });
});
