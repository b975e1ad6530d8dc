import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { InputValidationError } from '../../shared/domain-error.js';
import { textViolations, validateInput } from '../../shared/validation.js';
import type { AppleDevice } from '../apple-enrollment/apple-device.entity.js';
import type { AutopilotDevice } from '../imports/autopilot-device.entity.js';
import type { ImportedDevicesStore, SerialKey, StoredPage } from './imported-devices.store.js';
import type {
  AppleDeviceConnection,
  AppleDevicesArgs,
  AutopilotDeviceConnection,
  AutopilotDevicesArgs,
} from './imported-devices.types.js';

const searchSchema = z.string().trim().min(1).max(128);
const groupTagSchema = z.string().max(2048);
const idSchema = z.string().uuid();

/**
 * What the imports left behind, page by page: the Apple serials (Apple Business Manager / DEP and
 * Apple Configurator lists) and the Windows Autopilot registrations, so a user can see what an
 * import did and which registrations no device has enrolled with yet.
 */
export class ImportedDevicesService {
  private readonly pageSizeSchema: z.ZodNumber;

  constructor(
    private readonly store: ImportedDevicesStore,
    private readonly pagination: { defaultSize: number; maxSize: number },
  ) {
    this.pageSizeSchema = z.number().int().min(1).max(pagination.maxSize);
  }

  /**
   * One page of imported Apple serials, ordered by serial number then id.
   * @throws InputValidationError for a page size outside 1..maxSize, an empty or oversized search, a malformed cursor
   */
  async appleDevices(em: EntityManager, args: AppleDevicesArgs): Promise<AppleDeviceConnection> {
    const first = validateInput(this.pageSizeSchema, args.first ?? this.pagination.defaultSize, 'first');
    const filter = args.filter ?? {};
    const page = await this.store.appleDevices(
      em,
      {
        source: filter.source ?? undefined,
        search:
          filter.search == null ? undefined : validateInput(searchSchema, filter.search, 'filter.search'),
        profileAssigned: filter.profileAssigned ?? undefined,
        enrolled: filter.enrolled ?? undefined,
      },
      decodeCursor(args.after),
      first + 1,
    );
    return connection(page, first, !!args.after);
  }

  /**
   * One page of Autopilot registrations, ordered by serial number then id.
   * @throws InputValidationError for a page size outside 1..maxSize, an empty or oversized search, a malformed cursor
   */
  async autopilotDevices(em: EntityManager, args: AutopilotDevicesArgs): Promise<AutopilotDeviceConnection> {
    const first = validateInput(this.pageSizeSchema, args.first ?? this.pagination.defaultSize, 'first');
    const filter = args.filter ?? {};
    const page = await this.store.autopilotDevices(
      em,
      {
        search:
          filter.search == null ? undefined : validateInput(searchSchema, filter.search, 'filter.search'),
        groupTag:
          filter.groupTag == null
            ? undefined
            : validateInput(groupTagSchema, filter.groupTag, 'filter.groupTag'),
        enrolled: filter.enrolled ?? undefined,
      },
      decodeCursor(args.after),
      first + 1,
    );
    return connection(page, first, !!args.after);
  }
}

function connection<T extends AppleDevice | AutopilotDevice>(
  page: StoredPage<T>,
  first: number,
  hasPreviousPage: boolean,
) {
  const nodes = page.rows.slice(0, first);
  const cursorOf = (node: T) => encodeCursor({ serialNumber: node.serialNumber, id: node.id });
  return {
    edges: nodes.map((node) => ({ node, cursor: cursorOf(node) })),
    pageInfo: {
      hasNextPage: page.rows.length > first,
      hasPreviousPage,
      startCursor: nodes.length ? cursorOf(nodes[0]!) : null,
      endCursor: nodes.length ? cursorOf(nodes.at(-1)!) : null,
    },
    totalCount: page.totalCount,
  };
}

function encodeCursor(key: SerialKey): string {
  return Buffer.from(JSON.stringify([key.serialNumber, key.id])).toString('base64url');
}

/**
 * Accepts only cursors shaped like the ones these lists issue (`[serialNumber, id]`), so a forged
 * or truncated cursor is a typed input error rather than a database error.
 * @throws InputValidationError (field `after`, rule `cursor`)
 */
function decodeCursor(after: string | null | undefined): SerialKey | null {
  if (after == null) return null;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (
    Array.isArray(parts) &&
    parts.length === 2 &&
    typeof parts[0] === 'string' &&
    parts[0].length <= 128 &&
    textViolations(parts[0], 'after').length === 0 &&
    idSchema.safeParse(parts[1]).success
  )
    return { serialNumber: parts[0], id: parts[1] as string };
  throw new InputValidationError([{ field: 'after', rule: 'cursor', message: 'not a cursor of this list' }]);
}
