import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CheckInDocument,
  DeleteDeviceDocument,
  DeviceCheckedInDocument,
  RetireDeviceDocument,
} from '@mdm/schema';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { EventCollector } from './support/deferred.js';
import { enrollDevice, freshNonce, signedCheckIn } from './support/device-credential.js';
import { startTestGateway, useTestGateway } from './support/kit.js';

/**
 * Concurrent check-ins are coalesced into batched statements (group commit); these tests send
 * them concurrently over HTTP so that batches hold several check-ins, and assert what each
 * caller was told against what the database holds.
 */
describe('check-ins written together (group commit)', () => {
  const gateway = useTestGateway();

  const rows = async (deviceId: string) =>
    (
      await gateway.sql<{ nonce: string }>('select nonce from device_check_in where device_id = ?', [
        deviceId,
      ])
    ).map((r) => r.nonce);
  const lastSync = async (id: string) =>
    new Date(
      (
        await gateway.sql<{ t: Date }>('select last_sync_date_time as t from managed_device where id = ?', [
          id,
        ])
      )[0]!.t,
    ).toISOString();

  it('accepts concurrent check-ins of one device with different nonces, one history row each', async () => {
    const { device, credential } = await enrollDevice(gateway);
    gateway.clock.advance(60_000);
    const inputs = Array.from({ length: 24 }, () =>
      signedCheckIn(credential, gateway.clock.now(), { proofType: 'HMAC' }),
    );
    const results = await Promise.all(inputs.map((input) => gateway.query(CheckInDocument, { input })));
    expect(results.map((r) => r.checkIn.__typename)).toEqual(Array(24).fill('CheckInSuccess'));
    expect((await rows(device.id)).sort()).toEqual(inputs.map((i) => i.nonce).sort());
    expect(await lastSync(device.id)).toBe(gateway.clock.now().toISOString());
  });

  it('accepts a replayed nonce once when the copies arrive together, and refuses the others with CHECK_IN_REPLAYED', async () => {
    const { device, credential } = await enrollDevice(gateway);
    const input = signedCheckIn(credential, gateway.clock.now(), { nonce: freshNonce(), proofType: 'HMAC' });
    const others = Array.from({ length: 8 }, () =>
      signedCheckIn(credential, gateway.clock.now(), { proofType: 'HMAC' }),
    );
    const results = await Promise.all(
      [...Array(8).fill(input), ...others].map((i) => gateway.query(CheckInDocument, { input: i })),
    );
    const copies = results
      .slice(0, 8)
      .map((r) =>
        r.checkIn.__typename === 'CheckInSuccess' ? 'SUCCESS' : (r.checkIn as { code: string }).code,
      );
    expect(copies.filter((c) => c === 'SUCCESS')).toHaveLength(1);
    expect(copies.filter((c) => c === 'CHECK_IN_REPLAYED')).toHaveLength(7);
    expect(results.slice(8).every((r) => r.checkIn.__typename === 'CheckInSuccess')).toBe(true);
    expect((await rows(device.id)).sort()).toEqual([input.nonce, ...others.map((o) => o.nonce)].sort());
  });

  it('acknowledges no check-in whose write failed, publishes nothing for it, and still records the others sent with it', async () => {
    // A trigger makes the database refuse the history rows of nonces with this run's prefix,
    // so the batches holding them fail as a whole.
    const tag = randomUUID().replaceAll('-', '');
    const prefix = `poison${tag.slice(0, 12)}`;
    await gateway.sql(
      `create function "refuse_${tag}"() returns trigger language plpgsql as $$ begin raise exception 'refused by test'; end $$`,
    );
    await gateway.sql(
      `create trigger "refuse_${tag}" before insert on device_check_in for each row when (new.nonce like '${prefix}%') execute function "refuse_${tag}"()`,
    );
    try {
      const [failing, passing] = [await enrollDevice(gateway), await enrollDevice(gateway)];
      const client = gateway.wsClient();
      const events = new EventCollector(
        client.iterate({
          query: print(DeviceCheckedInDocument),
          variables: { filter: { deviceId: failing.device.id } },
        }),
      );
      const primed = await events.prime(() =>
        gateway.query(CheckInDocument, {
          input: signedCheckIn(failing.credential, gateway.clock.now(), { proofType: 'HMAC' }),
        }),
      );
      const recordedBefore = await rows(failing.device.id);
      const syncedBefore = await lastSync(failing.device.id);
      gateway.clock.advance(60_000);

      const poisoned = Array.from({ length: 10 }, (_, i) =>
        signedCheckIn(failing.credential, gateway.clock.now(), { nonce: `${prefix}${i}`, proofType: 'HMAC' }),
      );
      const clean = Array.from({ length: 10 }, () =>
        signedCheckIn(passing.credential, gateway.clock.now(), { proofType: 'HMAC' }),
      );
      const sent = [...poisoned, ...clean].map((input, i) => ({ input, i })).sort(() => Math.random() - 0.5);
      const responses = new Map(
        await Promise.all(
          sent.map(async ({ input, i }) => [i, await gateway.request(CheckInDocument, { input })] as const),
        ),
      );

      for (let i = 0; i < 10; i++) {
        const response = responses.get(i)!;
        expect(response.data?.checkIn ?? null).toBeNull();
        expect(response.errors?.[0]?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
      }
      for (let i = 10; i < 20; i++) expect(responses.get(i)!.data?.checkIn.__typename).toBe('CheckInSuccess');
      expect(await rows(failing.device.id)).toEqual(recordedBefore);
      expect(await lastSync(failing.device.id)).toBe(syncedBefore);
      expect((await rows(passing.device.id)).sort()).toEqual(clean.map((c) => c.nonce).sort());

      // The next successful check-in is the first event after the primed ones: none was published for the failed writes.
      gateway.clock.advance(1_000);
      await gateway.query(CheckInDocument, {
        input: signedCheckIn(failing.credential, gateway.clock.now(), { proofType: 'HMAC' }),
      });
      const received = await events.waitFor(primed + 1);
      expect(
        (received[primed] as { data: { deviceCheckedIn: { occurredAt: string } } }).data.deviceCheckedIn
          .occurredAt,
      ).toBe(gateway.clock.now().toISOString());
    } finally {
      await gateway.sql(`drop trigger "refuse_${tag}" on device_check_in`);
      await gateway.sql(`drop function "refuse_${tag}"()`);
    }
  });

  it('re-checks at write time what changed since a device last checked in: a retire, a revocation, a deletion', async () => {
    // Each device checks in once first, so the gateway knows its certificate and takes the short path next.
    const [retired, reenrolled, deleted] = [
      await enrollDevice(gateway),
      await enrollDevice(gateway),
      await enrollDevice(gateway),
    ];
    for (const d of [retired, reenrolled, deleted]) {
      expect(
        (
          await gateway.query(CheckInDocument, {
            input: signedCheckIn(d.credential, gateway.clock.now(), { proofType: 'HMAC' }),
          })
        ).checkIn.__typename,
      ).toBe('CheckInSuccess');
    }

    await gateway.query(RetireDeviceDocument, { deviceId: retired.device.id });
    const completing = await gateway.query(CheckInDocument, {
      input: signedCheckIn(retired.credential, gateway.clock.now(), { proofType: 'HMAC' }),
    });
    expect(completing.checkIn).toMatchObject({
      __typename: 'CheckInSuccess',
      device: { id: retired.device.id, managementState: 'retired' },
    });
    const after = await gateway.query(CheckInDocument, {
      input: signedCheckIn(retired.credential, gateway.clock.now(), { proofType: 'HMAC' }),
    });
    expect(after.checkIn).toMatchObject({ code: 'INVALID_DEVICE_STATE' });

    // Enrolling the same hardware again supersedes (revokes) the certificate the device checked in with.
    const again = await enrollDevice(gateway, {
      serialNumber: reenrolled.device.serialNumber!,
      userPrincipalName: reenrolled.device.userPrincipalName!,
    });
    expect(again.device.id).toBe(reenrolled.device.id);
    const revoked = await gateway.query(CheckInDocument, {
      input: signedCheckIn(reenrolled.credential, gateway.clock.now(), { proofType: 'HMAC' }),
    });
    expect(revoked.checkIn).toMatchObject({
      __typename: 'OperationRefusedError',
      code: 'CERTIFICATE_REVOKED',
    });

    await gateway.query(DeleteDeviceDocument, { deviceId: deleted.device.id });
    const gone = await gateway.query(CheckInDocument, {
      input: signedCheckIn(deleted.credential, gateway.clock.now(), { proofType: 'HMAC' }),
    });
    expect(gone.checkIn).toMatchObject({
      __typename: 'OperationRefusedError',
      code: 'DEVICE_CREDENTIAL_INVALID',
    });
    expect(await rows(reenrolled.device.id)).toHaveLength(1);
    expect(
      (
        await gateway.query(CheckInDocument, {
          input: signedCheckIn(again.credential, gateway.clock.now(), { proofType: 'HMAC' }),
        })
      ).checkIn.__typename,
    ).toBe('CheckInSuccess');
  });
});

describe('check-ins written together on the embedded database (PGlite)', () => {
  it('records concurrent check-ins there too (the same set-based statements), and refuses a replay', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mdm-check-in-'));
    const gateway = await startTestGateway({ embeddedDataDir: dataDir });
    try {
      const [a, b] = [await enrollDevice(gateway), await enrollDevice(gateway)];
      const inputs = [a, b, a, b, a, b].map((d) =>
        signedCheckIn(d.credential, gateway.clock.now(), { proofType: 'HMAC' }),
      );
      const twice = [...inputs, inputs[0]!, ...inputs];
      const results = await Promise.all(twice.map((input) => gateway.query(CheckInDocument, { input })));
      const codes = results.map((r) =>
        r.checkIn.__typename === 'CheckInSuccess' ? 'SUCCESS' : (r.checkIn as { code: string }).code,
      );
      expect(codes.filter((c) => c === 'SUCCESS')).toHaveLength(6);
      expect(codes.filter((c) => c === 'CHECK_IN_REPLAYED')).toHaveLength(7);
      const counts = await gateway.sql<{ n: string }>(
        'select count(*) as n from device_check_in where device_id in (?, ?)',
        [a.device.id, b.device.id],
      );
      expect(Number(counts[0]!.n)).toBe(6);
    } finally {
      await gateway.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
