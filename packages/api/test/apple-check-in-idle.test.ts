import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DeviceCheckedInDocument, EnrollDeviceDocument } from '@mdm/schema';
import { print } from 'graphql';
import { parse } from 'plist';
import { describe, expect, it } from 'vitest';
import { opensslCmsSign } from './support/openssl.js';
import { signMdmMessage } from '../src/modules/apple-mdm/mdm-signature.js';
import { byodInput } from './support/builders.js';
import { EventCollector } from './support/deferred.js';
import { useTestGateway } from './support/kit.js';

const fixture = (name: string, udid: string) =>
  Buffer.from(
    readFileSync(new URL(`./fixtures/apple-mdm/${name}`, import.meta.url), 'utf8').replaceAll(
      '00008110-001A2B3C4D5E6F70',
      udid,
    ),
  );

/**
 * The Apple Idle status report with nothing to deliver, the storm every enrolled device makes: it
 * is recorded by one coalesced statement; these tests hold it to what the full path does.
 */
describe('Apple Idle status reports', () => {
  const gateway = useTestGateway();

  /** An iOS device enrolled by enrollDevice, then Authenticate and TokenUpdate, its queued commands acknowledged. */
  const protocolDevice = async () => {
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ platform: 'IOS' }),
    });
    if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
    const device = {
      id: enrollDevice.device.id,
      upn: enrollDevice.device.userPrincipalName,
      serialNumber: enrollDevice.certificate.serialNumber,
      udid: `00008110-${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`,
      certificatePem: enrollDevice.certificate.pem,
      privateKeyPem: enrollDevice.privateKeyPem!,
    };
    const put = async (path: string, body: Buffer) => {
      const response = await fetch(`${gateway.url}${path}`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/x-apple-aspen-mdm',
          'mdm-signature': await signMdmMessage(body, device.certificatePem, device.privateKeyPem),
        },
        body,
      });
      return { status: response.status, text: await response.text() };
    };
    expect((await put('/mdm/checkin', fixture('authenticate-ios.plist', device.udid))).status).toBe(200);
    expect((await put('/mdm/checkin', fixture('tokenupdate-device.plist', device.udid))).status).toBe(200);
    let answer = await put('/mdm/connect', fixture('status-idle-device.plist', device.udid));
    for (let guard = 0; answer.text && guard < 10; guard++) {
      const { CommandUUID } = parse(answer.text) as { CommandUUID: string };
      answer = await put(
        '/mdm/connect',
        Buffer.from(
          fixture('status-acknowledged.plist', device.udid)
            .toString()
            .replaceAll('8E2F1A3B-5C4D-4E6F-9071-A2B3C4D5E6F7', CommandUUID)
            .replaceAll('4C1D9E2A-6B3F-4A70-9E85-1D2C3B4A5F60', CommandUUID),
        ),
      );
    }
    return device;
  };

  /** An Idle as devices sign it: `openssl cms -sign`, signed attributes included. */
  const idle = async (device: Awaited<ReturnType<typeof protocolDevice>>) => {
    const body = fixture('status-idle-device.plist', device.udid);
    const signature = opensslCmsSign(body, device.certificatePem, device.privateKeyPem).toString('base64');
    const response = await fetch(`${gateway.url}/mdm/connect`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-apple-aspen-mdm', 'mdm-signature': signature },
      body,
    });
    return { status: response.status, text: await response.text() };
  };
  const lastSync = async (id: string) =>
    new Date(
      (
        await gateway.sql<{ t: Date }>('select last_sync_date_time as t from managed_device where id = ?', [
          id,
        ])
      )[0]!.t,
    ).toISOString();

  it('answers an empty 200, sets lastSyncDateTime and publishes deviceCheckedIn with the user', async () => {
    const device = await protocolDevice();
    const events = new EventCollector(
      gateway
        .wsClient()
        .iterate({ query: print(DeviceCheckedInDocument), variables: { filter: { deviceId: device.id } } }),
    );
    const primed = await events.prime(() => idle(device));
    gateway.clock.advance(90_000);
    expect(await idle(device)).toEqual({ status: 200, text: '' });
    expect(await lastSync(device.id)).toBe(gateway.clock.now().toISOString());
    const [event] = (await events.waitFor(primed + 1)).slice(primed) as {
      data: { deviceCheckedIn: { deviceId: string; userPrincipalName: string; occurredAt: string } };
    }[];
    expect(event!.data.deviceCheckedIn).toMatchObject({
      deviceId: device.id,
      userPrincipalName: device.upn,
      occurredAt: gateway.clock.now().toISOString(),
    });
  });

  it('refuses at once a device whose certificate was revoked since its last Idle, and writes nothing', async () => {
    const device = await protocolDevice();
    expect((await idle(device)).status).toBe(200);
    const before = await lastSync(device.id);
    await gateway.sql(
      `update mdm_certificate set status = 'revoked', revocation_reason = 'superseded' where serial_number = ?`,
      [device.serialNumber.toUpperCase()],
    );
    gateway.clock.advance(60_000);
    expect((await idle(device)).status).toBe(401);
    expect(await lastSync(device.id)).toBe(before);
  });

  it('still delivers a command queued since the last Idle', async () => {
    const device = await protocolDevice();
    expect(await idle(device)).toEqual({ status: 200, text: '' });
    await gateway.sql(
      `insert into mdm_command (id, device_id, command_uuid, request_type, parameters, status, queued_date_time)
       values (?, ?, ?, 'DeviceInformation', '{"Queries":["DeviceName"]}'::jsonb, 'queued', ?)`,
      [randomUUID(), device.id, randomUUID().toUpperCase(), gateway.clock.now().toISOString()],
    );
    const answer = await idle(device);
    expect(answer.status).toBe(200);
    expect((parse(answer.text) as { Command: { RequestType: string } }).Command.RequestType).toBe(
      'DeviceInformation',
    );
  });
});
