import { randomUUID } from 'node:crypto';
import { CreateEnrollmentInvitationDocument, RetireDeviceDocument } from '@mdm/schema';
import { build } from 'plist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appleHandsets } from './support/apple-handset.js';
import { uniqueUpn } from './support/builders.js';
import { appleTestBed, freePort } from './support/scepclient.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

let gateway: TestGateway;
let device: ReturnType<typeof appleHandsets>;

beforeAll(async () => {
  const port = await freePort();
  gateway = await startTestGateway({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
  device = appleHandsets(gateway, await appleTestBed(gateway, 'apple-replay-'));
});
afterAll(() => gateway.stop());

/** The audit records of one request; written in batches after the answer, so waited for (5 s at most). */
async function auditOf(requestId: string | null): Promise<unknown[]> {
  for (let waited = 0; ; waited += 50) {
    const rows = await gateway.sql('select outcome, code from audit_record where request_id = ?', [
      requestId,
    ]);
    if (rows.length > 0 || waited >= 5_000) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Mdm-Signature replays', () => {
  it('a command answer sent again settles nothing and gets no command (audited MESSAGE_REPLAYED); an identical Idle resent is served as usual', async () => {
    const { createEnrollmentInvitation: r } = await gateway.query(CreateEnrollmentInvitationDocument, {
      input: { platform: 'IOS', method: 'BYOD', userPrincipalName: uniqueUpn() },
    });
    if (r.__typename !== 'CreateEnrollmentInvitationSuccess') throw new Error(r.__typename);
    const handset = await device.handsetFrom(await fetch(r.profileUrl), `RPL${randomUUID().slice(0, 8)}`);
    expect((await device.authenticate(handset)).status).toBe(200);
    expect((await device.tokenUpdate(handset)).status).toBe(200);
    const information = device.commandOf((await device.status(handset)).text);
    expect(information.Command.RequestType).toBe('DeviceInformation');

    // The device's answer, captured with its signature.
    const answer = Buffer.from(
      build({ UDID: handset.udid, Status: 'Acknowledged', CommandUUID: information.CommandUUID }),
    );
    const signature = await device.signedBy(answer, handset);
    expect(await device.putSigned('/mdm/connect', answer, signature)).toEqual({ status: 200, text: '' });

    const [{ device_id: id }] = (await gateway.sql<{ device_id: string }>(
      'select device_id from apple_mdm_enrollment where identifier = ?',
      [handset.udid],
    )) as [{ device_id: string }];
    await gateway.query(RetireDeviceDocument, { deviceId: id });
    const [before] = await gateway.sql<{ last_sync_date_time: Date }>(
      'select last_sync_date_time from managed_device where id = ?',
      [id],
    );
    gateway.clock.advance(60_000);

    const replay = await fetch(`${gateway.url}/mdm/connect`, {
      method: 'PUT',
      headers: { 'mdm-signature': signature },
      body: answer,
    });
    expect(replay.status).toBe(200);
    expect(await replay.text()).toBe('');
    expect(await auditOf(replay.headers.get('x-request-id'))).toEqual([
      { outcome: 'refused', code: 'MESSAGE_REPLAYED' },
    ]);
    // Not a check-in either, and the queued RemoveProfile was not handed out.
    expect(await gateway.sql('select last_sync_date_time from managed_device where id = ?', [id])).toEqual([
      before,
    ]);
    expect(
      await gateway.sql(
        `select status from mdm_command where device_id = ? and request_type = 'RemoveProfile'`,
        [id],
      ),
    ).toEqual([{ status: 'queued' }]);

    // Idle bodies repeat by nature: the same signed Idle twice is served both times.
    const idle = Buffer.from(build({ UDID: handset.udid, Status: 'Idle' }));
    const idleSignature = await device.signedBy(idle, handset);
    const first = await device.putSigned('/mdm/connect', idle, idleSignature);
    const again = await device.putSigned('/mdm/connect', idle, idleSignature);
    expect(device.commandOf(first.text).Command.RequestType).toBe('RemoveProfile');
    expect(device.commandOf(again.text).Command.RequestType).toBe('RemoveProfile');
  });

  it('a TokenUpdate sent again cannot bring back an older push token: 200 without effect, audited MESSAGE_REPLAYED', async () => {
    const { createEnrollmentInvitation: r } = await gateway.query(CreateEnrollmentInvitationDocument, {
      input: { platform: 'IOS', method: 'BYOD', userPrincipalName: uniqueUpn() },
    });
    if (r.__typename !== 'CreateEnrollmentInvitationSuccess') throw new Error(r.__typename);
    const handset = await device.handsetFrom(await fetch(r.profileUrl), `RPT${randomUUID().slice(0, 8)}`);
    expect((await device.authenticate(handset)).status).toBe(200);
    const tokenUpdate = (token: string) =>
      Buffer.from(
        build({
          MessageType: 'TokenUpdate',
          UDID: handset.udid,
          Topic: 'com.apple.mgmt.External.placeholder',
          Token: Buffer.from(token, 'hex'),
          PushMagic: 'MAGIC',
        }),
      );
    const old = tokenUpdate('aa'.repeat(32));
    const oldSignature = await device.signedBy(old, handset);
    expect((await device.putSigned('/mdm/checkin', old, oldSignature)).status).toBe(200);
    const newer = tokenUpdate('bb'.repeat(32));
    expect(
      (await device.putSigned('/mdm/checkin', newer, await device.signedBy(newer, handset))).status,
    ).toBe(200);

    const replay = await fetch(`${gateway.url}/mdm/checkin`, {
      method: 'PUT',
      headers: { 'mdm-signature': oldSignature },
      body: old,
    });
    expect(replay.status).toBe(200);
    expect(
      await gateway.sql('select push_token from apple_mdm_enrollment where identifier = ?', [handset.udid]),
    ).toEqual([{ push_token: 'bb'.repeat(32) }]);
    expect(await auditOf(replay.headers.get('x-request-id'))).toEqual([
      { outcome: 'refused', code: 'MESSAGE_REPLAYED' },
    ]);
  });
});
