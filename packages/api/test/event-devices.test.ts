import {
  CheckInDocument,
  DeviceCheckedInDocument,
  ManagedDeviceDocument,
  type DeviceCheckedInSubscription,
} from '@mdm/schema';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topic, type DeviceEventPayload } from '../src/events/topics.js';
import { EventCollector } from './support/deferred.js';
import { enrollDevice, signedCheckIn } from './support/device-credential.js';
import type { TestGateway } from './support/test-gateway.js';
import { startTracedGateway, type TracedGateway } from './support/traced-gateway.js';

/** The statement that reads the devices of subscription events (DeviceStore.readByIds). */
const EVENT_DEVICE_READ = /where "d"\."id" = any\(\$1::uuid\[\]\)/;
/** Any read of a device or a user: the event reads above and the ORM's (a user relation loaded). */
const DEVICE_OR_USER_READ =
  /where "d"\."id" = any\(\$1::uuid\[\]\)|from "managed_device" as|from "app_user" as/;

/**
 * The device of a subscription event is read when the event arrives, for all the events that
 * arrive together in one statement, and only while someone subscribes (dashboards fell
 * seconds behind a mass enrollment when each event read its device in turn).
 */
describe('the devices of subscription events', () => {
  let traced: TracedGateway;
  let gateway: TestGateway;
  beforeAll(async () => {
    traced = await startTracedGateway();
    gateway = traced.gateway;
  }, 120_000);
  afterAll(() => traced?.stop());

  /** How many event-device reads PostgreSQL has run so far. */
  const deviceReads = () => traced.countStatements(EVENT_DEVICE_READ);

  const checkedIn = (
    device: { id: string; platform: string; managedDeviceOwnerType: string; enrollmentMethod: string },
    upn: string | null,
  ): DeviceEventPayload =>
    ({
      deviceId: device.id,
      platform: device.platform,
      managedDeviceOwnerType: device.managedDeviceOwnerType,
      enrollmentMethod: device.enrollmentMethod,
      userPrincipalName: upn,
      occurredAt: new Date().toISOString(),
    }) as DeviceEventPayload;

  it('reads the devices of 20 events published together in one statement, and each subscriber gets its own device', async () => {
    const enrolled = [];
    for (let i = 0; i < 20; i++)
      enrolled.push(await enrollDevice(gateway, { deviceName: `event device ${i}` }));
    const events = enrolled.map((e) => checkedIn(e.device, e.device.userPrincipalName ?? null));
    const client = gateway.wsClient();
    const subscription = new EventCollector(
      client.iterate({ query: print(DeviceCheckedInDocument), variables: {} }) as AsyncIterable<{
        data: DeviceCheckedInSubscription;
      }>,
    );
    const primed = await subscription.prime(() =>
      gateway.events.publishCommitted([{ topic: Topic.DeviceCheckedIn, payload: events[0]! }]),
    );
    await subscription.waitFor(primed);
    const before = await deviceReads();

    await gateway.events.publishCommitted(
      events.map((payload) => ({ topic: Topic.DeviceCheckedIn, payload })),
    );
    const received = (await subscription.waitFor(primed + 20))
      .slice(primed)
      .map((r) => r.data.deviceCheckedIn);

    expect(received.map((e) => [e.deviceId, e.device?.id, e.device?.deviceName])).toEqual(
      enrolled.map((e, i) => [e.device.id, e.device.id, `event device ${i}`]),
    );
    expect((await deviceReads()) - before).toBe(1);
    await client.dispose();
  }, 60_000);

  it("renders a check-in's event from the device its statement committed, with no device or user read", async () => {
    const { device, credential } = await enrollDevice(gateway, { deviceName: 'committed device' });
    expect(device.userPrincipalName).toBeTruthy();
    // Every field a dashboard shows, its user included (ManagedDevice query's selection).
    const selection = print(ManagedDeviceDocument);
    const fragment = selection.slice(selection.indexOf('fragment '));
    const query = `subscription S($id: ID!) { deviceCheckedIn(filter: { deviceId: $id }) { deviceId occurredAt device { ...ManagedDeviceFields user { id userPrincipalName displayName } } } }\n${fragment}`;
    type Received = { data: { deviceCheckedIn: { deviceId: string; occurredAt: string; device: unknown } } };
    const client = gateway.wsClient();
    const subscription = new EventCollector(
      client.iterate({ query, variables: { id: device.id } }) as AsyncIterable<Received>,
    );
    const primed = await subscription.prime(() =>
      gateway.events.publishCommitted([
        { topic: Topic.DeviceCheckedIn, payload: checkedIn(device, device.userPrincipalName ?? null) },
      ]),
    );
    await subscription.waitFor(primed);
    const before = await traced.countStatements(DEVICE_OR_USER_READ);

    gateway.clock.advance(60_000);
    const { checkIn } = await gateway.query(CheckInDocument, {
      input: signedCheckIn(credential, gateway.clock.now()),
    });
    expect(checkIn.__typename).toBe('CheckInSuccess');
    const [event] = (await subscription.waitFor(primed + 1)).slice(primed).map((r) => r.data.deviceCheckedIn);
    expect((await traced.countStatements(DEVICE_OR_USER_READ)) - before).toBe(0);

    // The same device a query reads now (nothing changed it since the check-in).
    const { managedDevice } = await gateway.query(ManagedDeviceDocument, { id: device.id });
    expect(event!.device).toEqual(managedDevice);
    expect(managedDevice!.lastSyncDateTime).toBe(gateway.clock.now().toISOString());
    expect(managedDevice!.user?.userPrincipalName).toBe(device.userPrincipalName);
    await client.dispose();
  }, 60_000);

  it('reads no device for events nobody subscribes to', async () => {
    const { device } = await enrollDevice(gateway);
    // The previous test's subscriber has gone: its stream ends on the server shortly after.
    const deadline = Date.now() + 10_000;
    while (gateway.events.hasSubscribers(Topic.DeviceCheckedIn) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(gateway.events.hasSubscribers(Topic.DeviceCheckedIn)).toBe(false);
    const before = await deviceReads();
    await gateway.events.publishCommitted(
      Array.from({ length: 5 }, () => ({ topic: Topic.DeviceCheckedIn, payload: checkedIn(device, null) })),
    );
    await new Promise((r) => setImmediate(r));
    expect((await deviceReads()) - before).toBe(0);
  });
});
