import { z } from 'zod';
import { mergeDuplicates, type KeyedRow } from './duplicates.js';
import { readGraphEnum, type GraphEnumMember, type GraphEnumValue } from './graph-enums.js';
import {
  byRow,
  rejected,
  type ImportResult,
  type ImportRowError,
  type ImportRowNotice,
} from './import-errors.js';
import { parseInstant, type Instant } from './instants.js';
import { decodeImportText } from './text-decoding.js';

/** JSON text of a value with object keys sorted, so two equal records compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Microsoft Graph v1.0 "List managedDevices" responses, `{ "value": [managedDevice, ...] }`, as an
 * import format for fleets leaving Intune. Source: Graph reference and samples README, section
 * "Microsoft Graph managedDevice". Timestamps: {@link Instant} (exact 100-ns ticks + original string;
 * Graph's "never" value `0001-01-01T00:00:00Z` is read as null with a MIN_DATE_AS_NULL notice).
 * Enums: {@link GraphEnumValue}, unknown members never fail. Byte counts: `bigint`, exact; see
 * {@link readByteCount}. `activationLockBypassCode` and the remote-assistance fields are not read
 * (a secret and session data, not inventory). Unlisted properties are ignored.
 */

const STRING_FIELDS = [
  'userId',
  'deviceName',
  'operatingSystem',
  'jailBroken',
  'osVersion',
  'easDeviceId',
  'emailAddress',
  'azureADDeviceId',
  'deviceCategoryDisplayName',
  'userPrincipalName',
  'model',
  'manufacturer',
  'imei',
  'serialNumber',
  'phoneNumber',
  'androidSecurityPatchLevel',
  'userDisplayName',
  'wiFiMacAddress',
  'subscriberCarrier',
  'meid',
  'managedDeviceName',
  'iccid',
  'udid',
  'notes',
  'ethernetMacAddress',
] as const;
const BOOLEAN_FIELDS = [
  'easActivated',
  'azureADRegistered',
  'isSupervised',
  'isEncrypted',
  'requireUserEnrollmentApproval',
] as const;
const TIMESTAMP_FIELDS = [
  'enrolledDateTime',
  'lastSyncDateTime',
  'easActivationDateTime',
  'exchangeLastSuccessfulSyncDateTime',
  'complianceGracePeriodExpirationDateTime',
  'managementCertificateExpirationDate',
] as const;
const ENUM_FIELDS = [
  'managedDeviceOwnerType',
  'complianceState',
  'managementState',
  'managementAgent',
  'deviceEnrollmentType',
  'deviceRegistrationState',
  'exchangeAccessState',
  'exchangeAccessStateReason',
  'partnerReportedThreatState',
] as const;
const BYTE_FIELDS = ['totalStorageSpaceInBytes', 'freeStorageSpaceInBytes', 'physicalMemoryInBytes'] as const;
type EnumField = (typeof ENUM_FIELDS)[number];

/** One entry of `deviceActionResults`. */
export interface GraphDeviceActionResult {
  readonly actionName: string | null;
  readonly actionState: GraphEnumValue<GraphEnumMember<'actionState'>> | null;
  readonly startDateTime: Instant | null;
  readonly lastUpdatedDateTime: Instant | null;
}

/**
 * One managedDevice, named as in Graph. Missing or null properties are null. `rowNumber`: 1-based
 * position in `value`. Byte counts in bytes as bigint (GraphQL layers should send them as strings).
 */
export type GraphManagedDevice = { readonly rowNumber: number; readonly id: string } & {
  readonly [K in (typeof STRING_FIELDS)[number]]: string | null;
} & { readonly [K in (typeof BOOLEAN_FIELDS)[number]]: boolean | null } & {
  readonly [K in (typeof TIMESTAMP_FIELDS)[number]]: Instant | null;
} & { readonly [K in EnumField]: GraphEnumValue<GraphEnumMember<K>> | null } & {
  readonly [K in (typeof BYTE_FIELDS)[number]]: bigint | null;
} & { readonly deviceActionResults: GraphDeviceActionResult[] };

/** Size bound of one response: 20 MiB (project bound; a Graph page holds at most 1,000 devices). */
export const GRAPH_MAX_BYTES = 20 * 1024 * 1024;

const nullish = <T extends z.ZodType>(t: T) => t.nullish();
const deviceSchema = z.object({
  id: z.string().min(1),
  ...Object.fromEntries(STRING_FIELDS.map((k) => [k, nullish(z.string())])),
  ...Object.fromEntries(BOOLEAN_FIELDS.map((k) => [k, nullish(z.boolean())])),
  ...Object.fromEntries([...TIMESTAMP_FIELDS, ...ENUM_FIELDS].map((k) => [k, nullish(z.string())])),
  ...Object.fromEntries(BYTE_FIELDS.map((k) => [k, nullish(z.union([z.number(), z.string()]))])),
  deviceActionResults: nullish(
    z.array(
      z.object({
        actionName: nullish(z.string()),
        actionState: nullish(z.string()),
        startDateTime: nullish(z.string()),
        lastUpdatedDateTime: nullish(z.string()),
      }),
    ),
  ),
});
const pageSchema = z.object({ value: z.array(z.unknown()), '@odata.nextLink': nullish(z.string()) });
const GRAPH_NEVER = parseInstant('0001-01-01T00:00:00Z')?.ticks;

/**
 * Reads a byte count exactly. A JSON number is exact only up to 2^53 − 1 once JSON.parse has read
 * it, so (decision) a number above that fails with `UNSAFE_INTEGER` instead of being rounded, unless
 * the runtime gives JSON.parse revivers the source text (Node ≥ 21), in which case the digits are
 * taken from the source. A string of digits (OData `IEEE754Compatible=true`) is always exact.
 * Returns the bigint, or an error rule and message. Negative and fractional values → `INVALID_VALUE`.
 */
export function readByteCount(
  value: number | string,
): bigint | { rule: 'UNSAFE_INTEGER' | 'INVALID_VALUE'; message: string } {
  if (typeof value === 'string') {
    return /^\d+$/.test(value)
      ? BigInt(value)
      : { rule: 'INVALID_VALUE', message: `"${value}" is not a byte count` };
  }
  if (!Number.isInteger(value) || value < 0)
    return { rule: 'INVALID_VALUE', message: `${value} is not a byte count` };
  if (!Number.isSafeInteger(value)) {
    return {
      rule: 'UNSAFE_INTEGER',
      message: `${value} exceeds 2^53 - 1 and JSON numbers lose digits there; export it as a string`,
    };
  }
  return BigInt(value);
}

const BYTE_KEYS: ReadonlySet<string> = new Set(BYTE_FIELDS);
function keepByteSource(this: unknown, key: string, value: unknown, context?: { source?: unknown }): unknown {
  return typeof value === 'number' && BYTE_KEYS.has(key) && typeof context?.source === 'string'
    ? context.source
    : value;
}

/**
 * Parses a Graph managedDevice list page (JSON text or bytes). Extra result field `nextLink`:
 * `@odata.nextLink` or null. File errors: encoding, > 20 MiB, `MALFORMED_JSON`, `INVALID_DOCUMENT`
 * (no `value` array). Row errors (column = property path): `INVALID_VALUE` (wrong JSON type, no
 * `id`), `INVALID_TIMESTAMP` (see instants.ts), `UNSAFE_INTEGER`, `DUPLICATE_CONFLICT`. Notices:
 * `UNKNOWN_ENUM_VALUE`, `MIN_DATE_AS_NULL`, `DUPLICATE_IDENTICAL`.
 *
 * The same `id` twice (overlapping pages concatenated, a common result of `@odata.nextLink` loops):
 * identical records (same properties and values, in any key order) are one row, later ones noted
 * `DUPLICATE_IDENTICAL`; records that differ are a `DUPLICATE_CONFLICT` on each of their rows and
 * none is imported (duplicates.ts): the file does not say which state is current.
 */
export function parseGraphManagedDevices(
  input: string | Uint8Array,
): ImportResult<GraphManagedDevice, { readonly nextLink: string | null }> {
  const decoded = decodeImportText(input, { maxBytes: GRAPH_MAX_BYTES });
  if (!decoded.ok) return rejected(decoded.error);
  let json: unknown;
  try {
    json = JSON.parse(decoded.text, keepByteSource);
  } catch (cause) {
    return rejected({ code: 'MALFORMED_JSON', message: `Not JSON: ${(cause as Error).message}` });
  }
  const page = pageSchema.safeParse(json);
  if (!page.success)
    return rejected({
      code: 'INVALID_DOCUMENT',
      message: `Not a Graph list response: ${z.prettifyError(page.error)}`,
    });
  const rows: KeyedRow<GraphManagedDevice>[] = [];
  const errors: ImportRowError[] = [];
  const notices: ImportRowNotice[] = [];
  page.data.value.forEach((item, index) => {
    const rowNumber = index + 1;
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
    const d = parsed.data as Record<string, unknown> & z.infer<typeof deviceSchema>;
    const rowErrors: ImportRowError[] = [];
    const rowNotices: ImportRowNotice[] = [];
    const instant = (column: string, raw: unknown): Instant | null => {
      if (typeof raw !== 'string') return null;
      const value = parseInstant(raw);
      if (!value)
        rowErrors.push({
          rowNumber,
          column,
          rule: 'INVALID_TIMESTAMP',
          message: `"${raw}" is not an ISO 8601 timestamp with offset and at most 7 fractional digits`,
        });
      if (value && value.ticks === GRAPH_NEVER) {
        rowNotices.push({
          rowNumber,
          column,
          rule: 'MIN_DATE_AS_NULL',
          message: `${raw} is Graph's "never" value; read as null`,
        });
        return null;
      }
      return value;
    };
    const enumValue = <N extends EnumField | 'actionState'>(column: string, name: N, raw: unknown) => {
      if (typeof raw !== 'string') return null;
      const value = readGraphEnum(name, raw);
      if (!value.recognized)
        rowNotices.push({
          rowNumber,
          column,
          rule: 'UNKNOWN_ENUM_VALUE',
          message: `${name} "${raw}" is not known; kept as unknown`,
        });
      return value;
    };
    const out: Record<string, unknown> = { rowNumber, id: d.id };
    for (const k of STRING_FIELDS) out[k] = d[k] ?? null;
    for (const k of BOOLEAN_FIELDS) out[k] = d[k] ?? null;
    for (const k of TIMESTAMP_FIELDS) out[k] = instant(k, d[k]);
    for (const k of ENUM_FIELDS) out[k] = enumValue(k, k, d[k]);
    for (const k of BYTE_FIELDS) {
      const raw = d[k] as number | string | null | undefined;
      const bytes = raw === null || raw === undefined ? null : readByteCount(raw);
      if (bytes !== null && typeof bytes === 'object') rowErrors.push({ rowNumber, column: k, ...bytes });
      out[k] = typeof bytes === 'bigint' ? bytes : null;
    }
    out.deviceActionResults = (d.deviceActionResults ?? []).map((r, i): GraphDeviceActionResult => ({
      actionName: r.actionName ?? null,
      actionState: enumValue(`deviceActionResults.${i}.actionState`, 'actionState', r.actionState),
      startDateTime: instant(`deviceActionResults.${i}.startDateTime`, r.startDateTime),
      lastUpdatedDateTime: instant(`deviceActionResults.${i}.lastUpdatedDateTime`, r.lastUpdatedDateTime),
    }));
    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      return;
    }
    rows.push({ row: out as GraphManagedDevice, rowNumber, key: d.id, fingerprint: canonicalJson(item) });
    notices.push(...rowNotices);
  });
  const merged = mergeDuplicates(rows, 'id');
  return {
    kind: 'parsed',
    nextLink: page.data['@odata.nextLink'] ?? null,
    rows: merged.rows,
    errors: byRow([...errors, ...merged.errors]),
    notices: byRow([...notices, ...merged.notices]),
  };
}
