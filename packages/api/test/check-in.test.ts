import { CheckInDocument, DeviceCheckedInDocument, DeviceEnrolledDocument, EnrollDeviceDocument } from '@mdm/schema';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byodInput } from './support/builders.js';
import { EventCollector } from './support/deferred.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

describe('check-in and live events', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.stop());

  async function enroll(overrides: Parameters<typeof byodInput>[0] = {}) {
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input: byodInput(overrides) });
    if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
    return enrollDevice.device;
  }

  it('updates lastSyncDateTime to the gateway clock\'s now', async () => {
    const device = await enroll();
    gateway.clock.advance(3_600_000);
    const { checkIn } = await gateway.query(CheckInDocument, { deviceId: device.id });
    expect(checkIn).toMatchObject({ __typename: 'CheckInSuccess', device: { id: device.id, lastSyncDateTime: gateway.clock.now().toISOString() } });
    const [row] = await gateway.sql<{ last_sync_date_time: Date }>('select last_sync_date_time from managed_device where id = ?', [device.id]);
    expect(new Date(row!.last_sync_date_time).toISOString()).toBe(gateway.clock.now().toISOString());
  });

  it('delivers deviceCheckedIn to a graphql-ws subscriber after the check-in commits', async () => {
    const device = await enroll({ platform: 'WINDOWS', method: 'AUTO_ENROLL', joinType: 'azureADRegistered' });
    const client = gateway.wsClient();
    const events = new EventCollector(
      client.iterate({ query: print(DeviceCheckedInDocument), variables: { filter: { deviceId: device.id } } }),
    );
    const primed = await events.prime(() => gateway.query(CheckInDocument, { deviceId: device.id }));
    gateway.clock.advance(5_000);
    await gateway.query(CheckInDocument, { deviceId: device.id });
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
    const [watched, other] = [await enroll(), await enroll()];
    const client = gateway.wsClient();
    const events = new EventCollector(
      client.iterate({ query: print(DeviceCheckedInDocument), variables: { filter: { deviceId: watched.id } } }),
    );
    const primed = await events.prime(() => gateway.query(CheckInDocument, { deviceId: watched.id }));
    await gateway.query(CheckInDocument, { deviceId: other.id });
    await gateway.query(CheckInDocument, { deviceId: watched.id });
    const received = await events.waitFor(primed + 1);
    expect(received.map((e) => (e as { data: { deviceCheckedIn: { deviceId: string } } }).data.deviceCheckedIn.deviceId)).toEqual(
      Array(primed + 1).fill(watched.id),
    );
  });

  it('delivers deviceEnrolled with the new device', async () => {
    const upn = byodInput().userPrincipalName!;
    const client = gateway.wsClient();
    const events = new EventCollector(client.iterate({ query: print(DeviceEnrolledDocument), variables: { filter: { userPrincipalName: upn } } }));
    const primed = await events.prime(() => enroll({ userPrincipalName: upn }));
    const device = await enroll({ userPrincipalName: upn, platform: 'MACOS' });
    const received = await events.waitFor(primed + 1);
    expect((received.at(-1) as { data: { deviceEnrolled: { device: { id: string; platform: string } } } }).data.deviceEnrolled.device).toMatchObject({
      id: device.id,
      platform: 'MACOS',
    });
  });

  it('refuses a check-in for an unknown device with NOT_FOUND and a malformed id with BAD_USER_INPUT', async () => {
    const unknown = await gateway.query(CheckInDocument, { deviceId: '00000000-0000-4000-8000-000000000001' });
    expect(unknown.checkIn).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const malformed = await gateway.query(CheckInDocument, { deviceId: '12' });
    expect(malformed.checkIn).toMatchObject({ __typename: 'InvalidInputError', code: 'BAD_USER_INPUT' });
  });
});
