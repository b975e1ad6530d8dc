import { z } from 'zod';
import { rejected, type ImportResult, type ImportRowError, type ImportRowNotice } from './import-errors.js';
import { parseInstant } from './instants.js';
import { FIVE_MB, decodeImportText } from './text-decoding.js';

/**
 * Apple Business Manager / ADE device pages. Source: Apple Device Assignment API, "Get a List of
 * Devices" (`POST /server/devices`) and "Sync the List of Devices" (`POST /devices/sync`); samples
 * README, section "Apple Business Manager". Every device key but `serial_number` may be missing
 * (or null); a missing date is null, never the epoch.
 *
 * Also Apple's "Get Device Details" response (`POST /devices`, DeviceListResponse): `devices` is
 * then an object keyed by serial number, each value a device record with a `response_status`
 * (`SUCCESS`, or `NOT_ACCESSIBLE` for a serial the server token does not own). Only `SUCCESS`
 * records are rows (read like fetch records); every other status is a `DEVICE_NOT_ACCESSIBLE`
 * notice on its row and changes nothing. Row numbers follow the map's order in the document.
 */

/** Apple's profile states, plus `unknown` for a value Apple adds later (original kept in `profileStatusRaw`). */
export type AbmProfileStatus = 'empty' | 'assigned' | 'pushed' | 'removed' | 'unknown';
/** Sync operation. Fetch records carry none and are read as `added`. */
export type AbmOpType = 'added' | 'modified' | 'deleted';

/**
 * One device record. `position`: 0-based index in the page's `devices` array. Dates are Dates
 * (Apple sends whole seconds) or null when missing/null/"". `profileStatus`: null when the key is
 * missing or null (e.g. a `deleted` sync record), `'empty'` for `""` (seen in practice; noted);
 * `profileStatusRaw`: the string exactly as sent, or null.
 */
export interface AbmDevice {
  readonly position: number;
  readonly serialNumber: string;
  readonly model: string | null;
  readonly description: string | null;
  readonly color: string | null;
  readonly os: string | null;
  readonly deviceFamily: string | null;
  readonly profileUuid: string | null;
  readonly profileStatus: AbmProfileStatus | null;
  readonly profileStatusRaw: string | null;
  readonly profileAssignTime: Date | null;
  readonly profilePushTime: Date | null;
  readonly deviceAssignedBy: string | null;
  readonly deviceAssignedDate: Date | null;
  readonly opType: AbmOpType;
  readonly opDate: Date | null;
}

/** Page data besides the devices. `moreToFollow` is false when the key is missing. */
export interface AbmPageInfo {
  readonly cursor: string | null;
  readonly fetchedUntil: Date | null;
  readonly moreToFollow: boolean;
}

/** Size bound of one page: 5 MiB (project bound; Apple pages hold at most 1,000 devices). */
export const ABM_MAX_BYTES = FIVE_MB;

const text = z.string().nullish();
const deviceSchema = z.object({
  serial_number: z.string().min(1),
  model: text,
  description: text,
  color: text,
  os: text,
  device_family: text,
  profile_uuid: text,
  profile_status: text,
  profile_assign_time: text,
  profile_push_time: text,
  device_assigned_by: text,
  device_assigned_date: text,
  op_type: text,
  op_date: text,
});
const detailsStatusSchema = z.object({ response_status: z.string().nullish() });
const pageSchema = z.object({
  devices: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]),
  cursor: text,
  fetched_until: text,
  more_to_follow: z.boolean().nullish(),
});
const STATUSES: readonly string[] = ['empty', 'assigned', 'pushed', 'removed'];
const OP_TYPES: readonly string[] = ['added', 'modified', 'deleted'];
const DATE_KEYS = ['profile_assign_time', 'profile_push_time', 'device_assigned_date', 'op_date'] as const;

/**
 * Parses one fetch or sync page, or a device details response (JSON text or bytes). File errors:
 * encoding, size, `MALFORMED_JSON`, `INVALID_DOCUMENT` (no `devices` array or map, wrong page key
 * types, unreadable `fetched_until`). Row errors (rowNumber = position + 1, column = JSON key):
 * `INVALID_VALUE` (zod: missing/empty serial, wrong type), `INVALID_DATE`, `UNKNOWN_OP_TYPE`,
 * `SERIAL_MISMATCH` (details: key and `serial_number` differ). Notices: `PROFILE_STATUS_BLANK` for
 * `""`, `UNKNOWN_ENUM_VALUE` for an unknown status, `DEVICE_NOT_ACCESSIBLE` (details).
 */
export function parseAbmDevicesPage(input: string | Uint8Array): ImportResult<AbmDevice, AbmPageInfo> {
  const decoded = decodeImportText(input, { maxBytes: ABM_MAX_BYTES });
  if (!decoded.ok) return rejected(decoded.error);
  let json: unknown;
  try {
    json = JSON.parse(decoded.text);
  } catch (cause) {
    return rejected({ code: 'MALFORMED_JSON', message: `Not JSON: ${(cause as Error).message}` });
  }
  const page = pageSchema.safeParse(json);
  if (!page.success) {
    return rejected({
      code: 'INVALID_DOCUMENT',
      message: `Not an Apple device page: ${z.prettifyError(page.error)}`,
    });
  }
  const fetchedUntil = page.data.fetched_until ? parseInstant(page.data.fetched_until) : null;
  if (page.data.fetched_until && !fetchedUntil) {
    return rejected({
      code: 'INVALID_DOCUMENT',
      message: `fetched_until "${page.data.fetched_until}" is not a date`,
    });
  }
  const rows: AbmDevice[] = [];
  const errors: ImportRowError[] = [];
  const notices: ImportRowNotice[] = [];
  const items: { key: string | null; item: unknown }[] = Array.isArray(page.data.devices)
    ? page.data.devices.map((item) => ({ key: null, item }))
    : Object.entries(page.data.devices).map(([key, item]) => ({ key, item }));
  items.forEach(({ key, item }, position) => {
    const rowNumber = position + 1;
    if (key !== null) {
      const status = detailsStatusSchema.safeParse(item);
      const responseStatus = status.success ? (status.data.response_status ?? 'SUCCESS') : 'SUCCESS';
      if (responseStatus !== 'SUCCESS') {
        notices.push({
          rowNumber,
          column: 'response_status',
          rule: 'DEVICE_NOT_ACCESSIBLE',
          message: `Apple answered ${responseStatus} for serial ${key}; nothing changed for it`,
        });
        return;
      }
      if (item !== null && typeof item === 'object' && !('serial_number' in item)) {
        item = { ...item, serial_number: key };
      }
    }
    const parsed = deviceSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({
          rowNumber,
          column: issue.path.join('.') || null,
          rule: 'INVALID_VALUE',
          message: issue.message,
        });
      }
      return;
    }
    const d = parsed.data;
    const rowErrors: ImportRowError[] = [];
    if (key !== null && d.serial_number !== key) {
      rowErrors.push({
        rowNumber,
        column: 'serial_number',
        rule: 'SERIAL_MISMATCH',
        message: `serial_number "${d.serial_number}" differs from its key "${key}"`,
      });
    }
    const dates = {} as Record<(typeof DATE_KEYS)[number], Date | null>;
    for (const key of DATE_KEYS) {
      const raw = d[key];
      const instant = raw ? parseInstant(raw) : null;
      if (raw && !instant)
        rowErrors.push({
          rowNumber,
          column: key,
          rule: 'INVALID_DATE',
          message: `"${raw}" is not an ISO 8601 date-time with offset`,
        });
      dates[key] = instant?.date ?? null;
    }
    const opType = d.op_type ?? 'added';
    if (!OP_TYPES.includes(opType)) {
      rowErrors.push({
        rowNumber,
        column: 'op_type',
        rule: 'UNKNOWN_OP_TYPE',
        message: `op_type "${opType}" is not added, modified or deleted`,
      });
    }
    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      return;
    }
    const rawStatus = d.profile_status ?? null;
    let profileStatus: AbmProfileStatus | null = null;
    if (rawStatus === '') {
      profileStatus = 'empty';
      notices.push({
        rowNumber,
        column: 'profile_status',
        rule: 'PROFILE_STATUS_BLANK',
        message: 'profile_status "" read as "empty"',
      });
    } else if (rawStatus !== null) {
      profileStatus = STATUSES.includes(rawStatus) ? (rawStatus as AbmProfileStatus) : 'unknown';
      if (profileStatus === 'unknown') {
        notices.push({
          rowNumber,
          column: 'profile_status',
          rule: 'UNKNOWN_ENUM_VALUE',
          message: `profile_status "${rawStatus}" kept as unknown`,
        });
      }
    }
    rows.push({
      position,
      serialNumber: d.serial_number,
      model: d.model ?? null,
      description: d.description ?? null,
      color: d.color ?? null,
      os: d.os ?? null,
      deviceFamily: d.device_family ?? null,
      profileUuid: d.profile_uuid ?? null,
      profileStatus,
      profileStatusRaw: rawStatus,
      profileAssignTime: dates.profile_assign_time,
      profilePushTime: dates.profile_push_time,
      deviceAssignedBy: d.device_assigned_by ?? null,
      deviceAssignedDate: dates.device_assigned_date,
      opType: opType as AbmOpType,
      opDate: dates.op_date,
    });
  });
  const info: AbmPageInfo = {
    cursor: page.data.cursor ?? null,
    fetchedUntil: fetchedUntil?.date ?? null,
    moreToFollow: page.data.more_to_follow ?? false,
  };
  return { kind: 'parsed', ...info, rows, errors, notices };
}

/**
 * Reduces sync records to one per serial: the record with the latest `opDate` wins, whatever its
 * position (Apple's rule). Ties: the later index in `devices` wins (the array is Apple's order;
 * pass pages concatenated in the order received). A null `opDate` (fetch record) is older than
 * any date. Output: the winners, ordered by the first appearance of their serial. Idempotent:
 * `reduceAbmSync([...page, ...page])` equals `reduceAbmSync(page)`. A winner with `opType:
 * 'deleted'` means the device left the organization; the caller applies it.
 */
export function reduceAbmSync(devices: readonly AbmDevice[]): AbmDevice[] {
  const winners = new Map<string, AbmDevice>();
  for (const device of devices) {
    const current = winners.get(device.serialNumber);
    const time = (d: AbmDevice): number => d.opDate?.getTime() ?? Number.NEGATIVE_INFINITY;
    if (!current || time(device) >= time(current)) winners.set(device.serialNumber, device);
  }
  return [...winners.values()];
}
