import { randomBytes, randomUUID } from 'node:crypto';
import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { expect, it } from 'vitest';
import { sqlOf } from '../../src/db/sql.js';
import { Topic } from '../../src/events/topics.js';
import { EnrollmentMethodKind } from '../../src/modules/catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../../src/modules/catalog/platform.enum.js';
import { MdmCertificate } from '../../src/modules/certificate/mdm-certificate.entity.js';
import { MdmCertificateStatus } from '../../src/modules/certificate/mdm-certificate.enums.js';
import { CheckInProofType } from '../../src/modules/check-in/check-in.enums.js';
import { DeviceCheckIn } from '../../src/modules/check-in/device-check-in.entity.js';
import { ManagedDevice } from '../../src/modules/device/device.entity.js';
import { DeviceEnrollmentType, ManagedDeviceOwnerType } from '../../src/modules/device/device.enums.js';
import {
  LifecycleSweepStore,
  type SweepEventRow,
} from '../../src/modules/lifecycle/lifecycle-sweep.store.js';
import { lifecyclePolicy } from '../../src/modules/lifecycle/lifecycle.policy.js';
import { describeStore } from './backends.js';

const store = new LifecycleSweepStore();
const policy = lifecyclePolicy({
  expiringThresholdsDays: [30, 7, 1],
  renewalWindowDays: 30,
  removalAfterExpiryDays: 180,
});
const now = new Date('2027-06-01T00:00:00.000Z');
const day = (n: number) => new Date(now.getTime() + n * 86_400 * 1000);

/** A device whose certificates expire at each of `notAfters` (the last one current), persisted. */
async function seedDevice(
  em: EntityManager,
  notAfters: Date[],
  expiration = notAfters.at(-1)!,
): Promise<ManagedDevice> {
  const device = Object.assign(new ManagedDevice(), {
    deviceName: 'sweep store test',
    platform: DevicePlatform.IOS,
    operatingSystem: 'iOS',
    osVersion: '17.4',
    serialNumber: `W${randomBytes(5).toString('hex').toUpperCase()}`,
    managedDeviceOwnerType: ManagedDeviceOwnerType.company,
    enrollmentMethod: EnrollmentMethodKind.BYOD,
    enrollmentType: DeviceEnrollmentType.userEnrollment,
    enrolledDateTime: day(-400),
    lastSyncDateTime: day(-400),
    managementCertificateExpirationDate: expiration,
  });
  const fork = em.fork();
  fork.persist(device);
  notAfters.forEach((notAfter, i) => {
    const serial = randomBytes(16).toString('hex').toUpperCase();
    fork.persist(
      fork.create(MdmCertificate, {
        device: device.id,
        serialNumber: serial,
        sha256Thumbprint: randomBytes(32).toString('hex').toUpperCase(),
        subject: `CN=${serial}`,
        issuer: 'CN=sweep test CA',
        notBefore: day(-400),
        notAfter,
        status: MdmCertificateStatus.valid,
        pem: '-',
        issuedDateTime: day(-400 + i),
        supersededById: i < notAfters.length - 1 ? randomUUID() : null,
      }),
    );
  });
  await fork.flush();
  return device;
}

const repeatableRead = { isolationLevel: IsolationLevel.REPEATABLE_READ };

/** Every row of an event cursor, after the commit that materialises it. */
async function readAll(
  tx: EntityManager,
  cursor: 'sweep_certificates' | 'sweep_removals',
): Promise<SweepEventRow[]> {
  const rows: SweepEventRow[] = [];
  for (;;) {
    const slice = await store.fetchEvents(tx, cursor, 2);
    rows.push(...slice);
    if (slice.length === 0) return rows;
  }
}

describeStore('lifecycle sweep store', (backend) => {
  it('takes the sweep lock, and tunes its transaction', async () => {
    await backend()
      .em()
      .transactional(async (tx) => {
        expect(await store.tryLock(tx)).toBe(true);
        await store.tune(tx);
        expect(await sqlOf(tx).first('show work_mem')).toEqual({ work_mem: '64MB' });
        if (backend().name === 'postgresql') {
          // Another instance's sweep (another connection) does not get it while this one holds it.
          await expect(
            backend()
              .em()
              .transactional((other) => store.tryLock(other)),
          ).resolves.toBe(false);
        }
      }, repeatableRead);
    await expect(
      backend()
        .em()
        .transactional((tx) => store.tryLock(tx)),
    ).resolves.toBe(true);
  });

  it('records marks as a staircase: an earlier mark stays only while its instant is later', async () => {
    const em = backend().em();
    await sqlOf(em).run('delete from lifecycle_sweep_state');
    expect(await em.transactional((tx) => store.marks(tx))).toEqual([]);
    const record = (at: Date) =>
      em.transactional(async (tx) => store.recordMark(tx, at, await store.marks(tx)), repeatableRead);
    await record(day(1));
    await record(day(0)); // a clock moved back keeps the later mark
    const marks = await em.transactional((tx) => store.marks(tx));
    expect(marks.map((m) => m.sweptAt)).toEqual([day(1), day(0)]);
    for (const m of marks) expect(m.snapshot).toMatch(/^\d+:\d+:[\d,]*$/);
    await record(day(2));
    expect((await em.transactional((tx) => store.marks(tx))).map((m) => m.sweptAt)).toEqual([day(2)]);
  });

  it('declares the transitions at now, readable after the commit on the same connection, then closes them', async () => {
    const em = backend().em();
    const inSeven = await seedDevice(em, [new Date(day(5).getTime() + 1000)]);
    const expired = await seedDevice(em, [day(-2)]);
    const valid = await seedDevice(em, [day(100)]);
    const rows = await em.transactional(async (tx) => {
      await store.declareTransitions(tx, now, policy, []);
      await store.recordMark(tx, now, []);
      await store.commitKeepingCursors(tx);
      if (backend().name === 'postgresql') {
        // Committed: another connection sees the mark while the cursor is still being read.
        const state = await sqlOf(backend().em()).first<{ marks: { sweptAt: string }[] }>(
          'select marks from lifecycle_sweep_state where id = 1',
        );
        expect(state?.marks.at(-1)?.sweptAt).toBe(now.toISOString());
      }
      const read = await readAll(tx, 'sweep_certificates');
      await store.closeCursors(tx);
      await expect(store.fetchEvents(tx, 'sweep_certificates', 1)).rejects.toMatchObject({ code: '34000' });
      return read;
    }, repeatableRead);
    const byDevice = new Map(rows.map((r) => [r[1], r]));
    expect(byDevice.get(inSeven.id)).toEqual([
      Topic.CertificateExpiring,
      inSeven.id,
      expect.any(String),
      expect.any(String),
      new Date(day(5).getTime() + 1000).toISOString(),
      7,
      DevicePlatform.IOS,
      ManagedDeviceOwnerType.company,
      EnrollmentMethodKind.BYOD,
      null,
    ]);
    expect(byDevice.get(expired.id)?.slice(0, 6)).toEqual([
      Topic.CertificateExpired,
      expired.id,
      expect.any(String),
      expect.any(String),
      day(-2).toISOString(),
      null,
    ]);
    expect(byDevice.has(valid.id)).toBe(false);

    // The next sweep at the same instant, after that mark, finds nothing of these.
    const again = await em.transactional(async (tx) => {
      await store.declareTransitions(tx, now, policy, await store.marks(tx));
      await store.commitKeepingCursors(tx);
      try {
        return await readAll(tx, 'sweep_certificates');
      } finally {
        await store.closeCursors(tx);
      }
    }, repeatableRead);
    expect(again.filter((r) => [inSeven.id, expired.id].includes(r[1]))).toEqual([]);
  });

  it('removes the devices due for removal with their certificates, keeping one that a live certificate still holds', async () => {
    const em = backend().em();
    const due = await seedDevice(em, [day(-300), day(-200)]);
    // Its expiration column lags (e.g. an import), but its current certificate is live.
    const held = await seedDevice(em, [day(-200), day(60)], day(-200));
    const notDue = await seedDevice(em, [day(-100)]);
    const { removed, events } = await em.transactional(async (tx) => {
      await store.collectDue(tx, now, policy);
      const count = await store.removeDue(tx);
      await store.commitKeepingCursors(tx);
      try {
        return { removed: count, events: await readAll(tx, 'sweep_removals') };
      } finally {
        await store.closeCursors(tx);
      }
    }, repeatableRead);
    const removedIds = events.map((r) => r[1]);
    expect(removedIds).toContain(due.id);
    expect(removedIds).not.toContain(held.id);
    expect(removedIds).not.toContain(notDue.id);
    expect(removed).toBe(events.length);
    expect(events.find((r) => r[1] === due.id)?.slice(0, 2)).toEqual([Topic.DeviceRemoved, due.id]);
    const fork = em.fork();
    expect(await fork.count(ManagedDevice, { id: due.id })).toBe(0);
    expect(await fork.count(MdmCertificate, { device: due.id })).toBe(0);
    expect(await fork.count(ManagedDevice, { id: [held.id, notDue.id] })).toBe(2);
    expect(await fork.count(MdmCertificate, { device: held.id })).toBe(2);
  });

  it('prunes the check-in history recorded before a cutoff', async () => {
    const em = backend().em();
    const device = await seedDevice(em, [day(100)]);
    const fork = em.fork();
    for (const at of [day(-91), day(-90), day(-1)])
      fork.create(DeviceCheckIn, {
        device: device.id,
        nonce: randomBytes(8).toString('hex'),
        certificateSerialNumber: 'AB',
        proofType: CheckInProofType.SIGNATURE,
        renewed: false,
        checkedInDateTime: at,
      });
    await fork.flush();
    const pruned = await em.transactional((tx) => store.pruneCheckIns(tx, day(-90)));
    expect(pruned).toBe(1);
    const left = await em
      .fork()
      .find(DeviceCheckIn, { device: device.id }, { orderBy: { checkedInDateTime: 'asc' } });
    expect(left.map((c) => c.checkedInDateTime)).toEqual([day(-90), day(-1)]);
  });
});
