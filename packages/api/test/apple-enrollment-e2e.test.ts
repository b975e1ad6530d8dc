import { execFile } from 'node:child_process';
import { randomUUID, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateEnrollmentInvitationDocument,
  EnrollDeviceDocument,
  ExportAppleEnrollmentProfileDocument,
  ManagedDeviceDocument,
  ManagedDeviceProtocolDocument,
  PendingEnrollmentsDocument,
  RetireDeviceDocument,
  SyncDeviceDocument,
  type CreateEnrollmentInvitationInput,
  type EnrollDeviceInput,
} from '@mdm/schema';
import { build, parse, type PlistValue } from 'plist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topic, type DeviceEventPayload, type DeviceUpdatedPayload } from '../src/events/topics.js';
import { uniqueUpn } from './support/builders.js';
import { enrollmentSetup } from './support/enrollment-setup.js';
import { appleHandsets, TEST_TOPIC } from './support/apple-handset.js';
import { appleTestBed, freePort, issuedCertificate, runScepClient } from './support/scepclient.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const run = promisify(execFile);
type Dict = { [key: string]: PlistValue };

/**
 * Apple enrollment end to end, every step by a client nobody here wrote where one exists: the
 * profile is read with `openssl cms -verify`, the identity certificate is obtained by micromdm's
 * `scepclient` with the profile's own challenge, and every check-in and command report is signed
 * (`Mdm-Signature`) by `openssl cms -sign` with scepclient's key and certificate.
 */
let gateway: TestGateway;
let setup: ReturnType<typeof enrollmentSetup>;
let handsets: ReturnType<typeof appleHandsets>;
let work: string;
let caFile: string;
let raFingerprint: string;
let machineKey: string;
let machineCertificate: string;

/** A device as the protocol sees it: its UDID, serial and scepclient's key and certificate files. */
interface Handset {
  udid: string;
  serial: string;
  keyFile: string;
  certificateFile: string;
  /** The top-level PayloadIdentifier of the enrollment profile the device installed. */
  profileIdentifier: string;
}

/** Signs the message with the device's identity (`openssl cms -sign`, the kit's) and PUTs it. */
async function put(path: string, message: Dict, device: Handset) {
  const body = Buffer.from(build(message));
  return handsets.putSigned(path, body, await handsets.signedBy(body, device));
}

const TOPIC = TEST_TOPIC;

const authenticate = (device: Handset, platform: 'IOS' | 'MACOS') =>
  put(
    '/mdm/checkin',
    {
      MessageType: 'Authenticate',
      UDID: device.udid,
      SerialNumber: device.serial,
      Topic: TOPIC,
      OSVersion: platform === 'IOS' ? '17.4.1' : '14.4.1',
      BuildVersion: '21E236',
      ProductName: platform === 'IOS' ? 'iPhone15,2' : 'Mac14,2',
      Model: platform === 'IOS' ? 'iPhone15,2' : 'Mac14,2',
      DeviceName: `Device ${device.serial}`,
    },
    device,
  );

const tokenUpdate = (device: Handset) =>
  put(
    '/mdm/checkin',
    {
      MessageType: 'TokenUpdate',
      UDID: device.udid,
      Topic: TOPIC,
      Token: Buffer.from(randomUUID().replaceAll('-', ''), 'hex'),
      PushMagic: randomUUID().toUpperCase(),
      UnlockToken: Buffer.from('unlock'),
    },
    device,
  );

const status = (device: Handset, answer: Dict = { Status: 'Idle' }) =>
  put('/mdm/connect', { UDID: device.udid, ...answer }, device);

const commandOf = (text: string) =>
  parse(text) as { CommandUUID: string; Command: { RequestType: string } & Dict };

/**
 * Verifies a downloaded profile with `openssl cms -verify` and returns its SCEP payload's content
 * and the profile's own PayloadIdentifier.
 */
async function scepPayloadOf(body: Buffer): Promise<{ scep: Dict; profileIdentifier: string }> {
  const file = join(work, `profile-${randomUUID()}.mobileconfig`);
  await writeFile(file, body);
  const { stdout } = await run('openssl', [
    'cms',
    '-verify',
    '-inform',
    'der',
    '-in',
    file,
    '-CAfile',
    caFile,
    '-purpose',
    'any',
  ]);
  const profile = parse(stdout) as Dict;
  const scep = (profile['PayloadContent'] as Dict[]).find(
    (p) => p['PayloadType'] === 'com.apple.security.scep',
  );
  return { scep: scep!['PayloadContent'] as Dict, profileIdentifier: String(profile['PayloadIdentifier']) };
}

/** Runs scepclient with the profile's URL and challenge, as the device does when it installs the profile. */
async function identityFrom(profile: Response, serial: string): Promise<Handset> {
  expect(profile.status).toBe(200);
  const { scep, profileIdentifier } = await scepPayloadOf(Buffer.from(await profile.arrayBuffer()));
  const enrolled = await runScepClient({
    serverUrl: String(scep['URL']),
    recipientFingerprint: raFingerprint,
    challenge: String(scep['Challenge']),
  });
  expect(enrolled.ok, enrolled.output).toBe(true);
  await issuedCertificate(enrolled);
  return {
    udid: `00008110-${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`,
    serial,
    keyFile: join(enrolled.dir, 'key.pem'),
    certificateFile: join(enrolled.dir, 'client.pem'),
    profileIdentifier,
  };
}

/** A MachineInfo as Setup Assistant posts it: a plist signed (content attached) by `openssl cms -sign`. */
async function machineInfo(serial: string): Promise<Buffer> {
  const plistFile = join(work, `machineinfo-${serial}.plist`);
  await writeFile(
    plistFile,
    build({
      UDID: `00008030-${serial}`,
      SERIAL: serial,
      PRODUCT: 'iPhone15,2',
      VERSION: '21E236',
      LANGUAGE: 'en',
    }),
  );
  const out = `${plistFile}.p7s`;
  await run('openssl', [
    'cms',
    '-sign',
    '-nodetach',
    '-binary',
    '-outform',
    'der',
    '-in',
    plistFile,
    '-signer',
    machineCertificate,
    '-inkey',
    machineKey,
    '-out',
    out,
  ]);
  return readFile(out);
}

async function invitationProfile(input: Partial<CreateEnrollmentInvitationInput>): Promise<Response> {
  const { createEnrollmentInvitation: r } = await gateway.query(CreateEnrollmentInvitationDocument, {
    input: { platform: 'IOS', method: 'BYOD', ...input } as CreateEnrollmentInvitationInput,
  });
  if (r.__typename !== 'CreateEnrollmentInvitationSuccess') throw new Error(JSON.stringify(r));
  return fetch(r.profileUrl);
}

const deviceIdOf = async (device: Handset): Promise<string> => {
  const [row] = await gateway.sql<{ device_id: string }>(
    'select device_id from apple_mdm_enrollment where identifier = ?',
    [device.udid],
  );
  return row!.device_id;
};

/** The fields an enrollment decides, which must be the same whichever transport enrolled the device. */
const shape = (device: Record<string, unknown> | null | undefined) => ({
  operatingSystem: device?.['operatingSystem'],
  managedDeviceOwnerType: device?.['managedDeviceOwnerType'],
  enrollmentMethod: device?.['enrollmentMethod'],
  managementState: device?.['managementState'],
  user: (device?.['user'] as { userPrincipalName?: string } | null)?.userPrincipalName ?? null,
});

beforeAll(async () => {
  const port = await freePort();
  gateway = await startTestGateway({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
  setup = enrollmentSetup(gateway);
  const bed = await appleTestBed(gateway, 'apple-e2e-');
  ({ work, caFile, raFingerprint, signerKey: machineKey, signerCertificate: machineCertificate } = bed);
  handsets = appleHandsets(gateway, bed);
});
afterAll(() => gateway.stop());

/**
 * Authenticate → TokenUpdate → Idle (DeviceInformation acknowledged) → retire → RemoveProfile
 * acknowledged → retired; `deviceEnrolled` is published exactly once for the device, at Authenticate.
 */
async function lifecycle(device: Handset, platform: 'IOS' | 'MACOS', enrolledByGraphql: EnrollDeviceInput) {
  const enrolled = enrolledEvents();
  expect(await authenticate(device, platform)).toMatchObject({ status: 200 });
  const id = await deviceIdOf(device);
  await enrolled.first(id);
  expect(await tokenUpdate(device)).toMatchObject({ status: 200 });
  let next = commandOf((await status(device)).text);
  while (next.Command.RequestType !== 'RemoveProfile') {
    const answer = await status(device, { Status: 'Acknowledged', CommandUUID: next.CommandUUID });
    expect(answer.status).toBe(200);
    if (!answer.text) {
      const managed = (await gateway.query(ManagedDeviceDocument, { id })).managedDevice;
      expect(managed?.managementState).toBe('managed');
      const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input: enrolledByGraphql });
      if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(JSON.stringify(enrollDevice));
      const twin = (await gateway.query(ManagedDeviceDocument, { id: enrollDevice.device.id })).managedDevice;
      expect(shape(managed as never)).toEqual(shape(twin as never));
      const { managedDevice: protocol } = await gateway.query(ManagedDeviceProtocolDocument, {
        id,
        first: 5,
      });
      expect(protocol?.appleMdm).toMatchObject({
        pushTokenPresent: true,
        topic: TOPIC,
        awaitingConfiguration: false,
        checkedOutDateTime: null,
      });
      expect(protocol?.mdmCommands.map((c) => [c.requestType, c.status])).toContainEqual([
        'DeviceInformation',
        'acknowledged',
      ]);
      await gateway.query(RetireDeviceDocument, { deviceId: id });
      next = commandOf((await status(device)).text);
    } else next = commandOf(answer.text);
  }
  // The profile the device installed is the one it is told to remove.
  expect(next.Command['Identifier']).toBe(device.profileIdentifier);
  expect((await gateway.query(ManagedDeviceDocument, { id })).managedDevice?.managementState).toBe(
    'retirePending',
  );
  const updated = nextUpdate(id);
  expect(await status(device, { Status: 'Acknowledged', CommandUUID: next.CommandUUID })).toEqual({
    status: 200,
    text: '',
  });
  expect((await gateway.query(ManagedDeviceDocument, { id })).managedDevice?.managementState).toBe('retired');
  expect(await updated).toMatchObject({ change: 'ACTION_COMPLETED', changedFields: ['managementState'] });
  // Every later message (TokenUpdate, Idle, command reports) has been answered: a second
  // deviceEnrolled would have been published by now.
  expect(enrolled.stop().filter((e) => e.deviceId === id)).toHaveLength(1);
  return id;
}

/**
 * Every `deviceEnrolled` event from this call on, as subscribers receive it: `first(id)` waits for
 * the device's first one; `stop()` ends listening and returns all of them.
 */
function enrolledEvents() {
  const stream = (gateway.events.pubSub.subscribe(Topic.DeviceEnrolled) as AsyncIterable<DeviceEventPayload>)[
    Symbol.asyncIterator
  ]();
  const seen: DeviceEventPayload[] = [];
  const waiting = new Map<string, () => void>();
  void (async () => {
    for (let next = await stream.next(); !next.done; next = await stream.next()) {
      seen.push(next.value);
      waiting.get(next.value.deviceId)?.();
    }
  })();
  return {
    first: (deviceId: string) =>
      seen.some((e) => e.deviceId === deviceId)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.set(deviceId, resolve)),
    stop: () => {
      void stream.return?.();
      return [...seen];
    },
  };
}

/** The next `deviceUpdated` event of one device, as subscribers receive it (listening from this call). */
function nextUpdate(deviceId: string): Promise<DeviceUpdatedPayload> {
  const stream = (
    gateway.events.pubSub.subscribe(Topic.DeviceUpdated) as AsyncIterable<DeviceUpdatedPayload>
  )[Symbol.asyncIterator]();
  const first = stream.next();
  return (async () => {
    for (let next = await first; ; next = await stream.next())
      if (next.value.deviceId === deviceId) {
        await stream.return?.();
        return next.value;
      }
  })();
}

const serialOf = () => `E2E${randomUUID().replaceAll('-', '').slice(0, 9).toUpperCase()}`;

describe('Apple enrollment end to end: profile, scepclient, check-in, commands', () => {
  it('iOS BYOD: an invitation profile, scepclient, Authenticate and TokenUpdate enroll the user’s device like enrollDevice does, and a retire removes its profile', async () => {
    const upn = uniqueUpn();
    const serial = serialOf();
    const device = await identityFrom(await invitationProfile({ userPrincipalName: upn }), serial);
    const id = await lifecycle(device, 'IOS', {
      platform: 'IOS',
      method: 'BYOD',
      userPrincipalName: upn,
      deviceName: 'twin',
      serialNumber: serialOf(),
      osVersion: '17.4.1',
    });
    const { pendingEnrollments } = await gateway.query(PendingEnrollmentsDocument, {});
    const serialNumber = new X509Certificate(
      await readFile(device.certificateFile),
    ).serialNumber.toUpperCase();
    expect(pendingEnrollments.find((p) => p.certificate.serialNumber === serialNumber)).toMatchObject({
      status: 'completed',
    });
    expect((await gateway.query(ManagedDeviceDocument, { id })).managedDevice?.user?.userPrincipalName).toBe(
      upn,
    );
  });

  it('iOS DEP: the MachineInfo profile, scepclient and Authenticate enroll the listed serial like enrollDevice does, and a retire removes its profile', async () => {
    const serial = await setup.depSerial({});
    const profile = await fetch(`${gateway.url}/enrollment/apple/dep`, {
      method: 'POST',
      headers: { 'content-type': 'application/pkcs7-signature' },
      body: await machineInfo(serial),
    });
    const device = await identityFrom(profile, serial);
    const twinSerial = await setup.depSerial({});
    await lifecycle(device, 'IOS', {
      platform: 'IOS',
      method: 'DEP',
      deviceName: 'twin',
      serialNumber: twinSerial,
      osVersion: '17.4.1',
    });
  });

  /** The other seed rows Apple devices use, each through the profile its method hands out. */
  const rows: {
    name: string;
    platform: 'IOS' | 'MACOS';
    arrive: () => Promise<{ profile: Response; serial: string; twin: EnrollDeviceInput }>;
  }[] = [
    {
      name: 'iOS DEM: a DEM account’s userless invitation',
      platform: 'IOS',
      arrive: async () => {
        const dem = await setup.demAccount();
        const twin = { platform: 'IOS', method: 'DEM', enrollmentManagerUserPrincipalName: dem } as const;
        return {
          profile: await invitationProfile(twin),
          serial: serialOf(),
          twin: { ...twin, deviceName: 'twin', serialNumber: serialOf(), osVersion: '17.4.1' },
        };
      },
    },
    {
      name: 'macOS BYOD: a user’s invitation',
      platform: 'MACOS',
      arrive: async () => {
        const upn = uniqueUpn();
        return {
          profile: await invitationProfile({ platform: 'MACOS', userPrincipalName: upn }),
          serial: serialOf(),
          twin: {
            platform: 'MACOS',
            method: 'BYOD',
            userPrincipalName: upn,
            deviceName: 'twin',
            serialNumber: serialOf(),
            osVersion: '14.4.1',
          },
        };
      },
    },
    {
      name: 'macOS DEM: a DEM account’s userless invitation',
      platform: 'MACOS',
      arrive: async () => {
        const dem = await setup.demAccount();
        const twin = { platform: 'MACOS', method: 'DEM', enrollmentManagerUserPrincipalName: dem } as const;
        return {
          profile: await invitationProfile(twin),
          serial: serialOf(),
          twin: { ...twin, deviceName: 'twin', serialNumber: serialOf(), osVersion: '14.4.1' },
        };
      },
    },
    {
      name: 'iOS USB-SA: the Configurator enrollment URL with the listed serial’s MachineInfo',
      platform: 'IOS',
      arrive: async () => {
        const serial = await setup.usbSaSerial();
        const [profile] = await gateway.sql<{ profile_id: string }>(
          `select profile_id from apple_device where serial_number = ?`,
          [serial],
        );
        const { exportAppleEnrollmentProfile: exported } = await gateway.query(
          ExportAppleEnrollmentProfileDocument,
          { profileId: profile!.profile_id },
        );
        if (exported.__typename !== 'ExportAppleEnrollmentProfileSuccess')
          throw new Error(exported.__typename);
        return {
          profile: await fetch(exported.enrollmentUrl!, {
            method: 'POST',
            headers: { 'content-type': 'application/pkcs7-signature' },
            body: await machineInfo(serial),
          }),
          serial,
          twin: {
            platform: 'IOS',
            method: 'USB_SA',
            deviceName: 'twin',
            serialNumber: await setup.usbSaSerial(),
            osVersion: '17.4.1',
          },
        };
      },
    },
    {
      name: 'iOS USB-Direct: the signed profile of a .mobileconfig export',
      platform: 'IOS',
      arrive: async () => {
        const created = await setup.createProfile({ kind: 'USB_DIRECT' });
        const { exportAppleEnrollmentProfile: exported } = await gateway.query(
          ExportAppleEnrollmentProfileDocument,
          { profileId: created.id },
        );
        if (exported.__typename !== 'ExportAppleEnrollmentProfileSuccess')
          throw new Error(exported.__typename);
        return {
          profile: await fetch(exported.profileUrl!),
          serial: serialOf(),
          twin: {
            platform: 'IOS',
            method: 'USB_DIRECT',
            profileExportToken: exported.token,
            deviceName: 'twin',
            serialNumber: serialOf(),
            osVersion: '17.4.1',
          },
        };
      },
    },
  ];
  for (const row of rows)
    it(`${row.name}: scepclient, Authenticate and TokenUpdate enroll it like enrollDevice does, and a retire removes its profile`, async () => {
      const { profile, serial, twin } = await row.arrive();
      await lifecycle(await identityFrom(profile, serial), row.platform, twin);
    });

  it('a CheckOut ends the enrollment: the device is retired and deviceUpdated (CHECKED_OUT) is published with deviceCheckedIn', async () => {
    const device = await identityFrom(
      await invitationProfile({ userPrincipalName: uniqueUpn() }),
      serialOf(),
    );
    expect(await authenticate(device, 'IOS')).toMatchObject({ status: 200 });
    expect(await tokenUpdate(device)).toMatchObject({ status: 200 });
    const id = await deviceIdOf(device);
    const updated = nextUpdate(id);
    expect(
      await put('/mdm/checkin', { MessageType: 'CheckOut', UDID: device.udid, Topic: TOPIC }, device),
    ).toEqual({
      status: 200,
      text: '',
    });
    expect(await updated).toMatchObject({ change: 'CHECKED_OUT', changedFields: ['managementState'] });
    expect((await gateway.query(ManagedDeviceDocument, { id })).managedDevice?.managementState).toBe(
      'retired',
    );
  });

  it("Apple's User Enrollment (an EnrollmentID, no UDID) enrolls a personal device recorded as appleUserEnrollment, without hardware identifiers; a UDID-named BYOD device is userEnrollment", async () => {
    const upn = uniqueUpn();
    const device = await identityFrom(await invitationProfile({ userPrincipalName: upn }), serialOf());
    const enrollmentId = randomUUID().toUpperCase();
    const answer = await put(
      '/mdm/checkin',
      {
        MessageType: 'Authenticate',
        EnrollmentID: enrollmentId,
        Topic: TOPIC,
        OSVersion: '17.4.1',
        BuildVersion: '21E236',
        ProductName: 'iPhone14,5',
      },
      device,
    );
    expect(answer.status).toBe(200);
    const [first] = await gateway.sql<{
      device_id: string;
      enrollment_type: string;
      managed_device_owner_type: string;
      serial_number: string | null;
      channel: string;
    }>(
      `select e.device_id, d.enrollment_type, d.managed_device_owner_type, d.serial_number, e.channel
         from apple_mdm_enrollment e join managed_device d on d.id = e.device_id where e.identifier = ?`,
      [enrollmentId],
    );
    const { device_id: _deviceId, ...row } = first!;
    expect(row).toEqual({
      enrollment_type: 'appleUserEnrollment',
      managed_device_owner_type: 'personal',
      serial_number: null,
      channel: 'userEnrollment',
    });

    // Another enrollment naming the same EnrollmentID claims a channel that is not its own:
    // refused by the rules, and the first device keeps its channel.
    const claimant = await identityFrom(
      await invitationProfile({ userPrincipalName: uniqueUpn() }),
      serialOf(),
    );
    const claim = await put(
      '/mdm/checkin',
      {
        MessageType: 'Authenticate',
        EnrollmentID: enrollmentId,
        Topic: TOPIC,
        OSVersion: '17.4.1',
        ProductName: 'iPhone14,5',
      },
      claimant,
    );
    expect(claim.status).toBe(403);
    expect(claim.text).toContain('this EnrollmentID belongs to another enrolled device');
    const [still] = await gateway.sql<{ device_id: string }>(
      'select device_id from apple_mdm_enrollment where identifier = ?',
      [enrollmentId],
    );
    expect(still?.device_id).toBe(first?.device_id);
    expect((await put('/mdm/connect', { EnrollmentID: enrollmentId, Status: 'Idle' }, device)).status).toBe(
      200,
    );

    const whole = await identityFrom(await invitationProfile({ userPrincipalName: uniqueUpn() }), serialOf());
    expect(await authenticate(whole, 'IOS')).toMatchObject({ status: 200 });
    const [byUdid] = await gateway.sql<{ enrollment_type: string }>(
      'select enrollment_type from managed_device where id = ?',
      [await deviceIdOf(whole)],
    );
    expect(byUdid?.enrollment_type).toBe('userEnrollment');
  });

  it('syncDevice wakes an enrolled device (skipped without a push certificate) and names an unknown device NOT_FOUND; a device enrolled by enrollDevice has no Apple state', async () => {
    const upn = uniqueUpn();
    const device = await identityFrom(await invitationProfile({ userPrincipalName: upn }), serialOf());
    await authenticate(device, 'IOS');
    await tokenUpdate(device);
    const id = await deviceIdOf(device);
    expect((await gateway.query(SyncDeviceDocument, { deviceId: id })).syncDevice).toMatchObject({
      __typename: 'SyncDeviceSuccess',
      push: 'skipped',
      device: { id },
    });
    expect((await gateway.query(SyncDeviceDocument, { deviceId: randomUUID() })).syncDevice.__typename).toBe(
      'NotFoundError',
    );
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
      input: {
        platform: 'IOS',
        method: 'BYOD',
        userPrincipalName: upn,
        deviceName: 'plain',
        serialNumber: serialOf(),
        osVersion: '17.4.1',
      },
    });
    if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
    expect(
      (await gateway.query(ManagedDeviceProtocolDocument, { id: enrollDevice.device.id })).managedDevice,
    ).toMatchObject({ appleMdm: null, mdmCommands: [] });
  });

  it('an Authenticate whose serial is not the one the DEP profile was issued for is refused: 403, the pending enrollment refused, its certificate revoked, the refusal audited', async () => {
    const serial = await setup.depSerial({});
    const profile = await fetch(`${gateway.url}/enrollment/apple/dep`, {
      method: 'POST',
      headers: { 'content-type': 'application/pkcs7-signature' },
      body: await machineInfo(serial),
    });
    const device = await identityFrom(profile, serial);
    device.serial = serialOf();
    expect((await authenticate(device, 'IOS')).status).toBe(403);
    const serialNumber = new X509Certificate(
      await readFile(device.certificateFile),
    ).serialNumber.toUpperCase();
    const { pendingEnrollments } = await gateway.query(PendingEnrollmentsDocument, {});
    expect(pendingEnrollments.find((p) => p.certificate.serialNumber === serialNumber)).toMatchObject({
      status: 'refused',
      refusalCode: 'PREREQUISITE_MISSING',
      certificate: { status: 'revoked' },
    });
    const audit = await gateway.sql<{ outcome: string; code: string }>(
      `select outcome, code from audit_record where action = 'mdm.Authenticate' and target_id = ?`,
      [serialNumber],
    );
    expect(audit).toEqual([{ outcome: 'refused', code: 'PREREQUISITE_MISSING' }]);
    // The revoked certificate cannot try again.
    expect((await authenticate({ ...device, serial }, 'IOS')).status).toBe(401);
  });
});
