import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnrollDeviceDocument, ManagedDeviceDocument, RetireDeviceDocument } from '@mdm/schema';
import { parse } from 'plist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslCmsSign } from './support/openssl.js';
import { signMdmMessage } from '../src/modules/apple-mdm/mdm-signature.js';
import { byodInput } from './support/builders.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const fixture = (name: string, udid: string) =>
  Buffer.from(
    readFileSync(new URL(`./fixtures/apple-mdm/${name}`, import.meta.url), 'utf8').replaceAll(
      '00008110-001A2B3C4D5E6F70',
      udid,
    ),
  );

/** A device as the protocol sees it: its UDID and the identity certificate it signs with. */
interface ProtocolDevice {
  id: string;
  udid: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** One received APNs request. */
interface Push {
  path: string;
  topic: string | undefined;
  pushType: string | undefined;
  body: string;
}

describe("Apple's MDM check-in and command protocol", () => {
  let gateway: TestGateway;
  let apns: Http2SecureServer;
  let dir: string;
  const pushes: Push[] = [];
  let pushWaiter: ((push: Push) => void) | null = null;
  const nextPush = () => new Promise<Push>((resolve) => (pushWaiter = resolve));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'apns-'));
    // A local HTTP/2 endpoint in APNs' shape, with a self-signed certificate for 127.0.0.1.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        // UID: the push topic, as in the certificates Apple's Push Certificates Portal issues.
        '/UID=com.apple.mgmt.External.5d2b4c1e-0f3a-4e8b-9c6d-7a1b2c3d4e5f/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        // The extensions of an Apple push certificate (sandbox and production), which the APNs client checks.
        '-addext',
        '1.2.840.113635.100.6.3.1=DER:0500',
        '-addext',
        '1.2.840.113635.100.6.3.2=DER:0500',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'pipe' },
    );
    apns = createSecureServer({
      key: readFileSync(join(dir, 'key.pem')),
      cert: readFileSync(join(dir, 'cert.pem')),
    });
    apns.on('stream', (stream, headers) => {
      let body = '';
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.on('end', () => {
        const push = {
          path: String(headers[':path']),
          topic: headers['apns-topic'] as string | undefined,
          pushType: headers['apns-push-type'] as string | undefined,
          body,
        };
        pushes.push(push);
        stream.respond({ ':status': 200, 'apns-id': randomUUID() });
        stream.end();
        pushWaiter?.(push);
      });
    });
    await new Promise<void>((resolve) => apns.listen(0, '127.0.0.1', resolve));
    gateway = await startTestGateway({
      env: {
        APNS_HOST: `127.0.0.1:${(apns.address() as AddressInfo).port}`,
        APNS_CA_FILE: join(dir, 'cert.pem'),
        APNS_CERT_FILE: join(dir, 'cert.pem'),
        APNS_KEY_FILE: join(dir, 'key.pem'),
      },
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    apns?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = async (path: string, body: Buffer, signer: ProtocolDevice | null) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-apple-aspen-mdm' };
    if (signer)
      headers['mdm-signature'] = await signMdmMessage(body, signer.certificatePem, signer.privateKeyPem);
    const response = await fetch(`${gateway.url}${path}`, { method: 'PUT', headers, body });
    return { status: response.status, text: await response.text() };
  };
  const checkIn = (name: string, device: ProtocolDevice) =>
    put('/mdm/checkin', fixture(name, device.udid), device);
  const report = (name: string, device: ProtocolDevice, commandUuid?: string) => {
    let body = fixture(name, device.udid).toString();
    if (commandUuid)
      body = body
        .replaceAll('4C1D9E2A-6B3F-4A70-9E85-1D2C3B4A5F60', commandUuid)
        .replaceAll('8E2F1A3B-5C4D-4E6F-9071-A2B3C4D5E6F7', commandUuid);
    return put('/mdm/connect', Buffer.from(body), device);
  };
  const command = (text: string) => parse(text) as { CommandUUID: string; Command: { RequestType: string } };

  /** An iOS device enrolled by enrollDevice (its certificate plays the one SCEP would have issued). */
  const enrolledDevice = async (): Promise<ProtocolDevice> => {
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ platform: 'IOS' }),
    });
    if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
    return {
      id: enrollDevice.device.id,
      udid: `00008110-${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`,
      certificatePem: enrollDevice.certificate.pem,
      privateKeyPem: enrollDevice.privateKeyPem!,
    };
  };

  it("refuses an Authenticate signed by one device's certificate that names another device's UDID, and the other device keeps its channel", async () => {
    const owner = await enrolledDevice();
    const intruder = await enrolledDevice();
    expect(await checkIn('authenticate-ios.plist', owner)).toMatchObject({ status: 200 });
    expect(await checkIn('tokenupdate-device.plist', owner)).toMatchObject({ status: 200 });
    // The intruder's own valid certificate over a body naming the owner's UDID.
    const claim = await put('/mdm/checkin', fixture('authenticate-ios.plist', owner.udid), intruder);
    expect(claim.status).toBe(401);
    const rows = await gateway.sql<{ device_id: string }>(
      'select device_id from apple_mdm_enrollment where identifier = ?',
      [owner.udid],
    );
    expect(rows).toEqual([{ device_id: owner.id }]);
    expect((await report('status-idle-device.plist', owner)).status).toBe(200);
    // A device already bound to its UDID cannot move to another one either.
    const moved = await put('/mdm/checkin', fixture('authenticate-ios.plist', intruder.udid), owner);
    expect(moved.status).toBe(401);
  });

  it('Authenticate, TokenUpdate, Idle, DeviceInformation; then retire is pushed, RemoveProfile acknowledged, and the device is retired', async () => {
    const device = await enrolledDevice();
    expect(await checkIn('authenticate-ios.plist', device)).toMatchObject({ status: 200 });
    const pushed = nextPush();
    expect(await checkIn('tokenupdate-device.plist', device)).toMatchObject({ status: 200 });
    const [enrollment] = await gateway.sql<{ push_token: string; push_magic: string; unlock_token: string }>(
      'select push_token, push_magic, unlock_token from apple_mdm_enrollment where device_id = ?',
      [device.id],
    );
    expect(enrollment).toMatchObject({
      push_magic: '7F3C9A1E-2B4D-4E6F-8A0B-1C2D3E4F5A6B',
      unlock_token: 'VEVTVC1VTkxPQ0stVE9LRU4tT0YtVEhFLUZJWFRVUkU=',
    });
    // The first TokenUpdate queued DeviceInformation and woke the device through APNs.
    const wake = await pushed;
    expect(wake).toMatchObject({
      path: `/3/device/${enrollment!.push_token}`,
      pushType: 'mdm',
      body: JSON.stringify({ mdm: '7F3C9A1E-2B4D-4E6F-8A0B-1C2D3E4F5A6B' }),
    });
    expect(wake.topic).toBe('com.apple.mgmt.External.5d2b4c1e-0f3a-4e8b-9c6d-7a1b2c3d4e5f');

    const idle = await report('status-idle-device.plist', device);
    expect(idle.status).toBe(200);
    const info = command(idle.text);
    expect(info.Command.RequestType).toBe('DeviceInformation');
    const afterInfo = await report('status-acknowledged-device-information.plist', device, info.CommandUUID);
    expect(afterInfo).toEqual({ status: 200, text: '' });
    expect((await gateway.query(ManagedDeviceDocument, { id: device.id })).managedDevice).toMatchObject({
      deviceName: 'Ada’s iPhone',
      managementState: 'managed',
    });

    const retirePush = nextPush();
    await gateway.query(RetireDeviceDocument, { deviceId: device.id });
    await retirePush;
    const removal = command((await report('status-idle-device.plist', device)).text);
    // Enrolled through GraphQL, the device installed no profile of ours: the identifier says so.
    expect(removal.Command).toMatchObject({
      RequestType: 'RemoveProfile',
      Identifier: 'mdm.gateway.enrollment.unknown',
    });
    expect(
      (await gateway.query(ManagedDeviceDocument, { id: device.id })).managedDevice?.managementState,
    ).toBe('retirePending');
    expect(await report('status-acknowledged.plist', device, removal.CommandUUID)).toEqual({
      status: 200,
      text: '',
    });
    const retired = (await gateway.query(ManagedDeviceDocument, { id: device.id })).managedDevice;
    expect(retired).toMatchObject({ managementState: 'retired' });
    // A retired device's messages are refused, and the refusal is audited.
    expect((await report('status-idle-device.plist', device)).status).toBe(401);
    const commands = await gateway.sql<{ request_type: string; status: string }>(
      'select request_type, status from mdm_command where device_id = ? order by queued_date_time, queue_order',
      [device.id],
    );
    expect(commands).toEqual([
      { request_type: 'DeviceInformation', status: 'acknowledged' },
      { request_type: 'RemoveProfile', status: 'acknowledged' },
    ]);
  });

  it('a TokenUpdate without UnlockToken keeps the stored one; NotNow waits for the next Idle; Error keeps its chain', async () => {
    const device = await enrolledDevice();
    await checkIn('authenticate-ios.plist', device);
    await checkIn('tokenupdate-device.plist', device);
    expect(await checkIn('tokenupdate-awaiting-configuration.plist', device)).toMatchObject({ status: 200 });
    const [row] = await gateway.sql<{ unlock_token: string; push_magic: string }>(
      'select unlock_token, push_magic from apple_mdm_enrollment where device_id = ?',
      [device.id],
    );
    expect(row).toEqual({
      unlock_token: 'VEVTVC1VTkxPQ0stVE9LRU4tT0YtVEhFLUZJWFRVUkU=',
      push_magic: '0A1B2C3D-4E5F-4061-8293-A4B5C6D7E8F9',
    });
    const first = command((await report('status-idle-device.plist', device)).text);
    expect(await report('status-notnow.plist', device, first.CommandUUID)).toEqual({ status: 200, text: '' });
    const again = command((await report('status-idle-device.plist', device)).text);
    expect(again.CommandUUID).toBe(first.CommandUUID);
    expect((await report('status-error.plist', device, again.CommandUUID)).status).toBe(200);
    const [stored] = await gateway.sql<{ status: string; answer: string }>(
      'select status, answer from mdm_command where command_uuid = ?',
      [first.CommandUUID],
    );
    expect(stored).toEqual({
      status: 'error',
      answer: 'MCProfileErrorDomain 4001: The profile “com.example.mdm” could not be found.',
    });
  });

  it('refuses with 401 what its certificate does not prove, and writes nothing', async () => {
    const device = await enrolledDevice();
    const other = await enrolledDevice();
    expect((await put('/mdm/checkin', fixture('authenticate-ios.plist', device.udid), null)).status).toBe(
      401,
    );
    await checkIn('authenticate-ios.plist', device);
    // Another device's certificate for this UDID.
    expect((await put('/mdm/checkin', fixture('tokenupdate-device.plist', device.udid), other)).status).toBe(
      401,
    );
    // A signature over another body.
    const body = fixture('tokenupdate-device.plist', device.udid);
    const signature = await signMdmMessage(Buffer.from('other'), device.certificatePem, device.privateKeyPem);
    const response = await fetch(`${gateway.url}/mdm/checkin`, {
      method: 'PUT',
      headers: { 'mdm-signature': signature },
      body,
    });
    expect(response.status).toBe(401);
    const [row] = await gateway.sql<{ push_token: string | null }>(
      'select push_token from apple_mdm_enrollment where device_id = ?',
      [device.id],
    );
    expect(row!.push_token).toBeNull();
    expect((await put('/mdm/checkin', Buffer.from('not a plist'), device)).status).toBe(400);
  });

  it('accepts a request signed by openssl cms -sign', async () => {
    const device = await enrolledDevice();
    const body = fixture('authenticate-ios.plist', device.udid);
    const signature = opensslCmsSign(body, device.certificatePem, device.privateKeyPem).toString('base64');
    const response = await fetch(`${gateway.url}/mdm/checkin`, {
      method: 'PUT',
      headers: { 'mdm-signature': signature },
      body,
    });
    expect(response.status).toBe(200);
  });

  it('CheckOut ends the enrollment (the device is retired, its history kept); a CheckOut of an unknown device is answered 200', async () => {
    const device = await enrolledDevice();
    await checkIn('authenticate-ios.plist', device);
    await checkIn('tokenupdate-device.plist', device);
    expect(await checkIn('checkout-device.plist', device)).toMatchObject({ status: 200 });
    expect(
      (await gateway.query(ManagedDeviceDocument, { id: device.id })).managedDevice?.managementState,
    ).toBe('retired');
    expect(await checkIn('checkout-device.plist', device)).toMatchObject({ status: 200 });
    expect(await checkIn('user-authenticate-macos.plist', { ...(await enrolledDevice()) })).toMatchObject({
      status: 410,
    });
  });
});
