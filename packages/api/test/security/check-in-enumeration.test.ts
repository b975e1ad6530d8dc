import { CheckInDocument, RetireDeviceDocument } from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollDevice, signedCheckIn } from '../support/device-credential.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('an anonymous check-in reveals nothing about which devices and certificates exist', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.stop());

  const anonymousCheckIn = async (input: ReturnType<typeof signedCheckIn>) =>
    (await gateway.as(null).query(CheckInDocument, { input })).checkIn;

  it("answers one and the same refusal for an unknown device, an unknown serial, another device's certificate, a key that is not the certificate's, and a malformed proof", async () => {
    const [device, other] = [await enrollDevice(gateway), await enrollDevice(gateway)];
    const now = gateway.clock.now();
    const signed = signedCheckIn(device.credential, now);
    // Knowing the ids without the key: the attacker signs with a key of its own (another device's).
    const forged = signedCheckIn(
      { ...device.credential, privateKeyPem: other.credential.privateKeyPem },
      now,
    );
    const answers = [
      await anonymousCheckIn({ ...signed, deviceId: '00000000-0000-4000-8000-0000000000aa' }),
      await anonymousCheckIn({ ...signed, certificateSerialNumber: '0123456789ABCDEF' }),
      await anonymousCheckIn(signedCheckIn(other.credential, now, { deviceId: device.device.id })),
      await anonymousCheckIn(forged),
      await anonymousCheckIn({ ...signed, signature: 'AAAA' }),
    ];
    expect(answers[0]).toMatchObject({
      __typename: 'OperationRefusedError',
      code: 'DEVICE_CREDENTIAL_INVALID',
    });
    for (const answer of answers) expect(answer).toEqual(answers[0]);

    // A retired device (its certificate revoked) and an expired certificate: the same to a stranger.
    await gateway.query(RetireDeviceDocument, { deviceId: other.device.id });
    expect((await anonymousCheckIn(signedCheckIn(other.credential, gateway.clock.now()))).__typename).toBe(
      'CheckInSuccess',
    );
    const strangerToRetired = await anonymousCheckIn(
      signedCheckIn(
        { ...other.credential, privateKeyPem: device.credential.privateKeyPem },
        gateway.clock.now(),
      ),
    );
    expect(strangerToRetired).toEqual(answers[0]);
  });

  it('tells the holder of the credential what is wrong with it (its device retired)', async () => {
    const device = await enrollDevice(gateway);
    await gateway.query(RetireDeviceDocument, { deviceId: device.device.id });
    await anonymousCheckIn(signedCheckIn(device.credential, gateway.clock.now()));
    expect(await anonymousCheckIn(signedCheckIn(device.credential, gateway.clock.now()))).toMatchObject({
      code: 'INVALID_DEVICE_STATE',
    });
  });
});
