import { DeviceStore } from '../../src/modules/device/device.store.js';
import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { sqlOf } from '../../src/db/sql.js';
import { MdmCertificate } from '../../src/modules/certificate/mdm-certificate.entity.js';
import { MdmCertificateStatus } from '../../src/modules/certificate/mdm-certificate.enums.js';
import {
  CorporateIdentifier,
  CorporateIdentifierType,
  IdentifierEnrollmentState,
} from '../../src/modules/corporate-identifier/corporate-identifier.entity.js';
import { hardwareMatchOf } from '../../src/modules/corporate-identifier/corporate-identifier.matching.js';
import { EnrollmentRestriction, RestrictionKind } from '../../src/modules/restriction/restriction.entity.js';
import { User } from '../../src/modules/user/user.entity.js';
import { BulkEnrollmentToken } from '../../src/modules/bulk-enrollment/bulk-token.entity.js';
import { findEnrollmentMethod } from '../../src/modules/catalog/enrollment-method.catalog.js';
import { EnrollmentMethodKind as M } from '../../src/modules/catalog/enrollment-method-kind.enum.js';
import { DevicePlatform as P } from '../../src/modules/catalog/platform.enum.js';
import {
  DeviceAction,
  DeviceActionKind,
  DeviceActionState,
} from '../../src/modules/device-action/device-action.entity.js';
import { record as actionRecord } from '../../src/modules/device-action/device-action.service.js';
import { ManagedDevice } from '../../src/modules/device/device.entity.js';
import { ManagementState } from '../../src/modules/device/device.enums.js';
import { DEFAULT_DEVICE_LIMIT } from '../../src/modules/enrollment/device-limits.policy.js';
import { planEnrollment, planExchange } from '../../src/modules/enrollment/enrollment-plan.policy.js';
import { EnrollmentStore, type PlannedDeviceRow } from '../../src/modules/enrollment/enrollment.store.js';
import { UserStore } from '../../src/modules/user/user.store.js';
import { describeStore } from './backends.js';

const store = new EnrollmentStore();
const users = new UserStore();
const now = new Date('2026-12-03T10:00:00.000Z');
const unique = () => randomUUID().slice(0, 12).toUpperCase();

/** A device record enrolled with `method` on `platform`, written now. */
async function device(
  em: EntityManager,
  fields: {
    platform?: P;
    method?: M;
    serialNumber?: string | null;
    imei?: string | null;
    state?: ManagementState;
    userId?: string | null;
    managerId?: string | null;
    enrolled?: Date;
  } = {},
): Promise<ManagedDevice> {
  const platform = fields.platform ?? P.IOS;
  const row = findEnrollmentMethod(platform, fields.method ?? M.BYOD)!;
  const plan = planEnrollment({
    row,
    joinType: null,
    profile: null,
    hasUser: Boolean(fields.userId),
    identified: false,
    autopilotRegistered: false,
  });
  const record = em.create(ManagedDevice, {
    ...plan,
    ...planExchange(null, false),
    deviceName: 'probe',
    osVersion: '17.0',
    serialNumber: fields.serialNumber ?? null,
    imei: fields.imei ?? null,
    managementState: fields.state ?? ManagementState.managed,
    enrolledDateTime: fields.enrolled ?? now,
    lastSyncDateTime: now,
    user: fields.userId ?? null,
    enrollmentManager: fields.managerId ?? null,
  });
  await em.flush();
  return record;
}

/** A user created through the user store, committed. */
async function user(em: EntityManager): Promise<string> {
  return em.transactional(async (tx) => (await users.ensure(tx, `u${unique()}@example.com`, now)).id);
}

/** A Windows bulk enrollment row for `serialNumber`. */
function bulkRow(serialNumber: string | null, imei: string | null = null): PlannedDeviceRow {
  const row = findEnrollmentMethod(P.WINDOWS, M.BULK_ENROLL)!;
  return {
    id: randomUUID(),
    deviceName: `bulk-${serialNumber ?? 'none'}`,
    osVersion: '10.0.19045',
    model: 'Surface',
    manufacturer: 'Microsoft',
    serialNumber,
    imei,
    plan: {
      ...planEnrollment({
        row,
        joinType: null,
        profile: null,
        hasUser: false,
        identified: false,
        autopilotRegistered: false,
      }),
      ...planExchange(null, false),
    },
  };
}

describeStore('the enrollment store', (backend) => {
  describe('recordOfHardware', () => {
    it('prefers the active record of the hardware over a more recent ended one, with its user loaded', async () => {
      const em = backend().em();
      const serialNumber = unique();
      const userId = await user(em);
      const active = await device(em, { serialNumber, userId, enrolled: new Date('2026-01-01T00:00:00Z') });
      await device(em, { serialNumber, state: ManagementState.retired, enrolled: now });
      const found = await store.recordOfHardware(backend().em(), {
        platform: P.IOS,
        serialNumber,
        imei: null,
      });
      expect(found?.id).toBe(active.id);
      expect(found?.user?.isInitialized()).toBe(true);
      expect(found?.user?.unwrap().id).toBe(userId);
    });

    it('falls back to the most recent ended record, and matches by IMEI on any platform', async () => {
      const em = backend().em();
      const imei = `35${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(0, 15);
      await device(em, { imei, state: ManagementState.wiped, enrolled: new Date('2026-01-01T00:00:00Z') });
      const latest = await device(em, { imei, state: ManagementState.retired, enrolled: now });
      const found = await store.recordOfHardware(backend().em(), {
        platform: P.ANDROID,
        serialNumber: null,
        imei,
      });
      expect(found?.id).toBe(latest.id);
    });

    it('finds nothing for another platform with the same serial, for unknown hardware, or without ids', async () => {
      const em = backend().em();
      const serialNumber = unique();
      await device(em, { serialNumber });
      const fresh = backend().em();
      expect(await store.recordOfHardware(fresh, { platform: P.MACOS, serialNumber, imei: null })).toBeNull();
      expect(
        await store.recordOfHardware(fresh, { platform: P.IOS, serialNumber: unique(), imei: null }),
      ).toBeNull();
      expect(
        await store.recordOfHardware(fresh, { platform: P.IOS, serialNumber: null, imei: null }),
      ).toBeNull();
    });
  });

  describe('detachOtherRecords', () => {
    it("takes user and DEM account off every other record of the hardware, and leaves the kept one's", async () => {
      const em = backend().em();
      const serialNumber = unique();
      const userId = await user(em);
      const kept = await device(em, { serialNumber, userId });
      const old = await device(em, { serialNumber, userId, state: ManagementState.retired });
      const other = await device(em, { serialNumber: unique(), userId });
      expect(
        await store.detachOtherRecords(
          backend().em(),
          { platform: P.IOS, serialNumber, imei: null },
          kept.id,
        ),
      ).toBe(1);
      const fresh = backend().em();
      const rows = await fresh.find(ManagedDevice, { id: { $in: [kept.id, old.id, other.id] } });
      const userOf = (id: string) => rows.find((d) => d.id === id)!.user?.id ?? null;
      expect([userOf(kept.id), userOf(old.id), userOf(other.id)]).toEqual([userId, null, userId]);
    });

    it('changes nothing for hardware without ids', async () => {
      const kept = await device(backend().em(), {});
      expect(
        await store.detachOtherRecords(
          backend().em(),
          { platform: P.IOS, serialNumber: null, imei: null },
          kept.id,
        ),
      ).toBe(0);
    });
  });

  describe('lockDevice', () => {
    it('returns the device locked inside a transaction, and null for an unknown id', async () => {
      const created = await device(backend().em(), { serialNumber: unique() });
      await backend()
        .em()
        .transactional(async (tx) => {
          const locked = await store.lockDevice(tx, created.id);
          expect(locked?.id).toBe(created.id);
          // Another transaction cannot take the same row lock without waiting (PGlite has one
          // connection, so only the server can show it).
          if (backend().name === 'postgresql') {
            await expect(
              backend()
                .em()
                .transactional(async (tx2) => {
                  await sqlOf(tx2).run(`set local lock_timeout = '100ms'`);
                  return store.lockDevice(tx2, created.id);
                }),
            ).rejects.toThrow(/lock timeout/);
          }
          expect(await store.lockDevice(tx, randomUUID())).toBeNull();
        });
    });
  });

  describe('countForUserLimit', () => {
    it("counts the user's active devices of counted methods, without the excluded record", async () => {
      const em = backend().em();
      const userId = await user(em);
      const a = await device(em, { serialNumber: unique(), userId });
      await device(em, { serialNumber: unique(), userId, platform: P.WINDOWS, method: M.AUTO_ENROLL });
      await device(em, { serialNumber: unique(), userId, state: ManagementState.retirePending });
      // Not counted: ended, or enrolled by DEM, bulk enrollment or DEP (device-limits.policy.ts).
      await device(em, { serialNumber: unique(), userId, state: ManagementState.retired });
      await device(em, { serialNumber: unique(), userId, state: ManagementState.wiped });
      await device(em, { serialNumber: unique(), userId, method: M.DEP });
      await device(em, { serialNumber: unique(), userId, method: M.DEM });
      await device(em, { serialNumber: unique(), userId, platform: P.WINDOWS, method: M.BULK_ENROLL });
      const fresh = backend().em();
      expect(await store.countForUserLimit(fresh, userId, null)).toBe(3);
      expect(await store.countForUserLimit(fresh, userId, a.id)).toBe(2);
      expect(await store.countForUserLimit(fresh, await user(fresh), null)).toBe(0);
      expect(3).toBeLessThan(DEFAULT_DEVICE_LIMIT);
    });
  });

  describe('open', () => {
    const match = (serialNumber: string | null, imei: string | null = null) =>
      hardwareMatchOf({ platform: P.IOS, serialNumber, imei, manufacturer: null, model: null });

    it('marks matching identifiers, reads the hardware facts and the restrictions, and creates then keeps the user', async () => {
      const em = backend().em();
      const imei = unique();
      const marked = em.create(CorporateIdentifier, {
        identifierType: CorporateIdentifierType.IMEI,
        identifier: imei,
        createdDateTime: now,
      });
      const later = em.create(EnrollmentRestriction, {
        displayName: 'later',
        kind: RestrictionKind.DEVICE_LIMIT,
        priority: 9_002,
        deviceLimit: 2,
        targetGroups: ['pilots'],
        createdDateTime: now,
      });
      const first = em.create(EnrollmentRestriction, {
        displayName: 'first',
        kind: RestrictionKind.PLATFORM,
        priority: 9_001,
        platform: P.IOS,
        osMinimumVersion: '16.0',
        createdDateTime: now,
      });
      await em.flush();
      const upn = `u${unique().toLowerCase()}@example.com`;

      const opened = await backend()
        .em()
        .transactional((tx) => store.open(tx, P.IOS, match(unique(), imei), upn, now));
      expect(opened).toMatchObject({ identified: true, autopilotRegistered: false, hasRecords: false });
      expect((await backend().em().findOneOrFail(CorporateIdentifier, marked.id)).enrollmentState).toBe(
        IdentifierEnrollmentState.enrolled,
      );
      const ours = opened.restrictions.filter((r) => r.id === first.id || r.id === later.id);
      expect(ours.map((r) => r.id)).toEqual([first.id, later.id]);
      expect(ours[0]).toBeInstanceOf(EnrollmentRestriction);
      expect(ours[0]).toMatchObject({ platform: P.IOS, osMinimumVersion: '16.0', platformBlocked: false });
      expect(ours[1]).toMatchObject({ deviceLimit: 2, targetGroups: ['pilots'], createdDateTime: now });
      expect(opened.user).toBeInstanceOf(User);
      expect(opened.user).toMatchObject({
        userPrincipalName: upn,
        displayName: upn.split('@')[0],
        groups: [],
      });
      expect(opened.user?.createdDateTime).toEqual(now);

      // Seen again: the same user, and records of the hardware once a device has them.
      const serialNumber = unique();
      await device(em, { serialNumber });
      const again = await backend()
        .em()
        .transactional((tx) => store.open(tx, P.IOS, match(serialNumber), upn, new Date()));
      expect(again).toMatchObject({ identified: false, hasRecords: true });
      expect(again.user?.id).toBe(opened.user?.id);
      expect(again.user?.createdDateTime).toEqual(now);
    });

    it('reads without a user and without hardware ids, matching nothing', async () => {
      const em = backend().em();
      await device(em, { serialNumber: null, imei: null });
      const users = await em.count(User);
      const opened = await em.transactional((tx) => store.open(tx, P.IOS, match(null), null, now));
      expect(match(null)).toBeNull();
      expect(opened).toMatchObject({
        identified: false,
        autopilotRegistered: false,
        hasRecords: false,
        user: null,
      });
      expect(await backend().em().count(User)).toBe(users);
    });

    it("leaves the user's row locked until commit", async () => {
      if (backend().name !== 'postgresql') return; // PGlite has one connection
      const upn = `u${unique().toLowerCase()}@example.com`;
      await backend()
        .em()
        .transactional(async (tx) => {
          await store.open(tx, P.IOS, null, upn, now);
          await expect(
            backend()
              .em()
              .transactional(async (tx2) => {
                await sqlOf(tx2).run(`set local lock_timeout = '100ms'`);
                return store.open(tx2, P.IOS, null, upn, now);
              }),
          ).rejects.toThrow(/lock timeout/);
        });
    });
  });

  describe('insertNewDevice', () => {
    /** An unsaved device of `userId` and its unsaved first certificate. */
    function newDevice(userId: string | null): [ManagedDevice, MdmCertificate] {
      const row = findEnrollmentMethod(P.IOS, M.BYOD)!;
      const plan = planEnrollment({
        row,
        joinType: null,
        profile: null,
        hasUser: Boolean(userId),
        identified: false,
        autopilotRegistered: false,
      });
      const record = Object.assign(new ManagedDevice(), {
        ...plan,
        ...planExchange(null, false),
        deviceName: 'new',
        osVersion: '17.4',
        serialNumber: unique(),
        enrolledDateTime: now,
        lastSyncDateTime: now,
        managementCertificateExpirationDate: now,
      });
      if (userId) record.user = backend().em().getReference(User, userId) as never;
      const serial = unique();
      const certificate = Object.assign(new MdmCertificate(), {
        device: record,
        serialNumber: serial,
        sha256Thumbprint: randomUUID().replaceAll('-', ''),
        subject: `CN=${serial}`,
        issuer: 'CN=store test CA',
        notBefore: now,
        notAfter: now,
        status: MdmCertificateStatus.valid,
        pem: 'pem',
        issuedDateTime: now,
      });
      return [record, certificate];
    }

    it("writes the device and its certificate in one statement and counts the user's other counted devices", async () => {
      const em = backend().em();
      const userId = await user(em);
      await device(em, { serialNumber: unique(), userId });
      await device(em, { serialNumber: unique(), userId, state: ManagementState.retired });
      const [record, certificate] = newDevice(userId);
      const counted = await backend()
        .em()
        .transactional((tx) => store.insertNewDevice(tx, record, certificate, userId));
      expect(counted).toBe(1);
      const fresh = backend().em();
      const stored = await fresh.findOneOrFail(ManagedDevice, record.id);
      expect(stored.user?.id).toBe(userId);
      expect((await fresh.findOneOrFail(MdmCertificate, certificate.id)).device?.id).toBe(record.id);
      // Now counted itself; without a user nothing is counted.
      expect(await store.countForUserLimit(backend().em(), userId, null)).toBe(2);
      const [userless, itsCertificate] = newDevice(null);
      expect(
        await backend()
          .em()
          .transactional((tx) => store.insertNewDevice(tx, userless, itsCertificate, null)),
      ).toBe(0);
    });

    it('refuses a second write of the same device', async () => {
      const [record, certificate] = newDevice(null);
      await backend()
        .em()
        .transactional((tx) => store.insertNewDevice(tx, record, certificate, null));
      const [, other] = newDevice(null);
      other.device = certificate.device;
      await expect(
        backend()
          .em()
          .transactional((tx) => store.insertNewDevice(tx, record, other, null)),
      ).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    });
  });

  describe('countForDemCap', () => {
    it("counts the DEM account's active devices, without the excluded record", async () => {
      const em = backend().em();
      const managerId = await user(em);
      const a = await device(em, { serialNumber: unique(), managerId, method: M.DEM });
      await device(em, {
        serialNumber: unique(),
        managerId,
        method: M.DEM,
        state: ManagementState.wipePending,
      });
      await device(em, { serialNumber: unique(), managerId, method: M.DEM, state: ManagementState.retired });
      await device(em, { serialNumber: unique(), method: M.DEM });
      const fresh = backend().em();
      expect(await store.countForDemCap(fresh, managerId, null)).toBe(2);
      expect(await store.countForDemCap(fresh, managerId, a.id)).toBe(1);
    });
  });

  describe('holderOfSerials', () => {
    it('names a user holding an active record of one of the serials on the platform', async () => {
      const em = backend().em();
      const userId = await user(em);
      const held = unique();
      await device(em, { serialNumber: held, userId, platform: P.WINDOWS, method: M.AUTO_ENROLL });
      const fresh = backend().em();
      expect(await store.holderOfSerials(fresh, P.WINDOWS, [unique(), held])).toBe(userId);
      expect(await store.holderOfSerials(fresh, P.IOS, [held])).toBeNull();
      expect(await store.holderOfSerials(fresh, P.WINDOWS, [])).toBeNull();
    });

    it('ignores userless and ended records', async () => {
      const em = backend().em();
      const userId = await user(em);
      const userless = unique();
      const ended = unique();
      await device(em, { serialNumber: userless, platform: P.WINDOWS, method: M.BULK_ENROLL });
      await device(em, {
        serialNumber: ended,
        userId,
        platform: P.WINDOWS,
        method: M.AUTO_ENROLL,
        state: ManagementState.retired,
      });
      expect(await store.holderOfSerials(backend().em(), P.WINDOWS, [userless, ended])).toBeNull();
    });
  });

  describe('insertPlanned', () => {
    it('writes new records in input order with their planned columns and certificate expiry', async () => {
      const rows = [bulkRow(unique()), bulkRow(null), bulkRow(unique(), `86${Date.now()}`.slice(0, 15))];
      const notAfter = new Date('2027-12-03T10:00:00.000Z');
      const em = backend().em();
      const devices = await em.transactional((tx) => store.insertPlanned(tx, rows, now, notAfter));
      expect(devices.map((d) => d.id)).toEqual(rows.map((r) => r.id));
      expect(devices[2]!.imei).toBe(rows[2]!.imei);
      const stored = await backend().em().findOneOrFail(ManagedDevice, rows[0]!.id);
      expect(stored).toMatchObject({
        serialNumber: rows[0]!.serialNumber,
        enrollmentMethod: M.BULK_ENROLL,
        platform: P.WINDOWS,
        managedDeviceOwnerType: rows[0]!.plan.managedDeviceOwnerType,
        managementState: ManagementState.managed,
        enrolledDateTime: now,
        managementCertificateExpirationDate: notAfter,
      });
      expect(stored.user).toBeNull();
    });

    it('re-enrolls an active record of the same serial in place: id kept, userless, IMEI kept', async () => {
      const em = backend().em();
      const serialNumber = unique();
      const userId = await user(em);
      const imei = `99${Date.now()}`.slice(0, 15);
      const existing = await device(em, {
        serialNumber,
        imei,
        userId,
        platform: P.WINDOWS,
        method: M.AUTO_ENROLL,
      });
      const [again] = await backend()
        .em()
        .transactional((tx) => store.insertPlanned(tx, [bulkRow(serialNumber)], now, now));
      expect(again!.id).toBe(existing.id);
      const stored = await backend().em().findOneOrFail(ManagedDevice, existing.id);
      expect(stored).toMatchObject({ imei, enrollmentMethod: M.BULK_ENROLL, user: null });
    });

    it('refuses an IMEI active on another record and writes nothing', async () => {
      const em = backend().em();
      const imei = `77${Date.now()}`.slice(0, 15);
      await device(em, { imei, serialNumber: unique() });
      const first = bulkRow(unique());
      await expect(
        backend()
          .em()
          .transactional((tx) => store.insertPlanned(tx, [first, bulkRow(unique(), imei)], now, now)),
      ).rejects.toBeInstanceOf(UniqueConstraintViolationException);
      expect(await backend().em().findOne(ManagedDevice, first.id)).toBeNull();
    });

    it('writes nothing for no rows', async () => {
      expect(await store.insertPlanned(backend().em(), [], now, now)).toEqual([]);
    });
  });

  describe('bulk re-enrollment: DeviceStore.cancelPendingActions of many devices', () => {
    it("cancels the listed devices' pending actions at the given time and no others", async () => {
      const em = backend().em();
      const a = await device(em, { serialNumber: unique() });
      const b = await device(em, { serialNumber: unique() });
      const pendingA = actionRecord(a.id, DeviceActionKind.retire, DeviceActionState.pending, null, now);
      const doneA = actionRecord(
        a.id,
        DeviceActionKind.resetDuringEnrollment,
        DeviceActionState.done,
        null,
        now,
      );
      const pendingB = actionRecord(b.id, DeviceActionKind.wipe, DeviceActionState.pending, null, now);
      em.persist([pendingA, doneA, pendingB]);
      await em.flush();
      const later = new Date(now.getTime() + 60_000);
      expect(await new DeviceStore().cancelPendingActions(backend().em(), [a.id], later)).toBe(1);
      expect(await new DeviceStore().cancelPendingActions(backend().em(), [], later)).toBe(0);
      const rows = await backend()
        .em()
        .find(DeviceAction, { id: { $in: [pendingA.id, doneA.id, pendingB.id] } });
      const of = (id: string) => rows.find((r) => r.id === id)!;
      expect(of(pendingA.id)).toMatchObject({ state: DeviceActionState.cancelled, completedDateTime: later });
      expect(of(doneA.id).state).toBe(DeviceActionState.done);
      expect(of(pendingB.id).state).toBe(DeviceActionState.pending);
    });
  });

  describe('bulkTokenByHash', () => {
    it('finds a token by its hash, expired or not, and null for an unknown hash', async () => {
      const em = backend().em();
      const tokenHash = randomUUID().replaceAll('-', '');
      em.create(BulkEnrollmentToken, {
        displayName: 'probe',
        tokenHash,
        createdDateTime: now,
        expiresDateTime: new Date(now.getTime() - 1000),
      });
      await em.flush();
      expect((await store.bulkTokenByHash(backend().em(), tokenHash))?.displayName).toBe('probe');
      expect(await store.bulkTokenByHash(backend().em(), 'unknown')).toBeNull();
    });
  });
});
