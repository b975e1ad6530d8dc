import { randomUUID } from 'node:crypto';
import {
  CreateEnrollmentInvitationDocument,
  DeviceEnrolledDocument,
  EnrollDeviceDocument,
  ManagedDeviceDocument,
} from '@mdm/schema';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appleHandsets } from './support/apple-handset.js';
import { uniqueUpn } from './support/builders.js';
import { EventCollector } from './support/deferred.js';
import { appleTestBed, freePort } from './support/scepclient.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

let gateway: TestGateway;
let device: ReturnType<typeof appleHandsets>;

beforeAll(async () => {
  const port = await freePort();
  gateway = await startTestGateway({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
  device = appleHandsets(gateway, await appleTestBed(gateway, 'apple-parity-'));
});
afterAll(() => gateway.stop());

/** What differs between any two devices by nature: identity, hardware ids, names and instants. */
const UNIQUE = new Set([
  'id',
  'deviceId',
  'deviceName',
  'serialNumber',
  'imei',
  'occurredAt',
  'enrolledDateTime',
  'lastSyncDateTime',
  'managementCertificateExpirationDate',
]);

/** The value with every naturally unique field removed, at any depth. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !UNIQUE.has(key))
        .map(([key, v]) => [key, comparable(v)]),
    );
  return value;
}

type Enrolled = { data: { deviceEnrolled: { deviceId: string } & Record<string, unknown> } };

describe('a device enrolled by Apple’s protocol and one enrolled by enrollDevice look the same', () => {
  it('over graphql-ws (deviceEnrolled) and through GraphQL (managedDevice), field by field', async () => {
    const upn = uniqueUpn();
    const events = new EventCollector(
      gateway
        .wsClient()
        .iterate({ query: print(DeviceEnrolledDocument), variables: { filter: { userPrincipalName: upn } } }),
    ) as EventCollector<Enrolled>;
    const twinInput = {
      platform: 'IOS',
      method: 'BYOD',
      userPrincipalName: upn,
      osVersion: '17.4.1',
      model: 'iPhone15,2',
      manufacturer: 'Apple',
    } as const;
    const enroll = async () => {
      const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
        input: {
          ...twinInput,
          deviceName: 'twin',
          serialNumber: `TWN${randomUUID().slice(0, 8).toUpperCase()}`,
        },
      });
      if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
      return enrollDevice.device.id;
    };
    // The server registers the subscription asynchronously: enrollDevice until it delivers.
    const primed = await events.prime(enroll);
    const twinId = (await events.waitFor(primed)).at(-1)!.data.deviceEnrolled.deviceId;

    const { createEnrollmentInvitation: invitation } = await gateway.query(
      CreateEnrollmentInvitationDocument,
      {
        input: { platform: 'IOS', method: 'BYOD', userPrincipalName: upn },
      },
    );
    if (invitation.__typename !== 'CreateEnrollmentInvitationSuccess') throw new Error(invitation.__typename);
    const handset = await device.handsetFrom(
      await fetch(invitation.profileUrl),
      `PAR${randomUUID().slice(0, 8)}`,
    );
    expect((await device.authenticate(handset)).status).toBe(200);
    expect((await device.tokenUpdate(handset)).status).toBe(200);
    const [{ device_id: protocolId }] = (await gateway.sql<{ device_id: string }>(
      'select device_id from apple_mdm_enrollment where identifier = ?',
      [handset.udid],
    )) as [{ device_id: string }];

    const received = await events.waitFor(primed + 1);
    const ofDevice = (id: string) => received.filter((e) => e.data.deviceEnrolled.deviceId === id);
    expect(ofDevice(protocolId)).toHaveLength(1);
    const [protocolEvent] = ofDevice(protocolId);
    const [twinEvent] = ofDevice(twinId);
    expect(comparable(protocolEvent!.data.deviceEnrolled)).toEqual(
      comparable(twinEvent!.data.deviceEnrolled),
    );
    expect(protocolEvent!.data.deviceEnrolled).toMatchObject({
      platform: 'IOS',
      enrollmentMethod: 'BYOD',
      userPrincipalName: upn,
    });

    const [protocolView, twinView] = await Promise.all(
      [protocolId, twinId].map(
        async (id) => (await gateway.query(ManagedDeviceDocument, { id })).managedDevice,
      ),
    );
    expect(protocolView).toBeTruthy();
    expect(comparable(protocolView)).toEqual(comparable(twinView));
  });
});
