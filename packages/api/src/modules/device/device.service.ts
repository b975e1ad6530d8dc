import { Cursor, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { InputValidationError, NotFoundError } from '../../shared/domain-error.js';
import { textViolations, validateInput } from '../../shared/validation.js';
import type { ManagedDevice } from './device.entity.js';
import {
  ManagedDeviceOrderField,
  type ManagedDeviceConnection,
  type ManagedDevicesArgs,
} from './device.connection.js';
import { DeviceStore } from './device.store.js';
import type { DevicePageSelection } from './device-page-selection.js';

/** The scalar property names of the device, its user and its certificate. */
type PageProperties = ReturnType<DeviceStore['propertiesOf']>;
import type { User } from '../user/user.entity.js';
import type { Clock } from '../../shared/clock.js';
import type { LifecyclePolicy } from '../lifecycle/lifecycle.policy.js';

/** Device ids are UUIDs; anything else is refused before touching the database. */
export const deviceIdSchema = z.uuid({ error: 'must be a UUID' });

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
    private readonly store: DeviceStore = new DeviceStore(),
  ) {
    this.pageSizeSchema = z.number().int().min(1).max(pagination.maxSize);
  }

  /**
   * The device with `id`, with its user loaded.
   * @throws InputValidationError when `id` is not a UUID; NotFoundError when no such device exists
   */
  async getById(em: EntityManager, id: string): Promise<ManagedDevice> {
    const deviceId = validateInput(deviceIdSchema, id, 'id');
    const device = await this.store.byId(em, deviceId);
    if (!device) throw new NotFoundError('ManagedDevice', deviceId);
    return device;
  }

  /**
   * One page of devices matching `args.filter`, ordered by `args.orderBy` then id (keyset
   * pagination, so pages stay stable while devices enroll). Read-only devices, their users read
   * in the same statement (DeviceStore.page): one statement per page whatever its size.
   * @param selection what the response renders, given the entities' scalar property names and the
   *   sort key's property: only that is read (DeviceStore.page); without it, every column
   * @throws InputValidationError for a page size outside 1..PAGE_SIZE_MAX, an oversized search or a malformed cursor
   */
  async list(
    em: EntityManager,
    args: ManagedDevicesArgs,
    selection?: (properties: PageProperties, orderProperty: string) => DevicePageSelection | null,
  ): Promise<ManagedDeviceConnection> {
    const first = validateInput(this.pageSizeSchema, args.first ?? this.pagination.defaultSize, 'first');
    const filter = args.filter ?? {};
    const search =
      filter.search == null ? undefined : validateInput(searchSchema, filter.search, 'filter.search');
    const orderBy = args.orderBy;
    const {
      devices: nodes,
      hasNextPage,
      totalCount,
    } = await this.store.page(
      em,
      {
        filter,
        search,
        orderBy,
        direction: args.direction === 'ASC' ? 'asc' : 'desc',
        after: args.after ? checkedCursor(args.after, orderBy) : undefined,
        first,
        now: this.clock.now(),
      },
      this.lifecycle,
      selection?.(this.store.propertiesOf(em), orderBy),
    );
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
      totalCount,
    };
  }

  /**
   * The affine user of `device`: the one read with it by `list`, or else its relation (already
   * loaded by `getById` and the enrollment paths, loaded now otherwise); null for userless devices.
   */
  userOf(device: ManagedDevice): User | null | Promise<User | null> {
    const preloaded = this.store.preloadedUserOf(device);
    if (preloaded !== undefined) return preloaded;
    if (!device.user) return null;
    return device.user.isInitialized()
      ? device.user.getEntity()
      : (device.user.load() as Promise<User | null>);
  }
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
