import { randomUUID, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  CreateEnrollmentInvitationDocument,
  ManagedDeviceProtocolDocument,
  MdmCertificatesDocument,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topic, type CertificateEventPayload } from '../src/events/topics.js';
import { appleHandsets, TEST_TOPIC, type Dict, type Handset } from './support/apple-handset.js';
import { uniqueUpn } from './support/builders.js';
import { appleTestBed, freePort } from './support/scepclient.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const DAY_MS = 86_400_000;

/**
 * Identity renewal over Apple's protocol, end to end with micromdm's `scepclient` and `openssl`:
 * inside the renewal window an Idle gets an InstallProfile of the device's enrollment profile
 * with a fresh challenge; scepclient obtains the new identity with it; the device's next
 * messages, signed with the new certificate, are accepted and make it the current one.
 */
let gateway: TestGateway;
let device: ReturnType<typeof appleHandsets>;

beforeAll(async () => {
  const port = await freePort();
  // Short-lived device certificates: the renewal window opens weeks after the clock's start, well
  // before the real date, so no certificate of the shared test database (the profile signer
  // included) is ever issued in the future, where openssl's checks in other test files would fail.
  gateway = await startTestGateway({
    env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, CERT_VALIDITY_DAYS: '60' },
  });
  device = appleHandsets(gateway, await appleTestBed(gateway, 'apple-renewal-'));
});
afterAll(() => gateway.stop());

async function invitation(): Promise<Response> {
  const { createEnrollmentInvitation: r } = await gateway.query(CreateEnrollmentInvitationDocument, {
    input: { platform: 'IOS', method: 'BYOD', userPrincipalName: uniqueUpn() },
  });
  if (r.__typename !== 'CreateEnrollmentInvitationSuccess') throw new Error(JSON.stringify(r));
  return fetch(r.profileUrl);
}

/** Enrolls a handset: invitation profile, scepclient, Authenticate, TokenUpdate, its first commands answered. */
async function enrolled(): Promise<{ handset: Handset; id: string; profile: Dict }> {
  const response = await invitation();
  const signed = Buffer.from(await response.arrayBuffer());
  const profile = await device.profileOf(signed);
  const handset = await device.handsetFrom(
    new Response(signed),
    `RNW${randomUUID().slice(0, 8).toUpperCase()}`,
  );
  expect((await device.authenticate(handset)).status).toBe(200);
  expect((await device.tokenUpdate(handset)).status).toBe(200);
  await device.drain(handset);
  const [row] = await gateway.sql<{ device_id: string }>(
    'select device_id from apple_mdm_enrollment where identifier = ?',
    [handset.udid],
  );
  return { handset, id: row!.device_id, profile };
}

/**
 * An enrolled handset whose Idle, 5 days before its certificate expires, got the InstallProfile of
 * its renewal, and the identity scepclient obtained with it (not yet presented to the gateway).
 */
async function renewedInWindow(): Promise<{ handset: Handset; id: string; renewed: Handset }> {
  const { handset, id } = await enrolled();
  const old = (await gateway.query(MdmCertificatesDocument, { deviceId: id })).mdmCertificates.find(
    (c) => c.supersededById === null,
  )!;
  gateway.clock.set(new Date(new Date(old.notAfter).getTime() - 5 * DAY_MS));
  const command = device.commandOf((await device.status(handset)).text);
  expect(command.Command.RequestType).toBe('InstallProfile');
  const identity = await device.identityFrom(command.Command['Payload'] as Buffer);
  return {
    handset,
    id,
    renewed: { ...handset, keyFile: identity.keyFile, certificateFile: identity.certificateFile },
  };
}

const serialOf = async (file: string) => new X509Certificate(await readFile(file)).serialNumber.toUpperCase();

function nextRenewal(deviceId: string): Promise<CertificateEventPayload> {
  const stream = (
    gateway.events.pubSub.subscribe(Topic.CertificateRenewed) as AsyncIterable<CertificateEventPayload>
  )[Symbol.asyncIterator]();
  return (async () => {
    for (let next = await stream.next(); ; next = await stream.next())
      if (next.value.deviceId === deviceId) {
        await stream.return?.();
        return next.value;
      }
  })();
}

describe('identity renewal over the protocol', () => {
  it('an Idle inside the renewal window gets the enrollment profile again; scepclient renews with its challenge and the new certificate becomes current', async () => {
    const { handset, id, profile: installed } = await enrolled();
    const other = await enrolled();
    const before = (await gateway.query(MdmCertificatesDocument, { deviceId: id })).mdmCertificates;
    const old = before.find((c) => c.supersededById === null)!;
    expect(old.serialNumber).toBe(await serialOf(handset.certificateFile));

    // Outside the window an Idle has nothing for the device.
    expect(await device.status(handset)).toMatchObject({ status: 200, text: '' });
    gateway.clock.set(new Date(new Date(old.notAfter).getTime() - 10 * DAY_MS));

    const idle = await device.status(handset);
    expect(idle.status).toBe(200);
    const command = device.commandOf(idle.text);
    expect(command.Command.RequestType).toBe('InstallProfile');
    const resent = await device.profileOf(command.Command['Payload'] as Buffer);
    // The same profile identity (it replaces the installed one), topic and URLs; a new challenge.
    expect(resent['PayloadIdentifier']).toBe(installed['PayloadIdentifier']);
    const mdm = (p: Dict) => device.payloadOf(p, 'com.apple.mdm');
    const scep = (p: Dict) => device.payloadOf(p, 'com.apple.security.scep');
    for (const key of ['PayloadIdentifier', 'Topic', 'ServerURL', 'CheckInURL'])
      expect(mdm(resent)[key]).toBe(mdm(installed)[key]);
    expect(scep(resent)['PayloadIdentifier']).toBe(scep(installed)['PayloadIdentifier']);
    expect((scep(resent)['PayloadContent'] as Dict)['Challenge']).not.toBe(
      (scep(installed)['PayloadContent'] as Dict)['Challenge'],
    );

    // In flight: a second Idle queues no second renewal (the unanswered one is delivered again).
    expect(device.commandOf((await device.status(handset)).text).CommandUUID).toBe(command.CommandUUID);

    const identity = await device.identityFrom(command.Command['Payload'] as Buffer);
    const renewed: Handset = {
      ...handset,
      keyFile: identity.keyFile,
      certificateFile: identity.certificateFile,
    };

    // Our CA's certificate, but the renewal of another UDID: refused.
    const stolen: Handset = {
      ...other.handset,
      keyFile: identity.keyFile,
      certificateFile: identity.certificateFile,
    };
    expect((await device.status(stolen)).status).toBe(401);

    const event = nextRenewal(id);
    expect(
      await device.status(renewed, { Status: 'Acknowledged', CommandUUID: command.CommandUUID }),
    ).toMatchObject({ status: 200, text: '' });
    expect(await device.status(renewed)).toMatchObject({ status: 200, text: '' });
    const published = await event;
    const after = (await gateway.query(MdmCertificatesDocument, { deviceId: id })).mdmCertificates;
    const current = after.find((c) => c.supersededById === null)!;
    expect(current.serialNumber).toBe(await serialOf(renewed.certificateFile));
    expect(published).toMatchObject({ certificateId: current.id, previousCertificateId: old.id });
    expect(after.find((c) => c.id === old.id)).toMatchObject({
      supersededById: current.id,
      status: 'revoked',
      revocationReason: 'superseded',
    });
    // The superseded identity no longer speaks for the device; the renewed one is outside the window.
    expect((await device.status(handset)).status).toBe(401);
    const { managedDevice } = await gateway.query(ManagedDeviceProtocolDocument, { id, first: 10 });
    expect(managedDevice?.mdmCommands.filter((c) => c.requestType === 'InstallProfile')).toHaveLength(1);
    expect(managedDevice?.mdmCommands.find((c) => c.requestType === 'InstallProfile')?.status).toBe(
      'acknowledged',
    );
  });

  it('a device that authenticates again with its renewed identity renews (it does not enroll again)', async () => {
    const { id, renewed } = await renewedInWindow();
    const devicesBefore = await gateway.sql<{ n: string }>('select count(*) as n from managed_device');
    expect((await device.authenticate(renewed)).status).toBe(200);
    expect((await device.tokenUpdate(renewed)).status).toBe(200);
    const current = (await gateway.query(MdmCertificatesDocument, { deviceId: id })).mdmCertificates.find(
      (c) => c.supersededById === null,
    )!;
    expect(current.serialNumber).toBe(await serialOf(renewed.certificateFile));
    expect(await gateway.sql<{ n: string }>('select count(*) as n from managed_device')).toEqual(
      devicesBefore,
    );
  });

  it('a device that removes its renewed profile checks out with the renewed identity: retired, every certificate revoked', async () => {
    const { handset, id, renewed } = await renewedInWindow();

    // The first message signed with the new identity is the CheckOut.
    const checkOut = await device.put(
      '/mdm/checkin',
      { MessageType: 'CheckOut', UDID: handset.udid, Topic: TEST_TOPIC },
      renewed,
    );
    expect(checkOut.status).toBe(200);
    const [row] = await gateway.sql<{ management_state: string }>(
      'select management_state from managed_device where id = ?',
      [id],
    );
    expect(row?.management_state).toBe('retired');
    const certificates = (await gateway.query(MdmCertificatesDocument, { deviceId: id })).mdmCertificates;
    expect(certificates.map((c) => c.serialNumber)).toContain(await serialOf(renewed.certificateFile));
    expect(certificates.every((c) => c.status === 'revoked')).toBe(true);
    // The ended enrollment no longer speaks: its renewed identity is refused like the old one.
    expect((await device.status(renewed)).status).toBe(401);
  });
});
