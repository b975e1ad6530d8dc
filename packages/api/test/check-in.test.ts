import { CheckInDocument, DeviceCheckedInDocument, DeviceEnrolledDocument } from '@mdm/schema';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { x509 } from '../src/modules/certificate/x509-runtime.js';
import { byodInput } from './support/builders.js';
import { EventCollector } from './support/deferred.js';
import { enrollDevice, freshNonce, signedCheckIn } from './support/device-credential.js';
import { useTestGateway } from './support/kit.js';

describe('check-in and live events', () => {
  const gateway = useTestGateway();

  const checkIn = (
    input: Parameters<typeof signedCheckIn>[0],
    options?: Parameters<typeof signedCheckIn>[2],
  ) => gateway.query(CheckInDocument, { input: signedCheckIn(input, gateway.clock.now(), options) });
  const lastSync = async (id: string) =>
    new Date(
      (
        await gateway.sql<{ t: Date }>('select last_sync_date_time as t from managed_device where id = ?', [
          id,
        ])
      )[0]!.t,
    ).toISOString();
  const checkInRows = async (id: string) =>
    Number(
      (
        await gateway.sql<{ n: string }>('select count(*) as n from device_check_in where device_id = ?', [
          id,
        ])
      )[0]!.n,
    );

  it("updates lastSyncDateTime to the gateway clock's now and records the check-in in the history", async () => {
    const { device, credential } = await enrollDevice(gateway);
    gateway.clock.advance(3_600_000);
    const { checkIn: result } = await checkIn(credential);
    expect(result).toMatchObject({
      __typename: 'CheckInSuccess',
      device: { id: device.id, lastSyncDateTime: gateway.clock.now().toISOString() },
      renewedCertificate: null,
    });
    expect(await lastSync(device.id)).toBe(gateway.clock.now().toISOString());
    expect(await checkInRows(device.id)).toBe(1);
  });

  it('audits each accepted check-in once, with its statement (target, redacted input), and a replay as refused', async () => {
    const { device, credential } = await enrollDevice(gateway);
    const first = signedCheckIn(credential, gateway.clock.now());
    expect((await gateway.query(CheckInDocument, { input: first })).checkIn.__typename).toBe(
      'CheckInSuccess',
    );
    // The second goes through the remembered certificate, the third is the first again (a replay).
    expect((await checkIn(credential, { proofType: 'HMAC' })).checkIn.__typename).toBe('CheckInSuccess');
    expect((await gateway.query(CheckInDocument, { input: first })).checkIn).toMatchObject({
      code: 'CHECK_IN_REPLAYED',
    });
    const records = await gateway.sql<{
      outcome: string;
      code: string | null;
      target_type: string;
      details: { input: Record<string, unknown> };
    }>(
      `select outcome, code, target_type, details from audit_record
       where action = 'checkIn' and target_id = ? order by occurred_date_time, outcome desc`,
      [device.id],
    );
    expect(records.map((r) => [r.outcome, r.code, r.target_type])).toEqual([
      ['success', null, 'ManagedDevice'],
      ['success', null, 'ManagedDevice'],
      ['refused', 'CHECK_IN_REPLAYED', 'ManagedDevice'],
    ]);
    expect(records[0]!.details.input).toMatchObject({
      deviceId: device.id,
      nonce: '[redacted]',
      signature: '[redacted]',
    });
  });

  it('keeps a device name with quotes, a comma, a backslash and a leading # verbatim in the certificate, and the device checks in', async () => {
    const printed = {
      'Lab "Mac", #2': 'Lab \\"Mac\\"\\, #2',
      '#3 front\\desk "A"': '\\#3 front\\\\desk \\"A\\"',
    };
    for (const [deviceName, escaped] of Object.entries(printed)) {
      const { device, certificate, credential } = await enrollDevice(gateway, { deviceName });
      const subject = new x509.X509Certificate(certificate.pem).subjectName;
      expect(subject.getField('2.5.4.13')).toEqual([deviceName]);
      expect(subject.getField('CN')).toEqual([device.id]);
      expect(certificate.subject.endsWith(`, description=${escaped}`)).toBe(true);
      const { checkIn: result } = await checkIn(credential);
      expect(result).toMatchObject({ __typename: 'CheckInSuccess', device: { id: device.id } });
    }
  });

  it('accepts an HMAC proof made with the device token, as a load generator makes it', async () => {
    const { device, credential } = await enrollDevice(gateway);
    const { checkIn: result } = await checkIn(credential, { proofType: 'HMAC' });
    expect(result).toMatchObject({ __typename: 'CheckInSuccess', device: { id: device.id } });
  });

  it('refuses a check-in without a credential, and writes nothing', async () => {
    const { device } = await enrollDevice(gateway);
    const before = await lastSync(device.id);
    gateway.clock.advance(1_000);
    const { checkIn: result } = await gateway.query(CheckInDocument, { input: { deviceId: device.id } });
    expect(result).toMatchObject({ __typename: 'OperationRefusedError', code: 'DEVICE_CREDENTIAL_INVALID' });
    expect(await lastSync(device.id)).toBe(before);
    expect(await checkInRows(device.id)).toBe(0);
  });

  it("refuses another device's credential with DEVICE_CREDENTIAL_INVALID, like any proof that fails", async () => {
    const [victim, attacker] = [await enrollDevice(gateway), await enrollDevice(gateway)];
    const { checkIn: result } = await checkIn(attacker.credential, { deviceId: victim.device.id });
    expect(result).toMatchObject({
      __typename: 'OperationRefusedError',
      code: 'DEVICE_CREDENTIAL_INVALID',
    });
    expect(await checkInRows(victim.device.id)).toBe(0);
  });

  it("refuses a signature made with a key other than the certificate's, and an HMAC with a wrong token", async () => {
    const [device, other] = [await enrollDevice(gateway), await enrollDevice(gateway)];
    const forged = {
      ...device.credential,
      privateKeyPem: other.credential.privateKeyPem,
      deviceToken: other.credential.deviceToken,
    };
    expect((await checkIn(forged)).checkIn).toMatchObject({ code: 'DEVICE_CREDENTIAL_INVALID' });
    expect((await checkIn(forged, { proofType: 'HMAC' })).checkIn).toMatchObject({
      code: 'DEVICE_CREDENTIAL_INVALID',
    });
  });

  it('refuses a replayed check-in (same nonce) with CHECK_IN_REPLAYED and records it once', async () => {
    const { device, credential } = await enrollDevice(gateway);
    const input = signedCheckIn(credential, gateway.clock.now(), { nonce: freshNonce() });
    expect((await gateway.query(CheckInDocument, { input })).checkIn.__typename).toBe('CheckInSuccess');
    expect((await gateway.query(CheckInDocument, { input })).checkIn).toMatchObject({
      code: 'CHECK_IN_REPLAYED',
    });
    expect(await checkInRows(device.id)).toBe(1);
  });

  it('refuses a proof whose timestamp is outside the allowed skew', async () => {
    const { credential } = await enrollDevice(gateway);
    const input = signedCheckIn(credential, new Date(gateway.clock.now().getTime() - 301_000));
    expect((await gateway.query(CheckInDocument, { input })).checkIn).toMatchObject({
      code: 'DEVICE_CREDENTIAL_INVALID',
    });
  });

  it('delivers deviceCheckedIn to a graphql-ws subscriber after the check-in commits', async () => {
    const { device, credential } = await enrollDevice(gateway, {
      platform: 'WINDOWS',
      method: 'AUTO_ENROLL',
      joinType: 'azureADRegistered',
    });
    const client = gateway.wsClient();
    const events = new EventCollector(
      client.iterate({
        query: print(DeviceCheckedInDocument),
        variables: { filter: { deviceId: device.id } },
      }),
    );
    const primed = await events.prime(() => checkIn(credential));
    gateway.clock.advance(5_000);
    await checkIn(credential);
    const received = await events.waitFor(primed + 1);
    const last = received.at(-1) as { data: { deviceCheckedIn: Record<string, unknown> } };
    expect(last.data.deviceCheckedIn).toMatchObject({
      deviceId: device.id,
      platform: 'WINDOWS',
      managedDeviceOwnerType: 'personal',
      enrollmentMethod: 'AUTO_ENROLL',
      userPrincipalName: device.userPrincipalName,
      occurredAt: gateway.clock.now().toISOString(),
      device: { id: device.id, lastSyncDateTime: gateway.clock.now().toISOString() },
    });
  });

  it('filters events on the server: a subscriber to one device never sees another device', async () => {
    const [watched, other] = [await enrollDevice(gateway), await enrollDevice(gateway)];
    const client = gateway.wsClient();
    const events = new EventCollector(
      client.iterate({
        query: print(DeviceCheckedInDocument),
        variables: { filter: { deviceId: watched.device.id } },
      }),
    );
    const primed = await events.prime(() => checkIn(watched.credential));
    await checkIn(other.credential);
    await checkIn(watched.credential);
    const received = await events.waitFor(primed + 1);
    expect(
      received.map(
        (e) => (e as { data: { deviceCheckedIn: { deviceId: string } } }).data.deviceCheckedIn.deviceId,
      ),
    ).toEqual(Array(primed + 1).fill(watched.device.id));
  });

  it('delivers deviceEnrolled with the new device', async () => {
    const upn = byodInput().userPrincipalName!;
    const client = gateway.wsClient();
    const events = new EventCollector(
      client.iterate({
        query: print(DeviceEnrolledDocument),
        variables: { filter: { userPrincipalName: upn } },
      }),
    );
    const primed = await events.prime(() => enrollDevice(gateway, { userPrincipalName: upn }));
    const { device } = await enrollDevice(gateway, { userPrincipalName: upn, platform: 'MACOS' });
    const received = await events.waitFor(primed + 1);
    expect(
      (received.at(-1) as { data: { deviceEnrolled: { device: { id: string; platform: string } } } }).data
        .deviceEnrolled.device,
    ).toMatchObject({
      id: device.id,
      platform: 'MACOS',
    });
  });

  it('refuses a check-in for an unknown device as a failed proof (DEVICE_CREDENTIAL_INVALID) and a malformed id with BAD_USER_INPUT', async () => {
    const { credential } = await enrollDevice(gateway);
    const unknown = await checkIn(credential, { deviceId: '00000000-0000-4000-8000-000000000001' });
    expect(unknown.checkIn).toMatchObject({
      __typename: 'OperationRefusedError',
      code: 'DEVICE_CREDENTIAL_INVALID',
    });
    const malformed = await gateway.query(CheckInDocument, { input: { deviceId: '12' } });
    expect(malformed.checkIn).toMatchObject({ __typename: 'InvalidInputError', code: 'BAD_USER_INPUT' });
  });
});
