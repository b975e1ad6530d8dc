import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { expect, it } from 'vitest';
import { sqlOf } from '../../src/db/sql.js';
import { UNDELIVERED_COMMAND_STATUSES } from '../../src/modules/apple-mdm/command-queue.service.js';
import { CheckInProofType } from '../../src/modules/check-in/check-in.enums.js';
import { NOT_COMMON_PATH_STATES } from '../../src/modules/check-in/check-in.service.js';
import { CheckInStore, type CheckInRecord } from '../../src/modules/check-in/check-in.store.js';
import { ENDED_STATES } from '../../src/modules/device/active-device.policy.js';
import { describeStore, type StoreBackend } from './backends.js';

const at = new Date('2026-12-03T12:00:00.000Z');
const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);

/** A device with a user, its certificate and (when `identifier`) an Apple protocol enrollment, inserted directly. */
async function seed(
  backend: StoreBackend,
  options: { state?: string; identifier?: string; revoked?: boolean } = {},
) {
  const sql = backend.sql();
  const userId = randomUUID();
  const deviceId = randomUUID();
  const certificateId = randomUUID();
  const serialNumber = randomBytes(8).toString('hex').toUpperCase();
  const thumbprint = randomBytes(32).toString('hex').toUpperCase();
  const upn = `u-${randomUUID()}@contoso.com`;
  await sql.run(
    'insert into app_user (id, user_principal_name, display_name, created_date_time) values (?, ?, ?, ?)',
    [userId, upn, 'User', at.toISOString()],
  );
  await sql.run(
    `insert into managed_device (id, device_name, platform, operating_system, os_version, managed_device_owner_type,
       enrollment_method, enrollment_type, management_state, enrolled_date_time, last_sync_date_time, user_id)
     values (?, 'Phone', 'IOS', 'iOS', '17.4', 'personal', 'BYOD', 'userEnrollment', ?, ?, ?, ?)`,
    [deviceId, options.state ?? 'managed', at.toISOString(), at.toISOString(), userId],
  );
  await sql.run(
    `insert into mdm_certificate (id, serial_number, sha256_thumbprint, subject, issuer, not_before, not_after, status,
       revocation_reason, pem, issued_date_time, device_id)
     values (?, ?, ?, 'CN=d', 'CN=ca', ?, ?, ?, ?, 'PEM', ?, ?)`,
    [
      certificateId,
      serialNumber,
      thumbprint,
      later(-3600).toISOString(),
      later(86400 * 365).toISOString(),
      options.revoked ? 'revoked' : 'valid',
      options.revoked ? 'superseded' : null,
      at.toISOString(),
      deviceId,
    ],
  );
  if (options.identifier)
    await sql.run(
      `insert into apple_mdm_enrollment (id, device_id, channel, identifier, topic, authenticated_date_time)
       values (?, ?, 'device', ?, 'com.apple.mgmt.test', ?)`,
      [randomUUID(), deviceId, options.identifier, at.toISOString()],
    );
  return { userId, deviceId, certificateId, serialNumber, thumbprint, upn };
}

type Seeded = Awaited<ReturnType<typeof seed>>;

const storeOf = (backend: StoreBackend) =>
  new CheckInStore(() => backend.database.orm.em as EntityManager, NOT_COMMON_PATH_STATES, {
    endedStates: ENDED_STATES,
    undeliveredCommandStatuses: UNDELIVERED_COMMAND_STATUSES,
  });

const recordOf = (s: Seeded, nonce: string = randomUUID(), checkedInAt = later(60)): CheckInRecord => ({
  id: randomUUID(),
  deviceId: s.deviceId,
  nonce,
  certificateId: s.certificateId,
  certificateSerialNumber: s.serialNumber,
  proofType: CheckInProofType.HMAC,
  checkedInAt,
});

const lastSync = async (backend: StoreBackend, deviceId: string) =>
  new Date(
    (await backend
      .sql()
      .first<{ t: string }>('select last_sync_date_time as t from managed_device where id = ?', [deviceId]))!
      .t,
  ).toISOString();

const nonces = async (backend: StoreBackend, deviceId: string) =>
  (
    await backend
      .sql()
      .rows<{ nonce: string }>('select nonce from device_check_in where device_id = ?', [deviceId])
  ).map((r) => r.nonce);

describeStore('CheckInStore', (backend) => {
  it('lookup: the device, its UPN and the certificate by serial (PEM only when asked); nulls for unknown ones', async () => {
    const store = storeOf(backend());
    const s = await seed(backend());
    const withPem = await store.lookup(s.deviceId, s.serialNumber.toLowerCase(), true);
    expect(withPem.deviceRow).toMatchObject({ id: s.deviceId, management_state: 'managed' });
    expect(withPem.userPrincipalName).toBe(s.upn);
    expect(withPem.certificate).toMatchObject({
      id: s.certificateId,
      deviceId: s.deviceId,
      serialNumber: s.serialNumber,
      sha256Thumbprint: s.thumbprint,
      status: 'valid',
      revocationReason: null,
      pem: 'PEM',
      notAfter: later(86400 * 365),
    });
    expect((await store.lookup(s.deviceId, s.serialNumber, false)).certificate?.pem).toBeNull();
    const unknown = await store.lookup(randomUUID(), 'FFFF', false);
    expect(unknown).toEqual({ deviceRow: null, userPrincipalName: null, certificate: null });
    expect((await store.lookup(s.deviceId, null, false)).certificate).toBeNull();
  });

  it('lookup: concurrent lookups are answered each with its own subject', async () => {
    const store = storeOf(backend());
    const seeded = await Promise.all(Array.from({ length: 6 }, () => seed(backend())));
    const subjects = await Promise.all(seeded.map((s) => store.lookup(s.deviceId, s.serialNumber, false)));
    expect(subjects.map((s) => s.certificate?.id)).toEqual(seeded.map((s) => s.certificateId));
    expect(subjects.map((s) => s.userPrincipalName)).toEqual(seeded.map((s) => s.upn));
  });

  it('knownCertificate: remembers a looked-up certificate; with PEM only if the PEM was loaded', async () => {
    const store = storeOf(backend());
    const s = await seed(backend());
    expect(store.knownCertificate(s.serialNumber, false)).toBeUndefined();
    await store.lookup(s.deviceId, s.serialNumber, false);
    expect(store.knownCertificate(s.serialNumber.toLowerCase(), false)?.id).toBe(s.certificateId);
    expect(store.knownCertificate(s.serialNumber, true)).toBeUndefined();
    await store.lookup(s.deviceId, s.serialNumber, true);
    expect(store.knownCertificate(s.serialNumber, true)?.pem).toBe('PEM');
  });

  it('record: writes the history row and lastSyncDateTime, returns the updated device; a replayed nonce is refused', async () => {
    const store = storeOf(backend());
    const s = await seed(backend());
    const first = recordOf(s, 'nonce-1');
    const written = await store.record(first);
    expect(written).toMatchObject({
      outcome: 'recorded',
      userPrincipalName: s.upn,
      deviceRow: { id: s.deviceId },
      // The user's row, for the event's device (DeviceStore.committedWithUser).
      userRow: { id: s.userId, user_principal_name: s.upn, display_name: 'User' },
    });
    expect(await lastSync(backend(), s.deviceId)).toBe(later(60).toISOString());
    expect(await store.record({ ...recordOf(s, 'nonce-1'), checkedInAt: later(90) })).toEqual({
      outcome: 'replayed',
    });
    expect(await nonces(backend(), s.deviceId)).toEqual(['nonce-1']);
    expect(await lastSync(backend(), s.deviceId)).toBe(later(60).toISOString());
  });

  it("record: ineligible, nothing written, for a revoked certificate, another device's certificate, a device in a state of the other path, or no device", async () => {
    const store = storeOf(backend());
    const revoked = await seed(backend(), { revoked: true });
    expect(await store.record(recordOf(revoked))).toEqual({ outcome: 'ineligible' });
    const a = await seed(backend());
    const b = await seed(backend());
    expect(await store.record({ ...recordOf(a), certificateId: b.certificateId })).toEqual({
      outcome: 'ineligible',
    });
    for (const state of NOT_COMMON_PATH_STATES) {
      const s = await seed(backend(), { state });
      expect(await store.record(recordOf(s))).toEqual({ outcome: 'ineligible' });
      expect(await nonces(backend(), s.deviceId)).toEqual([]);
    }
    expect(await store.record({ ...recordOf(a), deviceId: randomUUID() })).toEqual({ outcome: 'ineligible' });
    expect(await nonces(backend(), a.deviceId)).toEqual([]);
  });

  it('record: concurrent writes are group-committed; each caller gets its own outcome, the latest time wins', async () => {
    const store = storeOf(backend());
    const s = await seed(backend());
    const revoked = await seed(backend(), { revoked: true });
    const items = [
      ...Array.from({ length: 10 }, (_, i) => recordOf(s, `n-${i}`, later(i))),
      recordOf(s, 'n-3', later(50)), // a replay of an item of the same batch
      recordOf(revoked),
    ];
    const outcomes = await Promise.all(items.map((item) => store.record(item)));
    // Of the two copies of n-3 (maybe in one batch), exactly one is recorded, whichever it is.
    expect([outcomes[3]!.outcome, outcomes[10]!.outcome].sort()).toEqual(['recorded', 'replayed']);
    expect(outcomes.filter((o, i) => i !== 3 && i < 10).map((o) => o.outcome)).toEqual(
      Array(9).fill('recorded'),
    );
    expect(outcomes[11]).toEqual({ outcome: 'ineligible' });
    expect((await nonces(backend(), s.deviceId)).sort()).toEqual(
      items
        .slice(0, 10)
        .map((i) => i.nonce)
        .sort(),
    );
    const latest = outcomes[10]!.outcome === 'recorded' ? later(50) : later(9);
    expect(await lastSync(backend(), s.deviceId)).toBe(latest.toISOString());
  });

  it('record: a write submitted from inside a transaction commits on its own, not in that transaction', async () => {
    // PGlite has one connection: the batch would wait for the transaction that waits for it.
    if (backend().name !== 'postgresql') return;
    const store = storeOf(backend());
    const s = await seed(backend());
    await expect(
      backend()
        .em()
        .transactional(async () => {
          expect((await store.record(recordOf(s, 'inside'))).outcome).toBe('recorded');
          throw new Error('roll back the caller');
        }),
    ).rejects.toThrow('roll back the caller');
    expect(await nonces(backend(), s.deviceId)).toEqual(['inside']);
  });

  it("add and recent: history rows in the caller's unit of work; newest first, per device or fleet-wide, limited", async () => {
    const store = storeOf(backend());
    const s = await seed(backend());
    const em = backend().em();
    await em.transactional(async (tx) => {
      await store.lockDevice(tx, s.deviceId);
      for (let i = 0; i < 3; i++)
        store.add(tx, {
          deviceId: s.deviceId,
          nonce: `r-${i}`,
          certificateSerialNumber: s.serialNumber,
          proofType: CheckInProofType.SIGNATURE,
          renewed: i === 2,
          checkedInDateTime: later(100 + i),
        });
    });
    const recent = await store.recent(backend().em(), s.deviceId, 2);
    expect(recent.map((r) => [r.nonce, r.renewed])).toEqual([
      ['r-2', true],
      ['r-1', false],
    ]);
    expect(recent[0]!.device.getEntity().id).toBe(s.deviceId);
    const fleet = await store.recent(backend().em(), null, 100);
    expect(fleet.length).toBeGreaterThanOrEqual(3);
    const times = fleet.map((r) => r.checkedInDateTime.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(await store.recent(backend().em(), randomUUID(), 5)).toEqual([]);
  });

  it('lockDevice: holds the device row until the transaction ends (another writer cannot take it)', async () => {
    const store = storeOf(backend());
    const s = await seed(backend());
    // PGlite runs one transaction at a time across connections: a second one would wait for this one.
    if (backend().name !== 'postgresql') {
      await backend()
        .em()
        .transactional((tx) => store.lockDevice(tx, s.deviceId));
      return;
    }
    await backend()
      .em()
      .transactional(async (tx) => {
        await store.lockDevice(tx, s.deviceId);
        await expect(
          backend()
            .em()
            .transactional((other) =>
              sqlOf(other).run('select 1 from managed_device where id = ? for update nowait', [s.deviceId]),
            ),
        ).rejects.toThrow(/lock/);
      });
    await backend()
      .em()
      .transactional((tx) =>
        sqlOf(tx).run('select 1 from managed_device where id = ? for update nowait', [s.deviceId]),
      );
  });

  it('recordIdle: sets lastSyncDateTime of the enrolled device of a valid certificate and returns it', async () => {
    const store = storeOf(backend());
    const udid = `UDID-${randomUUID()}`;
    const s = await seed(backend(), { identifier: udid });
    const written = await store.recordIdle({
      identifier: udid,
      serialNumber: s.serialNumber.toLowerCase(),
      sha256Thumbprint: s.thumbprint,
      checkedInAt: later(30),
    });
    expect(written).toMatchObject({
      outcome: 'recorded',
      userPrincipalName: s.upn,
      deviceRow: { id: s.deviceId },
      userRow: { id: s.userId, user_principal_name: s.upn },
    });
    expect(await lastSync(backend(), s.deviceId)).toBe(later(30).toISOString());
  });

  it("recordIdle: ineligible and nothing written when the certificate is revoked, unknown or another device's, the enrollment ended, the device ended, or a command waits", async () => {
    const store = storeOf(backend());
    const idle = (
      s: Seeded,
      identifier: string,
      over: Partial<{ serialNumber: string; sha256Thumbprint: string }> = {},
    ) =>
      store.recordIdle({
        identifier,
        serialNumber: s.serialNumber,
        sha256Thumbprint: s.thumbprint,
        checkedInAt: later(30),
        ...over,
      });
    const cases: { s: Seeded; write: () => Promise<{ outcome: string }> }[] = [];

    const revokedUdid = `UDID-${randomUUID()}`;
    const revoked = await seed(backend(), { identifier: revokedUdid, revoked: true });
    cases.push({ s: revoked, write: () => idle(revoked, revokedUdid) });

    const validUdid = `UDID-${randomUUID()}`;
    const valid = await seed(backend(), { identifier: validUdid });
    cases.push({ s: valid, write: () => idle(valid, validUdid, { sha256Thumbprint: 'AB'.repeat(32) }) });
    cases.push({ s: valid, write: () => idle(valid, validUdid, { serialNumber: 'DEADBEEF' }) });
    cases.push({ s: valid, write: () => idle(valid, `UDID-${randomUUID()}`) });
    const otherUdid = `UDID-${randomUUID()}`;
    const other = await seed(backend(), { identifier: otherUdid });
    cases.push({ s: other, write: () => idle(valid, otherUdid) }); // valid's certificate, other's UDID

    for (const state of ENDED_STATES) {
      const udid = `UDID-${randomUUID()}`;
      const ended = await seed(backend(), { identifier: udid, state });
      cases.push({ s: ended, write: () => idle(ended, udid) });
    }

    const outUdid = `UDID-${randomUUID()}`;
    const checkedOut = await seed(backend(), { identifier: outUdid });
    await backend()
      .sql()
      .run('update apple_mdm_enrollment set checked_out_date_time = ? where identifier = ?', [
        at.toISOString(),
        outUdid,
      ]);
    cases.push({ s: checkedOut, write: () => idle(checkedOut, outUdid) });

    for (const status of UNDELIVERED_COMMAND_STATUSES) {
      const udid = `UDID-${randomUUID()}`;
      const waiting = await seed(backend(), { identifier: udid });
      await backend()
        .sql()
        .run(
          `insert into mdm_command (id, device_id, command_uuid, request_type, parameters, status, queued_date_time)
           values (?, ?, ?, 'DeviceInformation', '{}'::jsonb, ?, ?)`,
          [randomUUID(), waiting.deviceId, randomUUID().toUpperCase(), status, at.toISOString()],
        );
      cases.push({ s: waiting, write: () => idle(waiting, udid) });
    }

    for (const { s, write } of cases) {
      expect(await write()).toEqual({ outcome: 'ineligible' });
      expect(await lastSync(backend(), s.deviceId)).toBe(at.toISOString());
    }
  });

  it('recordIdle: revocation takes effect at the next report, with nothing cached in between', async () => {
    const store = storeOf(backend());
    const udid = `UDID-${randomUUID()}`;
    const s = await seed(backend(), { identifier: udid });
    const report = {
      identifier: udid,
      serialNumber: s.serialNumber,
      sha256Thumbprint: s.thumbprint,
      checkedInAt: later(10),
    };
    expect((await store.recordIdle(report)).outcome).toBe('recorded');
    await backend()
      .sql()
      .run(`update mdm_certificate set status = 'revoked' where id = ?`, [s.certificateId]);
    expect(await store.recordIdle({ ...report, checkedInAt: later(20) })).toEqual({ outcome: 'ineligible' });
    expect(await lastSync(backend(), s.deviceId)).toBe(later(10).toISOString());
  });

  it('recordIdle: concurrent reports, the same device twice included, are group-committed with their own outcomes', async () => {
    const store = storeOf(backend());
    const devices = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const udid = `UDID-${randomUUID()}`;
        return { udid, s: await seed(backend(), { identifier: udid }) };
      }),
    );
    const revokedUdid = `UDID-${randomUUID()}`;
    const revoked = await seed(backend(), { identifier: revokedUdid, revoked: true });
    const reports = [
      ...devices.map(({ udid, s }, i) => ({
        identifier: udid,
        serialNumber: s.serialNumber,
        sha256Thumbprint: s.thumbprint,
        checkedInAt: later(i),
      })),
      {
        identifier: devices[0]!.udid,
        serialNumber: devices[0]!.s.serialNumber,
        sha256Thumbprint: devices[0]!.s.thumbprint,
        checkedInAt: later(40),
      },
      {
        identifier: revokedUdid,
        serialNumber: revoked.serialNumber,
        sha256Thumbprint: revoked.thumbprint,
        checkedInAt: later(40),
      },
    ];
    const outcomes = await Promise.all(reports.map((r) => store.recordIdle(r)));
    expect(outcomes.map((o) => o.outcome)).toEqual([...Array(9).fill('recorded'), 'ineligible']);
    outcomes.slice(0, 8).forEach((o, i) => {
      if (o.outcome === 'recorded') expect(o.deviceRow['id']).toBe(devices[i]!.s.deviceId);
    });
    expect(await lastSync(backend(), devices[0]!.s.deviceId)).toBe(later(40).toISOString());
    expect(await lastSync(backend(), devices[5]!.s.deviceId)).toBe(later(5).toISOString());
  });
});
