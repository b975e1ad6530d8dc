import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { sqlOf } from '../../src/db/sql.js';
import { EnrollmentMethodKind } from '../../src/modules/catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../../src/modules/catalog/platform.enum.js';
import {
  DeviceAction,
  DeviceActionKind,
  DeviceActionState,
} from '../../src/modules/device-action/device-action.entity.js';
import {
  DeviceCertificateFilter,
  ManagedDeviceOrderField,
} from '../../src/modules/device/device.connection.js';
import { ManagedDevice } from '../../src/modules/device/device.entity.js';
import {
  DeviceEnrollmentType,
  ManagedDeviceOwnerType,
  ManagementState,
} from '../../src/modules/device/device.enums.js';
import {
  DEVICE_CHILD_TABLES,
  DeviceStore,
  preloadedCertificateOf,
  type DevicePageQuery,
} from '../../src/modules/device/device.store.js';
import { lifecyclePolicy } from '../../src/modules/lifecycle/lifecycle.policy.js';
import { User } from '../../src/modules/user/user.entity.js';
import { describeStore, type StoreBackend } from './backends.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const now = new Date('2026-12-03T12:00:00.000Z');
const rules = lifecyclePolicy({
  expiringThresholdsDays: [30, 7, 1],
  renewalWindowDays: 30,
  removalAfterExpiryDays: 180,
});
const store = new DeviceStore();

/** Test data of one backend's database, each value unique so tests never share rows. */
function fixtures(backend: () => StoreBackend) {
  return {
    async user(upn = `${randomUUID()}@example.com`): Promise<User> {
      const em = backend().em();
      const user = em.create(User, { userPrincipalName: upn, displayName: upn, createdDateTime: now });
      await em.flush();
      return user;
    },
    async device(
      fields: Omit<Partial<ManagedDevice>, 'user'> & { user?: User | null } = {},
    ): Promise<ManagedDevice> {
      const em = backend().em();
      const device = em.create(ManagedDevice, {
        deviceName: `device ${randomUUID()}`,
        platform: DevicePlatform.IOS,
        operatingSystem: 'iOS',
        osVersion: '17.4.1',
        serialNumber: randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase(),
        managedDeviceOwnerType: ManagedDeviceOwnerType.personal,
        enrollmentMethod: EnrollmentMethodKind.BYOD,
        enrollmentType: DeviceEnrollmentType.userEnrollment,
        enrolledDateTime: now,
        lastSyncDateTime: now,
        ...fields,
        user: fields.user ? em.getReference(User, fields.user.id) : null,
      });
      await em.flush();
      return device;
    },
    /** A certificate of `deviceId` (current unless `supersededBy`); returns its id. */
    async certificate(
      deviceId: string,
      notAfter: Date,
      fields: { status?: string; supersededBy?: string } = {},
    ): Promise<string> {
      const id = randomUUID();
      await backend()
        .sql()
        .run(
          `insert into mdm_certificate (id, device_id, not_before, not_after, issued_date_time, serial_number, sha256_thumbprint, subject, issuer, pem, status, superseded_by_id)
           values (?, ?, ?, ?, ?, ?, ?, 'CN=device', 'CN=ca', 'PEM', ?, ?)`,
          [
            id,
            deviceId,
            new Date(notAfter.getTime() - 365 * DAY),
            notAfter,
            now,
            randomUUID(),
            randomUUID(),
            fields.status ?? 'valid',
            fields.supersededBy ?? null,
          ],
        );
      return id;
    },
    async checkIn(deviceId: string, at: Date): Promise<void> {
      await backend()
        .sql()
        .run(
          `insert into device_check_in (id, device_id, nonce, certificate_serial_number, proof_type, renewed, checked_in_date_time)
           values (?, ?, ?, 'serial', 'SIGNATURE', false, ?)`,
          [randomUUID(), deviceId, randomUUID(), at],
        );
    },
    async action(deviceId: string, state: DeviceActionState, requestedDateTime: Date): Promise<DeviceAction> {
      const em = backend().em();
      const action = em.create(DeviceAction, {
        deviceId,
        action: DeviceActionKind.retire,
        state,
        requestedBy: null,
        requestedDateTime,
        completedDateTime: null,
      });
      await em.flush();
      return action;
    },
  };
}

/** A page query over the devices whose name contains `tag`. */
const pageOf = (tag: string, fields: Partial<DevicePageQuery> = {}): DevicePageQuery => ({
  filter: {},
  search: tag,
  orderBy: ManagedDeviceOrderField.deviceName,
  direction: 'asc',
  first: 10,
  now,
  ...fields,
});

describeStore('the devices store', (backend) => {
  const add = fixtures(backend);

  it('finds a device by id with its user loaded, and null for an unknown id', async () => {
    const user = await add.user();
    const { id } = await add.device({ user });
    const found = await store.byId(backend().em(), id);
    expect(found?.id).toBe(id);
    expect(found?.user?.isInitialized()).toBe(true);
    expect(found?.user?.getEntity().userPrincipalName).toBe(user.userPrincipalName);
    expect(await store.byId(backend().em(), randomUUID())).toBeNull();
  });

  it('locks the device it finds for update, until the transaction ends', async ({ skip }) => {
    // PGlite runs one transaction at a time across connections: a second one would wait, not conflict.
    if (backend().name === 'pglite') skip();
    const { id } = await add.device();
    await backend()
      .em()
      .transactional(async (tx) => {
        expect((await store.byId(tx, id, true))?.id).toBe(id);
        await expect(
          backend().sql().run('select id from managed_device where id = ? for update nowait', [id]),
        ).rejects.toThrow(/could not obtain lock/);
      });
    const after = await backend()
      .sql()
      .rows('select id from managed_device where id = ? for update nowait', [id]);
    expect(after).toHaveLength(1);
  });

  it('reads a page with its users, in order, page by page through keyset positions, with the total', async () => {
    const tag = `page-${randomUUID().slice(0, 8)}`;
    const alice = await add.user();
    const names = ['c', 'a', 'e', 'b', 'd'].map((n) => `${tag} ${n}`);
    for (const deviceName of names)
      await add.device({ deviceName, user: deviceName.endsWith(' a') ? alice : null });
    const em = backend().em();
    const first = await store.page(em, pageOf(tag, { first: 2 }), rules);
    expect(first.devices.map((d) => d.deviceName)).toEqual([`${tag} a`, `${tag} b`]);
    expect(first).toMatchObject({ hasNextPage: true, totalCount: 5 });
    // Read-only instances of the entity class, timestamps as Dates, not managed by the em.
    const [a, b] = first.devices;
    expect(a).toBeInstanceOf(ManagedDevice);
    expect(a!.enrolledDateTime).toEqual(now);
    expect(em.getUnitOfWork().getById(ManagedDevice.name, a!.id)).toBeUndefined();
    expect(store.preloadedUserOf(a!)?.userPrincipalName).toBe(alice.userPrincipalName);
    expect(store.preloadedUserOf(a!)).toBeInstanceOf(User);
    expect(store.preloadedUserOf(b!)).toBeNull();
    const rest = await store.page(em, pageOf(tag, { first: 10, after: [b!.deviceName, b!.id] }), rules);
    expect(rest.devices.map((d) => d.deviceName)).toEqual([`${tag} c`, `${tag} d`, `${tag} e`]);
    expect(rest).toMatchObject({ hasNextPage: false, totalCount: 5 });
    const descending = await store.page(em, pageOf(tag, { direction: 'desc', first: 1 }), rules);
    expect(descending.devices.map((d) => d.deviceName)).toEqual([`${tag} e`]);
    // A device read otherwise has no preloaded user: its relation applies.
    expect(store.preloadedUserOf((await store.byId(em, a!.id))!)).toBeUndefined();
  });

  it('reads only the selected columns, with the current certificate joined, in one statement', async () => {
    const tag = `pick-${randomUUID().slice(0, 8)}`;
    const alice = await add.user();
    const renewed = await add.device({ deviceName: `${tag} a`, user: alice, model: 'iPhone 15' });
    const bare = await add.device({ deviceName: `${tag} b` });
    const later = new Date(now.getTime() + 30 * DAY);
    const current = await add.certificate(renewed.id, later);
    await add.certificate(renewed.id, now, { supersededBy: current });
    const em = backend().em();
    /** The string-keyed own properties (the preloads are under symbols). */
    const own = (o: object | null | undefined) => Object.fromEntries(Object.entries(o!));
    const selection = {
      device: ['id', 'deviceName', 'lastSyncDateTime'],
      user: ['id', 'userPrincipalName'],
      certificate: ['id', 'notAfter', 'status', 'supersededById'],
    };
    const page = await store.page(em, pageOf(tag, { first: 1 }), rules, selection);
    expect(page).toMatchObject({ hasNextPage: true, totalCount: 2 });
    const [a] = page.devices;
    expect(a).toBeInstanceOf(ManagedDevice);
    expect(own(a)).toEqual({ id: renewed.id, deviceName: `${tag} a`, lastSyncDateTime: now });
    expect(a!.model).toBeUndefined();
    expect(own(store.preloadedUserOf(a!))).toEqual({
      id: alice.id,
      userPrincipalName: alice.userPrincipalName,
    });
    expect(own(preloadedCertificateOf(a!))).toEqual({
      id: current,
      notAfter: later,
      status: 'valid',
      supersededById: null,
    });
    const rest = await store.page(
      em,
      pageOf(tag, { first: 5, after: [a!.deviceName, a!.id] }),
      rules,
      selection,
    );
    expect(rest.devices.map((d) => d.id)).toEqual([bare.id]);
    expect(store.preloadedUserOf(rest.devices[0]!)).toBeNull();
    expect(preloadedCertificateOf(rest.devices[0]!)).toBeNull();
    // Timestamps only rendered are read as the text their Date would be written as.
    const text = await store.page(em, pageOf(tag, { first: 1 }), rules, {
      ...selection,
      renderedOnly: { device: ['lastSyncDateTime'], user: [], certificate: ['notAfter'] },
    });
    expect(text.devices[0]!.lastSyncDateTime).toBe(now.toISOString());
    expect(preloadedCertificateOf(text.devices[0]!)!.notAfter).toBe(later.toISOString());
    // Without a user or certificate in the selection, neither is read (nor preloaded).
    const plain = await store.page(em, pageOf(tag), rules, { device: ['id'], user: null, certificate: null });
    expect(plain.devices.map((d) => Object.keys(d))).toEqual([['id'], ['id']]);
    expect(store.preloadedUserOf(plain.devices[0]!)).toBeUndefined();
    expect(preloadedCertificateOf(plain.devices[0]!)).toBeUndefined();
    // Past the last device the page is empty and the total still counts the filter's devices.
    const past = await store.page(em, pageOf(tag, { after: [bare.deviceName, bare.id] }), rules, selection);
    expect(past).toEqual({ devices: [], hasNextPage: false, totalCount: 2 });
  });

  it('filters a page by its fields, user (case-insensitive) and search, wildcards taken literally', async () => {
    const tag = `filter-${randomUUID().slice(0, 8)}`;
    const upn = `${randomUUID()}@example.com`;
    const user = await add.user(upn);
    const windows = await add.device({
      deviceName: `${tag} 50% off`,
      platform: DevicePlatform.WINDOWS,
      operatingSystem: 'Windows',
      user,
    });
    const ios = await add.device({
      deviceName: `${tag} 50 percent`,
      imei: '490154203237518',
      managementState: ManagementState.retired,
    });
    const ids = async (query: DevicePageQuery) =>
      (await store.page(backend().em(), query, rules)).devices.map((d) => d.id).sort();
    expect(await ids(pageOf(tag, { filter: { platform: DevicePlatform.WINDOWS } }))).toEqual([windows.id]);
    expect(await ids(pageOf(tag, { filter: { managementState: ManagementState.retired } }))).toEqual([
      ios.id,
    ]);
    expect(await ids(pageOf(tag, { filter: { userPrincipalName: upn.toUpperCase() } }))).toEqual([
      windows.id,
    ]);
    expect(await ids(pageOf(`${tag} 50%`))).toEqual([windows.id]);
    expect(await ids(pageOf(`${tag} 50_`))).toEqual([]);
    // The IMEI matches by prefix, spaces and dashes ignored.
    expect(await ids(pageOf('49015-420 3237'))).toEqual([ios.id]);
    const counted = await store.page(backend().em(), pageOf(tag, { first: 1 }), rules);
    expect(counted.totalCount).toBe(2);
  });

  it('filters a page by the certificate status of its expiry at the given instant', async () => {
    const tag = `cert-${randomUUID().slice(0, 8)}`;
    const expiry = {
      NONE: null,
      EXPIRED: new Date(now.getTime() - 1000),
      EXPIRING: new Date(now.getTime() + 10 * DAY),
      VALID: new Date(now.getTime() + 90 * DAY),
    } as const;
    const byStatus = new Map<string, string>();
    for (const [status, date] of Object.entries(expiry)) {
      const device = await add.device({
        deviceName: `${tag} ${status}`,
        managementCertificateExpirationDate: date,
      });
      byStatus.set(status, device.id);
    }
    for (const status of Object.values(DeviceCertificateFilter)) {
      const page = await store.page(
        backend().em(),
        pageOf(tag, { filter: { certificateStatus: status } }),
        rules,
      );
      expect(
        page.devices.map((d) => d.id),
        status,
      ).toEqual([byStatus.get(status)]);
    }
  });

  it('orders a page by a date column with keyset positions carrying Dates', async () => {
    const tag = `dates-${randomUUID().slice(0, 8)}`;
    const devices: ManagedDevice[] = [];
    for (let i = 0; i < 3; i++)
      devices.push(
        await add.device({ deviceName: tag, enrolledDateTime: new Date(now.getTime() + i * MINUTE) }),
      );
    const query = pageOf(tag, {
      orderBy: ManagedDeviceOrderField.enrolledDateTime,
      direction: 'desc',
      first: 1,
    });
    const first = await store.page(backend().em(), query, rules);
    expect(first.devices.map((d) => d.id)).toEqual([devices[2]!.id]);
    const last = first.devices[0]!;
    const next = await store.page(
      backend().em(),
      { ...query, first: 5, after: [last.enrolledDateTime, last.id] },
      rules,
    );
    expect(next.devices.map((d) => d.id)).toEqual([devices[1]!.id, devices[0]!.id]);
  });

  it('reads devices by id in one statement, absent ids left out', async () => {
    const user = await add.user();
    const withUser = await add.device({ user });
    const userless = await add.device();
    const found = await store.readByIds(backend().em(), [withUser.id, userless.id, randomUUID()]);
    expect([...found.keys()].sort()).toEqual([withUser.id, userless.id].sort());
    expect(found.get(withUser.id)!.deviceName).toBe(withUser.deviceName);
    expect(store.preloadedUserOf(found.get(withUser.id)!)?.id).toBe(user.id);
    expect(store.preloadedUserOf(found.get(userless.id)!)).toBeNull();
    expect((await store.readByIds(backend().em(), [])).size).toBe(0);
  });

  it('maps rows a statement returned to unmanaged devices, many-to-one columns as references', async () => {
    const user = await add.user();
    const { id } = await add.device({ user });
    const em = backend().em();
    const rows = await sqlOf(em).rows<Record<string, unknown>>(
      'update managed_device set os_version = ? where id = ? returning *',
      ['18.0', id],
    );
    const [device] = store.fromRows(em, rows);
    expect(device).toBeInstanceOf(ManagedDevice);
    expect(device).toMatchObject({ id, osVersion: '18.0', enrolledDateTime: now, model: null });
    expect(device!.user?.id).toBe(user.id);
    expect(device!.user?.isInitialized()).toBe(false);
    expect(device!.enrollmentManager).toBeNull();
    expect(em.getUnitOfWork().getById(ManagedDevice.name, id)).toBeUndefined();
  });

  it('lists devices whose certificate expires in a window, soonest first, expired ones unless a start is given', async () => {
    // Far from the other tests' expiry dates.
    const base = new Date('2041-01-01T00:00:00.000Z');
    const at = (days: number) => new Date(base.getTime() + days * DAY);
    const devices: ManagedDevice[] = [];
    for (const days of [5, -3, 1, 40])
      devices.push(await add.device({ managementCertificateExpirationDate: at(days) }));
    const [five, expired, one] = devices;
    const since = await store.expiringCertificates(backend().em(), { from: at(0), until: at(30) }, 10);
    expect(since.map((d) => d.id)).toEqual([one!.id, five!.id]);
    const all = await store.expiringCertificates(backend().em(), { until: at(30) }, 500);
    const ours = all.filter((d) => devices.some((x) => x.id === d.id));
    expect(ours.map((d) => d.id)).toEqual([expired!.id, one!.id, five!.id]);
    expect(all.map((d) => d.managementCertificateExpirationDate!.getTime())).toEqual(
      all.map((d) => d.managementCertificateExpirationDate!.getTime()).sort((x, y) => x - y),
    );
    expect(await store.expiringCertificates(backend().em(), { from: at(0), until: at(30) }, 1)).toHaveLength(
      1,
    );
  });

  it('counts enrollments and check-ins per minute, empty minutes included', async () => {
    const start = new Date('2039-05-01T08:00:00.000Z');
    const minute = (m: number, s = 0) => new Date(start.getTime() + m * MINUTE + s * 1000);
    const device = await add.device({ enrolledDateTime: minute(0, 30) });
    await add.device({ enrolledDateTime: minute(2, 59) });
    await add.checkIn(device.id, minute(2));
    await add.checkIn(device.id, minute(2, 10));
    const rows = await store.activity(backend().em(), start, minute(3));
    expect(rows).toEqual([
      { minute: minute(0), enrollments: 1, checkIns: 0 },
      { minute: minute(1), enrollments: 0, checkIns: 0 },
      { minute: minute(2), enrollments: 1, checkIns: 2 },
      { minute: minute(3), enrollments: 0, checkIns: 0 },
    ]);
  });

  it('counts the fleet by its current certificates only', async () => {
    const before = await store.fleetCounts(backend().em(), now, rules);
    const count = (rows: typeof before, pick: (r: (typeof before)[number]) => boolean) =>
      rows.filter(pick).reduce((sum, r) => sum + r.n, 0);
    const android = { platform: DevicePlatform.ANDROID, operatingSystem: 'Android' };
    const week = await add.device(android);
    // An expired certificate superseded by a current one that expires within the week.
    const current = await add.certificate(week.id, new Date(now.getTime() + 3 * DAY));
    await add.certificate(week.id, new Date(now.getTime() - 100 * DAY), {
      status: 'expired',
      supersededBy: current,
    });
    const due = await add.device(android);
    await add.certificate(due.id, new Date(now.getTime() - DAY), { status: 'expired' });
    const revoked = await add.device(android);
    await add.certificate(revoked.id, new Date(now.getTime() - DAY), { status: 'revoked' });
    await add.device(android); // no certificate
    const after = await store.fleetCounts(backend().em(), now, rules);
    const delta = (pick: (r: (typeof before)[number]) => boolean) => count(after, pick) - count(before, pick);
    expect(delta((r) => r.platform === DevicePlatform.ANDROID)).toBe(4);
    expect(delta((r) => r.cert === 'expiring')).toBe(1);
    expect(delta((r) => r.cert === 'expired')).toBe(1);
    expect(delta((r) => r.cert === 'revoked')).toBe(1);
    expect(delta((r) => r.cert === 'none')).toBe(1);
    expect(delta((r) => r.week)).toBe(1);
    expect(delta((r) => r.due)).toBe(1);
  });

  it("deletes one device's children from every child table, and no other device's", async () => {
    const gone = await add.device();
    const kept = await add.device();
    for (const device of [gone, kept]) await addChildren(backend, device.id);
    await backend()
      .em()
      .transactional((tx) => store.deleteChildren(tx, gone.id));
    expect(await childCounts(backend, gone.id)).toEqual(
      Object.fromEntries(DEVICE_CHILD_TABLES.map((t) => [t, 0])),
    );
    expect(await childCounts(backend, kept.id)).toEqual(
      Object.fromEntries(DEVICE_CHILD_TABLES.map((t) => [t, 1])),
    );
  });

  it('gives the statements deleting the children of a set of devices, a table replaced on request', async () => {
    const gone = await add.device();
    const kept = await add.device();
    for (const device of [gone, kept]) await addChildren(backend, device.id);
    const statements = store.childDeletesOf('doomed', { device_check_in: 'select 1' });
    expect(statements).toHaveLength(DEVICE_CHILD_TABLES.length);
    await backend()
      .em()
      .transactional(async (tx) => {
        const sql = sqlOf(tx);
        await sql.run('create temporary table doomed (id uuid) on commit drop');
        await sql.run('insert into doomed values (?)', [gone.id]);
        for (const statement of statements) await sql.run(statement);
      });
    expect(await childCounts(backend, gone.id)).toEqual({
      ...Object.fromEntries(DEVICE_CHILD_TABLES.map((t) => [t, 0])),
      device_check_in: 1,
    });
    expect(await childCounts(backend, kept.id)).toEqual(
      Object.fromEntries(DEVICE_CHILD_TABLES.map((t) => [t, 1])),
    );
  });

  it('lists the action history newest first, since an instant when given', async () => {
    const { id } = await add.device();
    const early = await add.action(id, DeviceActionState.done, new Date(now.getTime() - DAY));
    const late = await add.action(id, DeviceActionState.pending, now);
    const other = await add.device();
    await add.action(other.id, DeviceActionState.pending, now);
    const all = await store.actionHistory(backend().em(), id);
    expect(all.map((a) => a.id)).toEqual([late.id, early.id]);
    const recent = await store.actionHistory(backend().em(), id, now);
    expect(recent.map((a) => a.id)).toEqual([late.id]);
  });

  it("completes or cancels only the device's pending actions", async () => {
    const { id } = await add.device();
    const done = await add.action(id, DeviceActionState.done, new Date(now.getTime() - DAY));
    const pending = await add.action(id, DeviceActionState.pending, now);
    const other = await add.device();
    const elsewhere = await add.action(other.id, DeviceActionState.pending, now);
    const later = new Date(now.getTime() + MINUTE);
    await store.completePendingActions(backend().em(), id, later);
    const state = (action: DeviceAction) => backend().em().findOneOrFail(DeviceAction, action.id);
    expect(await state(pending)).toMatchObject({ state: DeviceActionState.done, completedDateTime: later });
    expect((await state(done)).completedDateTime).toBeNull();
    await store.cancelPendingActions(backend().em(), other.id, later);
    expect(await state(elsewhere)).toMatchObject({
      state: DeviceActionState.cancelled,
      completedDateTime: later,
    });
    expect((await state(pending)).state).toBe(DeviceActionState.done);
  });
});

/** One row in every child table of `deviceId` (a pending enrollment needs an invitation and a certificate). */
async function addChildren(backend: () => StoreBackend, deviceId: string): Promise<void> {
  const sql = backend().sql();
  const certificate = randomUUID();
  await sql.run(
    `insert into mdm_certificate (id, device_id, not_before, not_after, issued_date_time, serial_number, sha256_thumbprint, subject, issuer, pem, status)
     values (?, ?, ?, ?, ?, ?, ?, 'CN=device', 'CN=ca', 'PEM', 'valid')`,
    [certificate, deviceId, now, new Date(now.getTime() + DAY), now, randomUUID(), randomUUID()],
  );
  const invitation = randomUUID();
  await sql.run(
    `insert into enrollment_invitation (id, platform, method, ownership_intent, profile_token_hash, challenge_hash, created_date_time, expires_date_time)
     values (?, 'IOS', 'BYOD', 'personal', ?, ?, ?, ?)`,
    [invitation, randomUUID(), randomUUID(), now, new Date(now.getTime() + DAY)],
  );
  await sql.run(
    `insert into pending_enrollment (id, invitation_id, created_date_time, certificate_id, device_id, status) values (?, ?, ?, ?, ?, 'completed')`,
    [randomUUID(), invitation, now, certificate, deviceId],
  );
  await sql.run(
    `insert into device_check_in (id, device_id, nonce, certificate_serial_number, proof_type, renewed, checked_in_date_time)
     values (?, ?, ?, 'serial', 'SIGNATURE', false, ?)`,
    [randomUUID(), deviceId, randomUUID(), now],
  );
  await sql.run(
    `insert into apple_mdm_enrollment (id, device_id, channel, identifier, topic, authenticated_date_time)
     values (?, ?, 'device', ?, 'com.apple.mgmt.test', ?)`,
    [randomUUID(), deviceId, randomUUID(), now],
  );
  await sql.run(
    `insert into mdm_command (id, device_id, command_uuid, request_type, parameters, status, queued_date_time)
     values (?, ?, ?, 'DeviceInformation', ?::jsonb, 'queued', ?)`,
    [randomUUID(), deviceId, randomUUID(), '{}', now],
  );
}

/** Rows of `deviceId` in each child table. */
async function childCounts(backend: () => StoreBackend, deviceId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of DEVICE_CHILD_TABLES) {
    const row = await backend()
      .sql()
      .first<{ n: number }>(`select count(*)::int as n from ${table} where device_id = ?`, [deviceId]);
    counts[table] = row!.n;
  }
  return counts;
}
