import { Cursor, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { InputValidationError, NotFoundError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import { ManagedDevice } from './device.entity.js';
import { DeviceCertificateFilter, type ManagedDeviceConnection, type ManagedDevicesArgs } from './device.connection.js';
import type { Clock } from '../../shared/clock.js';

/** Device ids are UUIDs; anything else is refused before touching the database. */
export const deviceIdSchema = z.uuid({ error: 'must be a UUID' });

/** Escapes LIKE wildcards so a search for "50%" matches the literal text. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Reads managed devices: single lookups and the paginated, filtered list. */
export class DeviceService {
  constructor(
    private readonly pagination: Config['pagination'],
    private readonly clock: Clock,
    /** Days before expiry at which a certificate counts as expiring (the largest sweeper threshold). */
    private readonly expiringWithinDays: number,
  ) {}

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
    const first = validateInput(
      z.number().int().min(1).max(this.pagination.maxSize),
      args.first ?? this.pagination.defaultSize,
      'first',
    );
    const filter = args.filter ?? {};
    const search = validateInput(z.string().trim().min(1).max(128).optional(), filter.search ?? undefined, 'filter.search');
    const where: FilterQuery<ManagedDevice> = {};
    if (filter.platform) where.platform = filter.platform;
    if (filter.managedDeviceOwnerType) where.managedDeviceOwnerType = filter.managedDeviceOwnerType;
    if (filter.enrollmentMethod) where.enrollmentMethod = filter.enrollmentMethod;
    if (filter.managementState) where.managementState = filter.managementState;
    if (filter.certificateStatus) where.managementCertificateExpirationDate = this.expiryCondition(filter.certificateStatus);
    if (filter.userPrincipalName) where.user = { userPrincipalName: filter.userPrincipalName.toLowerCase() };
    if (search) {
      const like = `%${escapeLike(search)}%`;
      where.$or = [
        { serialNumber: { $ilike: like } },
        { deviceName: { $ilike: like } },
        { imei: { $like: `${escapeLike(search.replace(/[\s-]/g, ''))}%` } },
      ];
    }
    const dir = args.direction === 'ASC' ? 'asc' : 'desc';
    const cursor = await em.findByCursor(ManagedDevice, where, {
      first,
      after: args.after ? checkedCursor(args.after) : undefined,
      orderBy: { [args.orderBy]: dir, id: dir },
      populate: ['user'],
    });
    return {
      edges: cursor.items.map((node) => ({ node, cursor: cursor.from(node) })),
      pageInfo: {
        hasNextPage: cursor.hasNextPage,
        hasPreviousPage: cursor.hasPrevPage,
        startCursor: cursor.startCursor,
        endCursor: cursor.endCursor,
      },
      totalCount: cursor.totalCount,
    };
  }

  /** The expiry range of a certificate status filter, at the clock's now. */
  private expiryCondition(status: DeviceCertificateFilter): null | { $lt?: Date; $gte?: Date; $lte?: Date; $gt?: Date } {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + this.expiringWithinDays * 86_400_000);
    switch (status) {
      case DeviceCertificateFilter.NONE:
        return null;
      case DeviceCertificateFilter.EXPIRED:
        return { $lt: now };
      case DeviceCertificateFilter.EXPIRING:
        return { $gte: now, $lte: horizon };
      case DeviceCertificateFilter.VALID:
        return { $gt: horizon };
    }
  }
}

/**
 * Accepts only cursors shaped like the ones this list issues (`[sortValue, id]`), so a forged
 * or truncated cursor is a typed input error rather than a database error.
 */
function checkedCursor(after: string): string {
  let parts: unknown[] | undefined;
  try {
    parts = Cursor.decode(after);
  } catch {
    parts = undefined;
  }
  const valid =
    Array.isArray(parts) &&
    parts.length === 2 &&
    deviceIdSchema.safeParse(parts[1]).success &&
    (parts[0] === null || typeof parts[0] === 'string' || (parts[0] instanceof Date && !Number.isNaN(parts[0].getTime())));
  if (!valid) {
    throw new InputValidationError([{ field: 'after', rule: 'cursor', message: 'is not a cursor issued by this list' }]);
  }
  return after;
}
