import { Cursor, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { InputValidationError, NotFoundError } from '../../shared/domain-error.js';
import { poolQuery } from '../../shared/pool-query.js';
import { textViolations, validateInput } from '../../shared/validation.js';
import { ManagedDevice } from './device.entity.js';
import {
  DeviceCertificateFilter,
  ManagedDeviceOrderField,
  type ManagedDeviceConnection,
  type ManagedDevicesArgs,
} from './device.connection.js';
import { ReadModel } from '../../shared/read-model.js';
import { User } from '../user/user.entity.js';
import type { Clock } from '../../shared/clock.js';
import { questionMarks, type LifecyclePolicy } from '../lifecycle/lifecycle.policy.js';

/** Device ids are UUIDs; anything else is refused before touching the database. */
export const deviceIdSchema = z.uuid({ error: 'must be a UUID' });

/** Escapes LIKE wildcards so a search for "50%" matches the literal text. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A search text of the device list. */
const searchSchema = z.string().trim().min(1).max(128);

/** Reads managed devices: single lookups and the paginated, filtered list. */
export class DeviceService {
  /** Page sizes the list accepts (built once: a zod schema per request showed in profiles). */
  private readonly pageSizeSchema: z.ZodNumber;

  constructor(
    private readonly pagination: Config['pagination'],
    private readonly clock: Clock,
    /** The certificate lifecycle rules the certificate status filter applies. */
    private readonly lifecycle: LifecyclePolicy,
  ) {
    this.pageSizeSchema = z.number().int().min(1).max(pagination.maxSize);
  }

  /**
   * The device with `id`, with its user loaded.
   * @throws InputValidationError when `id` is not a UUID; NotFoundError when no such device exists
   */
  async getById(em: EntityManager, id: string): Promise<ManagedDevice> {
    const deviceId = validateInput(deviceIdSchema, id, 'id');
    const device = await em.findOne(ManagedDevice, deviceId, { populate: ['user'] });
    if (!device) throw new NotFoundError('ManagedDevice', deviceId);
    return device;
  }

  /**
   * One page of devices matching `args.filter`, ordered by `args.orderBy` then id (keyset
   * pagination, so pages stay stable while devices enroll).
   * @throws InputValidationError for a page size outside 1..PAGE_SIZE_MAX, an oversized search or a malformed cursor
   */
  async list(em: EntityManager, args: ManagedDevicesArgs): Promise<ManagedDeviceConnection> {
    const first = validateInput(this.pageSizeSchema, args.first ?? this.pagination.defaultSize, 'first');
    const filter = args.filter ?? {};
    const search =
      filter.search == null ? undefined : validateInput(searchSchema, filter.search, 'filter.search');
    // Read-only page: plain SQL mapped to read models (see ReadModel), the user joined in the
    // same statement. Two statements per page whatever its size: the page and its total count.
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
    if (filter.certificateStatus) conditions.push(this.expiryCondition(filter.certificateStatus, params));
    if (filter.userPrincipalName) {
      params.push(filter.userPrincipalName.toLowerCase());
      conditions.push(`"d"."user_id" in (select "id" from "app_user" where "user_principal_name" = ?)`);
    }
    if (search) {
      params.push(
        `%${escapeLike(search)}%`,
        `%${escapeLike(search)}%`,
        `${escapeLike(search.replace(/[\s-]/g, ''))}%`,
      );
      conditions.push(`("d"."serial_number" ilike ? or "d"."device_name" ilike ? or "d"."imei" like ?)`);
    }
    const filtered = conditions.length ? `where ${conditions.join(' and ')}` : '';
    const dir = args.direction === 'ASC' ? 'asc' : 'desc';
    const orderBy = args.orderBy;
    const orderColumn = ORDER_COLUMNS[orderBy];
    const pageConditions = [...conditions];
    const pageParams = [...params];
    if (args.after) {
      const [value, id] = checkedCursor(args.after, orderBy);
      pageConditions.push(`("d"."${orderColumn}", "d"."id") ${dir === 'asc' ? '>' : '<'} (?, ?)`);
      pageParams.push(value, id);
    }
    const { device, user } = this.readModels(em);
    const connection = em.getConnection();
    const [rows, counted] = await Promise.all([
      connection.execute<Record<string, unknown>[]>(
        `select ${device.selectList}, ${user.selectList} from "managed_device" as "d" left join "app_user" as "u" on "u"."id" = "d"."user_id" ` +
          `${pageConditions.length ? `where ${pageConditions.join(' and ')}` : ''} order by "d"."${orderColumn}" ${dir}, "d"."id" ${dir} limit ?`,
        [...pageParams, first + 1],
      ),
      connection.execute<{ count: number }[]>(
        `select count(*)::int as "count" from "managed_device" as "d" ${filtered}`,
        params,
      ),
    ]);
    const hasNextPage = rows.length > first;
    const nodes = rows.slice(0, first).map((row) => {
      const node = device.from(row);
      preloadUser(node, row['u_id'] == null ? null : user.from(row));
      return node;
    });
    const cursorOf = (node: ManagedDevice) => Cursor.encode([node[orderBy], node.id]);
    return {
      // Cursors are encoded only when the query selects them (integrations mostly read endCursor).
      edges: nodes.map((node) => ({
        node,
        get cursor() {
          return cursorOf(node);
        },
      })),
      pageInfo: {
        hasNextPage,
        hasPreviousPage: !!args.after,
        startCursor: nodes.length ? cursorOf(nodes[0]!) : null,
        endCursor: nodes.length ? cursorOf(nodes.at(-1)!) : null,
      },
      totalCount: counted[0]!.count,
    };
  }

  /**
   * Read-only devices (with their users) by id, in one statement whatever the number of ids: for
   * work that only renders devices (subscription events). Ids without a device are absent.
   * @param em any EntityManager: only its connection is used (read models are not managed)
   */
  async readByIds(em: EntityManager, ids: readonly string[]): Promise<Map<string, ManagedDevice>> {
    const { device, user } = this.readModels(em);
    const rows = await poolQuery<Record<string, unknown>>(
      em,
      `select ${device.selectList}, ${user.selectList} from "managed_device" as "d" left join "app_user" as "u" on "u"."id" = "d"."user_id" where "d"."id" = any($1::uuid[])`,
      [ids],
    );
    const found = new Map<string, ManagedDevice>();
    for (const row of rows) {
      const node = device.from(row);
      preloadUser(node, row['u_id'] == null ? null : user.from(row));
      found.set(node.id, node);
    }
    return found;
  }

  /** Read models of a device row and of its joined user (`u_` columns), built once. */
  private readModels(em: EntityManager): { device: ReadModel<ManagedDevice>; user: ReadModel<User> } {
    return (this.models ??= {
      device: ReadModel.of(em, ManagedDevice, 'd'),
      user: ReadModel.of(em, User, 'u', 'u_'),
    });
  }

  private models?: { device: ReadModel<ManagedDevice>; user: ReadModel<User> };

  /**
   * The affine user of `device`: the one read with it by `list`, or else its relation (already
   * loaded by `getById` and the enrollment paths, loaded now otherwise); null for userless devices.
   */
  userOf(device: ManagedDevice): User | null | Promise<User | null> {
    const preloaded = (device as { [PRELOADED_USER]?: User | null })[PRELOADED_USER];
    if (preloaded !== undefined) return preloaded;
    if (!device.user) return null;
    return device.user.isInitialized()
      ? device.user.getEntity()
      : (device.user.load() as Promise<User | null>);
  }

  /** The SQL condition of a certificate status filter (on the device's current certificate expiry), at the clock's now. */
  private expiryCondition(status: DeviceCertificateFilter, params: unknown[]): string {
    const column = '"d"."management_certificate_expiration_date"';
    const now = this.clock.now();
    const bind = questionMarks(params);
    switch (status) {
      case DeviceCertificateFilter.NONE:
        return `${column} is null`;
      case DeviceCertificateFilter.EXPIRED:
        return this.lifecycle.sql.expired(column, now, bind);
      case DeviceCertificateFilter.EXPIRING:
        return this.lifecycle.sql.expiring(column, now, bind);
      case DeviceCertificateFilter.VALID:
        return this.lifecycle.sql.valid(column, now, bind);
    }
  }
}

/** Sort keys of the list and their columns. */
const ORDER_COLUMNS: Record<ManagedDeviceOrderField, string> = {
  [ManagedDeviceOrderField.enrolledDateTime]: 'enrolled_date_time',
  [ManagedDeviceOrderField.lastSyncDateTime]: 'last_sync_date_time',
  [ManagedDeviceOrderField.deviceName]: 'device_name',
};

/** Where `list` keeps the user it read with a device (read models carry no ORM relation). */
const PRELOADED_USER = Symbol('preloadedUser');

function preloadUser(device: ManagedDevice, user: User | null): void {
  (device as { [PRELOADED_USER]?: User | null })[PRELOADED_USER] = user;
}

/**
 * Accepts only cursors shaped like the ones this list issues for this ordering: `[sortValue, id]`
 * with an ISO timestamp (years 0001-9999) for the date orderings and well-formed text for
 * `deviceName`. So a forged or truncated cursor, or one issued for another ordering, is a typed
 * input error rather than a database error. Decoded here rather than with MikroORM's
 * `Cursor.decode`, which turns any string that looks like a timestamp into a Date (a device
 * named like one would get an unusable cursor).
 * @returns the sort value as a Date for date orderings, else as a string; and the device id
 * @throws InputValidationError (field `after`, rule `cursor`)
 */
function checkedCursor(after: string, orderBy: ManagedDeviceOrderField): [Date | string, string] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  let value: Date | string | undefined;
  if (
    Array.isArray(parts) &&
    parts.length === 2 &&
    deviceIdSchema.safeParse(parts[1]).success &&
    typeof parts[0] === 'string'
  ) {
    if (orderBy === ManagedDeviceOrderField.deviceName) {
      if (textViolations(parts[0], 'after').length === 0) value = parts[0];
    } else if (ISO_TIMESTAMP.test(parts[0])) {
      const date = new Date(parts[0]);
      const year = date.getUTCFullYear();
      if (!Number.isNaN(date.getTime()) && year >= 1 && year <= 9999) value = date;
    }
  }
  if (value === undefined) {
    throw new InputValidationError([
      { field: 'after', rule: 'cursor', message: 'is not a cursor issued by this list' },
    ]);
  }
  return [value, (parts as [string, string])[1]];
}

/** The timestamps this list's cursors carry (`Date.toJSON`), with or without milliseconds, UTC or an offset. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
