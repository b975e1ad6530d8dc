import { LockMode, ReferenceKind } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { dateOf, EntityRows } from '../../db/entity-rows.js';
import { sqlOf } from '../../db/sql.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { DeviceAction, DeviceActionState } from '../device-action/device-action.entity.js';
import { questionMarks, type LifecyclePolicy } from '../lifecycle/lifecycle.policy.js';
import { User } from '../user/user.entity.js';
import {
  DeviceCertificateFilter,
  ManagedDeviceOrderField,
  type ManagedDeviceFilter,
} from './device.connection.js';
import { ManagedDevice } from './device.entity.js';
import type { DevicePageSelection } from './device-page-selection.js';

/**
 * The tables whose rows belong to one device (column `device_id`) and go with it: the SCEP
 * enrollments completed into it, its MDM certificates, its check-in history, and its Apple MDM
 * enrollment and command queue. There is no foreign key from them to `managed_device`
 * (Migration20261130050000_deviceChildrenSetBasedDelete: a key's row triggers were a third of the
 * lifecycle sweep), so every statement that deletes devices must, in the same transaction, first
 * delete their rows here. The two that do: the lifecycle sweeper (a set of devices,
 * {@link DeviceStore.childDeletesOf}) and the `deleteDevice` action (one device,
 * {@link DeviceStore.deleteChildren}), in this order. `pending_enrollment` comes before
 * `mdm_certificate`: a completed enrollment's certificate is the device's (its `certificate_id` key
 * cascades from `mdm_certificate`), so the record goes with the device rather than keeping a
 * cleared `device_id`; a pending or refused one has no device and stays. `device_action` is not
 * listed: the action history outlives the device on purpose.
 */
export const DEVICE_CHILD_TABLES = [
  'pending_enrollment',
  'mdm_certificate',
  'device_check_in',
  'apple_mdm_enrollment',
  'mdm_command',
] as const;

export type DeviceChildTable = (typeof DEVICE_CHILD_TABLES)[number];

/** Sort keys of the device page and their columns (non-null columns only, so keyset pages never skip a device). */
const ORDER_COLUMNS: Record<ManagedDeviceOrderField, string> = {
  [ManagedDeviceOrderField.enrolledDateTime]: 'enrolled_date_time',
  [ManagedDeviceOrderField.lastSyncDateTime]: 'last_sync_date_time',
  [ManagedDeviceOrderField.deviceName]: 'device_name',
};

/** Escapes LIKE wildcards so a search for "50%" matches the literal text. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One page of the device list, as the service has validated it. */
export interface DevicePageQuery {
  /** Equality filters and the certificate status / user filters (all must match). */
  filter: Omit<ManagedDeviceFilter, 'search'>;
  /** Trimmed search text (1-128 characters): substring of serial or name, prefix of the IMEI. */
  search?: string;
  orderBy: ManagedDeviceOrderField;
  direction: 'asc' | 'desc';
  /** Keyset position: the sort value (a Date for the date orderings) and the id of the last device seen. */
  after?: readonly [Date | string, string];
  /** Page size (1..PAGE_SIZE_MAX): one more row is read to tell whether a next page exists. */
  first: number;
  /** The instant the certificate status filter is evaluated at. */
  now: Date;
}

/** A page of devices (read-only instances, their users preloaded) and the filter's total. */
export interface DevicePage {
  devices: ManagedDevice[];
  hasNextPage: boolean;
  totalCount: number;
}

/** One group of the fleet counts: devices sharing all of these values. */
export interface FleetCountRow {
  platform: string;
  owner: string;
  method: string;
  state: string;
  /** Certificate status of the current certificate, or `none`. */
  cert: string;
  /** The current certificate is live and expires within 7 days. */
  week: boolean;
  /** The current certificate is live and has expired. */
  due: boolean;
  n: number;
}

/** Enrollments and check-ins in one minute. */
export interface ActivityRow {
  /** Start of the minute (UTC). */
  minute: Date;
  enrollments: number;
  checkIns: number;
}

/**
 * Every statement about managed devices: single lookups, the paginated list and the batched
 * reads of subscription events, the fleet counts and insights, the children a deleted device
 * takes with it, and the device's action history. Stateless: every method runs in the entity
 * manager it is given (its transaction when inside `em.transactional`, else the pool). Rules the
 * statements apply (certificate lifecycle) are passed in by the services that own them.
 */
export class DeviceStore {
  /**
   * The device with `id`, its user loaded; with `lock`, locked FOR UPDATE (call inside a
   * transaction that changes it). Managed by `em`.
   */
  byId(em: EntityManager, id: string, lock = false): Promise<ManagedDevice | null> {
    return em.findOne(
      ManagedDevice,
      id,
      lock ? { populate: ['user'], lockMode: LockMode.PESSIMISTIC_WRITE } : { populate: ['user'] },
    );
  }

  /**
   * One page of devices matching `query.filter`, ordered by `query.orderBy` then id (keyset), with
   * their users and current certificates joined and the filter's total count, in ONE statement
   * whatever the page size (the count is a subquery of it; only for an empty page, which has no
   * row to carry it, a second statement counts). With a `selection`, only its columns are read and
   * only the joins it asks for made; without one, every device and user column (no certificate).
   * Devices are read-only (see {@link EntityRows}).
   * @param rules the certificate lifecycle the certificate status filter applies
   */
  async page(
    em: EntityManager,
    query: DevicePageQuery,
    rules: LifecyclePolicy,
    selection?: DevicePageSelection | null,
  ): Promise<DevicePage> {
    const { filter } = query;
    const conditions: string[] = [];
    const params: unknown[] = [];
    const equals = (column: string, value: unknown) => {
      params.push(value);
      conditions.push(`"d"."${column}" = ?`);
    };
    if (filter.platform) equals('platform', filter.platform);
    if (filter.managedDeviceOwnerType) equals('managed_device_owner_type', filter.managedDeviceOwnerType);
    if (filter.enrollmentMethod) equals('enrollment_method', filter.enrollmentMethod);
    if (filter.managementState) equals('management_state', filter.managementState);
    if (filter.certificateStatus)
      conditions.push(expiryCondition(filter.certificateStatus, query.now, rules, params));
    if (filter.userPrincipalName) {
      params.push(filter.userPrincipalName.toLowerCase());
      conditions.push(`"d"."user_id" in (select "id" from "app_user" where "user_principal_name" = ?)`);
    }
    if (query.search) {
      const search = query.search;
      params.push(
        `%${escapeLike(search)}%`,
        `%${escapeLike(search)}%`,
        `${escapeLike(search.replace(/[\s-]/g, ''))}%`,
      );
      conditions.push(`("d"."serial_number" ilike ? or "d"."device_name" ilike ? or "d"."imei" like ?)`);
    }
    const dir = query.direction;
    const orderColumn = ORDER_COLUMNS[query.orderBy];
    const pageConditions = [...conditions];
    const pageParams = [...params];
    if (query.after) {
      pageConditions.push(`("d"."${orderColumn}", "d"."id") ${dir === 'asc' ? '>' : '<'} (?, ?)`);
      pageParams.push(query.after[0], query.after[1]);
    }
    const where = (list: string[]) => (list.length ? `where ${list.join(' and ')}` : '');
    const read = this.pageReaderOf(em, selection);
    const countSql = `select count(*)::int as "count" from "managed_device" as "d" ${where(conditions)}`;
    const sql = sqlOf(em);
    const rows = await sql.rows<Record<string, unknown>>(
      `select ${read.selectList}, (${countSql}) as "${TOTAL}" from "managed_device" as "d"${read.joins} ` +
        `${where(pageConditions)} order by "d"."${orderColumn}" ${dir}, "d"."id" ${dir} limit ?`,
      [...params, ...pageParams, query.first + 1],
    );
    const totalCount = rows.length
      ? (rows[0]![TOTAL] as number)
      : (await sql.first<{ count: number }>(countSql, params))!.count;
    const devices: ManagedDevice[] = [];
    for (let i = 0; i < rows.length && i < query.first; i++) devices.push(read.from(rows[i]!));
    return { devices, hasNextPage: rows.length > query.first, totalCount };
  }

  /** The scalar property names of the device, its user and its certificate (for {@link DevicePageSelection}). */
  propertiesOf(em: EntityManager): {
    device: ReadonlySet<string>;
    user: ReadonlySet<string>;
    certificate: ReadonlySet<string>;
  } {
    const metadata = em.getMetadata();
    const scalars = (name: string) =>
      new Set(
        Object.values(metadata.get(name).properties)
          .filter((p) => p.kind === ReferenceKind.SCALAR && p.persist !== false)
          .map((p) => p.name as string),
      );
    return (this.properties ??= {
      device: scalars(ManagedDevice.name),
      user: scalars(User.name),
      certificate: scalars(MdmCertificate.name),
    });
  }

  /**
   * Read-only devices (with their users) by id, in one statement whatever the number of ids: for
   * work that only renders devices (subscription events). Ids without a device are absent.
   */
  async readByIds(em: EntityManager, ids: readonly string[]): Promise<Map<string, ManagedDevice>> {
    const { device, user } = this.rowsOf(em);
    const rows = await sqlOf(em).rows<Record<string, unknown>>(
      `select ${device.selectList}, ${user.selectList} from "managed_device" as "d" left join "app_user" as "u" on "u"."id" = "d"."user_id" where "d"."id" = any(?::uuid[])`,
      [ids],
    );
    const found = new Map<string, ManagedDevice>();
    for (const row of rows) {
      const node = this.withUser(row);
      found.set(node.id, node);
    }
    return found;
  }

  /**
   * The user a device was read with by {@link page} or {@link readByIds} (null: no user);
   * undefined for devices read otherwise (their `user` relation applies).
   */
  preloadedUserOf(device: ManagedDevice): User | null | undefined {
    return (device as { [PRELOADED_USER]?: User | null })[PRELOADED_USER];
  }

  /**
   * ManagedDevice objects from rows a hand-written statement returned (`returning *`, column
   * names as keys), WITHOUT registering them in the entity manager: for results of set-based
   * writes (bulk enrollment) that are read for the response and events and never changed
   * afterwards. `em.map` hydrated and merged 1,000 rows through the unit of work (9 % of a bulk
   * enrollment's CPU) and the closing flush then compared all of them for changes. Many-to-one
   * columns become unloaded references, timestamps Dates.
   */
  fromRows(em: EntityManager, rows: readonly Record<string, unknown>[]): ManagedDevice[] {
    const { device } = this.rowsOf(em);
    return rows.map((row) => device.fromReturned(row));
  }

  /**
   * A read-only device (see {@link fromRows}) with its user preloaded (see {@link preloadedUserOf}),
   * from rows a hand-written write returned: the device's `managed_device` row and its user's
   * `app_user` row (column names; timestamps as Dates or ISO text; null for a userless device).
   * For a subscription event that renders the device as its write committed it, with no read.
   */
  committedWithUser(
    em: EntityManager,
    deviceRow: Record<string, unknown>,
    userRow: Record<string, unknown> | null,
  ): ManagedDevice {
    const { device } = this.rowsOf(em);
    const node = device.fromReturned(deviceRow);
    const users = (this.returnedUsers ??= EntityRows.of(em, User, 'u'));
    (node as Preloaded)[PRELOADED_USER] = userRow ? users.fromReturned(userRow) : null;
    return node;
  }

  /** The mapper of unprefixed `app_user` rows ({@link committedWithUser}), built once. */
  private returnedUsers?: EntityRows<User>;

  /**
   * Devices whose current certificate expires before `until` and, when `from` is given, not
   * before it (without `from`, expired ones included), soonest first then by id, at most
   * `limit`, their users loaded. Managed by `em`.
   */
  expiringCertificates(
    em: EntityManager,
    window: { from?: Date; until: Date },
    limit: number,
  ): Promise<ManagedDevice[]> {
    return em.find(
      ManagedDevice,
      {
        managementCertificateExpirationDate: window.from
          ? { $gte: window.from, $lt: window.until }
          : { $ne: null, $lt: window.until },
      },
      { orderBy: { managementCertificateExpirationDate: 'asc', id: 'asc' }, limit, populate: ['user'] },
    );
  }

  /**
   * Enrollments (by `enrolled_date_time`) and check-ins per minute from `start` to `end` (both
   * minute starts, inclusive), oldest first, empty minutes included; one statement.
   */
  async activity(em: EntityManager, start: Date, end: Date): Promise<ActivityRow[]> {
    const rows = await sqlOf(em).rows<{ minute: string | Date; enrollments: number; check_ins: number }>(
      `with minutes as (select generate_series(?::timestamptz, ?::timestamptz, interval '1 minute') as minute)
       select m.minute,
              (select count(*)::int from managed_device d where d.enrolled_date_time >= m.minute and d.enrolled_date_time < m.minute + interval '1 minute') as enrollments,
              (select count(*)::int from device_check_in c where c.checked_in_date_time >= m.minute and c.checked_in_date_time < m.minute + interval '1 minute') as check_ins
         from minutes m order by m.minute`,
      [start, end],
    );
    const platform = em.getPlatform();
    return rows.map((r) => ({
      minute: dateOf(platform, r.minute),
      enrollments: Number(r.enrollments),
      checkIns: Number(r.check_ins),
    }));
  }

  /**
   * The fleet grouped by platform, ownership, method, state and current-certificate status at
   * `now` (one grouped statement over devices and their current certificates).
   * @param rules the certificate lifecycle (status, expiring windows)
   */
  fleetCounts(em: EntityManager, now: Date, rules: LifecyclePolicy): Promise<FleetCountRow[]> {
    const params: unknown[] = [];
    const bind = questionMarks(params);
    const { sql } = rules;
    const live = `c.status <> '${MdmCertificateStatus.revoked}'`;
    return sqlOf(em).rows<FleetCountRow>(
      `select d.platform, d.managed_device_owner_type as owner, d.enrollment_method as method, d.management_state as state,
              case when c.id is null then 'none' else ${sql.status('c.not_after', `not (${live})`, now, bind)} end as cert,
              coalesce(${live} and ${sql.expiring('c.not_after', now, bind, 7)}, false) as week,
              coalesce(${live} and ${sql.expired('c.not_after', now, bind)}, false) as due,
              count(*)::int as n
         from managed_device d left join mdm_certificate c on c.device_id = d.id and c.superseded_by_id is null
        group by 1, 2, 3, 4, 5, 6, 7`,
      params,
    );
  }

  /**
   * Deletes the children of one device ({@link DEVICE_CHILD_TABLES}, in that order). Call in the
   * transaction that then removes the device.
   */
  async deleteChildren(tx: EntityManager, deviceId: string): Promise<void> {
    const sql = sqlOf(tx);
    for (const table of DEVICE_CHILD_TABLES)
      await sql.run(`delete from ${table} where device_id = ?`, [deviceId]);
  }

  /**
   * Statements (no parameters) deleting the children of the devices whose ids `deviceIds` (an SQL
   * relation with a column `id`, e.g. a temporary table) holds: one join per table, so PostgreSQL
   * picks a hash join over the child table or index probes, whichever the numbers favour.
   * `instead`: a caller's own statement for a table whose rows it has already found (the
   * sweeper's certificates). For the lifecycle sweeper, which runs them on its own connection.
   */
  childDeletesOf(deviceIds: string, instead: Partial<Record<DeviceChildTable, string>> = {}): string[] {
    return DEVICE_CHILD_TABLES.map(
      (table) => instead[table] ?? `delete from ${table} c using ${deviceIds} k where c.device_id = k.id`,
    );
  }

  /** The device's action history, newest first; only actions requested at or after `since` when given. */
  actionHistory(em: EntityManager, deviceId: string, since?: Date): Promise<DeviceAction[]> {
    return em.find(DeviceAction, since ? { deviceId, requestedDateTime: { $gte: since } } : { deviceId }, {
      orderBy: { requestedDateTime: 'desc', id: 'desc' },
    });
  }

  /** Marks the device's pending actions done at `now` (the device carried them out). */
  async completePendingActions(em: EntityManager, deviceId: string, now: Date): Promise<void> {
    await em.nativeUpdate(
      DeviceAction,
      { deviceId, state: DeviceActionState.pending },
      { state: DeviceActionState.done, completedDateTime: now },
    );
  }

  /**
   * Marks the pending actions of one device, or of many at once (a bulk re-enrollment), cancelled
   * at `now` (superseded, re-enrolled, or deleted), in one statement.
   * @returns how many actions were cancelled
   */
  async cancelPendingActions(
    em: EntityManager,
    deviceIds: string | readonly string[],
    now: Date,
  ): Promise<number> {
    const ids = typeof deviceIds === 'string' ? [deviceIds] : [...deviceIds];
    if (ids.length === 0) return 0;
    return em.nativeUpdate(
      DeviceAction,
      { deviceId: { $in: ids }, state: DeviceActionState.pending },
      { state: DeviceActionState.cancelled, completedDateTime: now },
    );
  }

  /**
   * The select list, joins and row mapper of a page reading `selection` (null/undefined: every
   * device and user column, no certificate), built once per selection.
   */
  private pageReaderOf(
    em: EntityManager,
    selection: DevicePageSelection | null | undefined,
  ): { selectList: string; joins: string; from(row: Record<string, unknown>): ManagedDevice } {
    const { device, user } = this.rowsOf(em);
    if (!selection)
      return {
        selectList: `${device.selectList}, ${user.selectList}`,
        joins: USER_JOIN,
        from: (row) => this.withUser(row),
      };
    const text = selection.renderedOnly;
    const key = JSON.stringify([selection.device, selection.user, selection.certificate, text]);
    let reader = this.pageReaders.get(key);
    if (reader) return reader;
    const certificates = (this.certificateRows ??= new EntityRows(
      em.getMetadata().get<MdmCertificate>(MdmCertificate.name),
      em.getPlatform(),
      'c',
      'c_',
    ));
    const pickedDevice = device.pick(selection.device, text?.device);
    const pickedUser = selection.user && user.pick(selection.user, text?.user);
    const pickedCertificate =
      selection.certificate && certificates.pick(selection.certificate, text?.certificate);
    reader = {
      selectList: [pickedDevice.selectList, pickedUser?.selectList, pickedCertificate?.selectList]
        .filter(Boolean)
        .join(', '),
      joins: `${pickedUser ? USER_JOIN : ''}${pickedCertificate ? CERTIFICATE_JOIN : ''}`,
      from(row) {
        const node = pickedDevice.from(row);
        if (pickedUser)
          (node as Preloaded)[PRELOADED_USER] = row['u_id'] == null ? null : pickedUser.from(row);
        if (pickedCertificate)
          (node as Preloaded)[PRELOADED_CERTIFICATE] =
            row['c_id'] == null ? null : pickedCertificate.from(row);
        return node;
      },
    };
    if (this.pageReaders.size < 64) this.pageReaders.set(key, reader);
    return reader;
  }

  /** The readers {@link pageReaderOf} built, by selection. */
  private readonly pageReaders = new Map<
    string,
    { selectList: string; joins: string; from(row: Record<string, unknown>): ManagedDevice }
  >();
  private certificateRows?: EntityRows<MdmCertificate>;
  private properties?: {
    device: ReadonlySet<string>;
    user: ReadonlySet<string>;
    certificate: ReadonlySet<string>;
  };

  /** A device row with its joined user (`u_` columns) as a read-only device, the user preloaded. */
  private withUser(row: Record<string, unknown>): ManagedDevice {
    const { device, user } = this.rows!;
    const node = device.from(row);
    (node as { [PRELOADED_USER]?: User | null })[PRELOADED_USER] =
      row['u_id'] == null ? null : user.from(row);
    return node;
  }

  /** The row mappers of a device (`d`) and of its joined user (`u`, columns prefixed `u_`), built once. */
  private rowsOf(em: EntityManager): { device: EntityRows<ManagedDevice>; user: EntityRows<User> } {
    const metadata = em.getMetadata();
    return (this.rows ??= {
      device: new EntityRows(metadata.get<ManagedDevice>(ManagedDevice.name), em.getPlatform(), 'd'),
      user: new EntityRows(metadata.get<User>(User.name), em.getPlatform(), 'u', 'u_'),
    });
  }

  /** Derived from the ORM's metadata once (it never changes for a running gateway). */
  private rows?: { device: EntityRows<ManagedDevice>; user: EntityRows<User> };
}

/** Where {@link DeviceStore.page} keeps the user it read with a device (read-only devices carry no ORM relation). */
const PRELOADED_USER = Symbol('preloadedUser');
/** Where {@link DeviceStore.page} keeps the current certificate it read with a device. */
const PRELOADED_CERTIFICATE = Symbol('preloadedCertificate');
type Preloaded = { [PRELOADED_USER]?: User | null; [PRELOADED_CERTIFICATE]?: MdmCertificate | null };

/** Result key of the filter's total count in the page's rows. */
const TOTAL = '__total_count';
const USER_JOIN = ` left join "app_user" as "u" on "u"."id" = "d"."user_id"`;
/** The current certificate: at most one per device (unique index `mdm_certificate_current_unique`). */
const CERTIFICATE_JOIN = ` left join "mdm_certificate" as "c" on "c"."device_id" = "d"."id" and "c"."superseded_by_id" is null`;

/**
 * The current certificate {@link DeviceStore.page} read with `device` (null: it has none);
 * undefined when the page did not read it (or the device was read otherwise). Only the properties
 * the page's selection asked for are set.
 */
export function preloadedCertificateOf(device: ManagedDevice): MdmCertificate | null | undefined {
  return (device as Preloaded)[PRELOADED_CERTIFICATE];
}

/** The SQL condition of a certificate status filter (on the device's current certificate expiry) at `now`. */
function expiryCondition(
  status: DeviceCertificateFilter,
  now: Date,
  rules: LifecyclePolicy,
  params: unknown[],
): string {
  const column = '"d"."management_certificate_expiration_date"';
  const bind = questionMarks(params);
  switch (status) {
    case DeviceCertificateFilter.NONE:
      return `${column} is null`;
    case DeviceCertificateFilter.EXPIRED:
      return rules.sql.expired(column, now, bind);
    case DeviceCertificateFilter.EXPIRING:
      return rules.sql.expiring(column, now, bind);
    case DeviceCertificateFilter.VALID:
      return rules.sql.valid(column, now, bind);
  }
}
