import { SERIAL_MAX_LENGTH } from '../../device/hardware-identifiers.js';
import { readCsvRecords } from './csv-records.js';
import { mergeDuplicates, type KeyedRow } from './duplicates.js';
import { byRow, rejected, type ImportResult, type ImportRowError } from './import-errors.js';
import { FIVE_MB, decodeImportText } from './text-decoding.js';

/**
 * Windows Autopilot device list (CSV). Source: Microsoft, "Manually register devices with Windows
 * Autopilot" (samples README, section "Windows Autopilot device list"): exact, case-sensitive header,
 * Group Tag and Assigned User optional, at most 500 rows, no extra columns, no quotation marks,
 * ANSI text only, group tag ≤ 2,048 characters, serials matched exactly (spaces and dashes kept).
 */

/** The five header names, in order. A header is the first 3, 4 or 5 of them. */
export const AUTOPILOT_COLUMNS = [
  'Device Serial Number',
  'Windows Product ID',
  'Hardware Hash',
  'Group Tag',
  'Assigned User',
] as const;

/** Limits: 500 rows and 2,048-character group tag from Microsoft; 5 MB and 128-character serial are project bounds. */
export const AUTOPILOT_LIMITS = {
  maxRows: 500,
  maxBytes: FIVE_MB,
  maxGroupTagLength: 2_048,
  maxSerialLength: SERIAL_MAX_LENGTH,
} as const;

/**
 * One valid device. `serialNumber` is byte-exact (no trimming, no period removal, unlike Intune
 * corporate identifiers). Optional columns are null when absent from the header or empty.
 */
export interface AutopilotDeviceRow {
  readonly rowNumber: number;
  readonly serialNumber: string;
  readonly windowsProductId: string | null;
  readonly hardwareHash: string;
  readonly groupTag: string | null;
  readonly assignedUser: string | null;
}

/**
 * "ANSI text only", defined as: every character must be printable and exist in Windows-1252, i.e.
 * U+0020–U+007E, U+00A0–U+00FF, or one of the 27 characters that Windows-1252 puts at 0x80–0x9F
 * (€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ). Tabs, other control characters and any
 * character outside Windows-1252 (e.g. "Ł", "—" is allowed, "✓" is not) fail with NON_ANSI_CHARACTER.
 */
export const NON_ANSI =
  /[^\x20-\x7E\xA0-\xFF\u20AC\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u017D\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u017E\u0178]/u;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const UPN = /^[^@\s]+@[^@\s]+$/;

/**
 * Parses an Autopilot CSV. Extra result field `columns`: the header form found.
 * File errors: encoding, > 5 MB, > 500 rows, `HEADER_MISMATCH` (a case-only difference is named),
 * malformed CSV, no rows. Row errors (column = header name, or null): first the structural ones,
 * `QUOTES_NOT_ALLOWED`, `NON_ANSI_CHARACTER`, `EXTRA_COLUMNS`, `MISSING_COLUMNS` (every row has
 * exactly the header's field count); only a row without them is checked further: `REQUIRED` (serial, hash), `SERIAL_WHITESPACE` (leading/trailing
 * whitespace: exact matching would make it part of the serial), `SERIAL_TOO_LONG`,
 * `HASH_NOT_BASE64`, `TOO_LONG` (group tag), `INVALID_VALUE` (assigned user not `name@domain`),
 * `DUPLICATE_CONFLICT`. Duplicates are keyed on the exact serial (policy in duplicates.ts).
 */
export function parseAutopilotDevices(
  input: string | Uint8Array,
): ImportResult<AutopilotDeviceRow, { readonly columns: string[] }> {
  const decoded = decodeImportText(input, { maxBytes: AUTOPILOT_LIMITS.maxBytes });
  if (!decoded.ok) return rejected(decoded.error);
  const read = readCsvRecords(decoded.text, {
    headerRows: 1,
    maxDataRows: AUTOPILOT_LIMITS.maxRows,
    quotes: false,
  });
  if (!read.ok) return rejected(read.error);
  const [header, ...records] = read.records;
  const columns = header?.fields ?? [];
  const headerError = checkHeader(columns);
  if (headerError)
    return rejected({ code: 'HEADER_MISMATCH', message: headerError, line: header?.line ?? 1 });

  const errors: ImportRowError[] = [];
  const valid: KeyedRow<AutopilotDeviceRow>[] = [];
  for (const { line: rowNumber, fields } of records) {
    const rowErrors: ImportRowError[] = [];
    const add = (column: string | null, rule: ImportRowError['rule'], message: string): void => {
      rowErrors.push({ rowNumber, column, rule, message });
    };
    fields.forEach((value, i) => {
      const column = columns[i] ?? null;
      if (value.includes('"'))
        add(column, 'QUOTES_NOT_ALLOWED', 'Quotation marks are not allowed in an Autopilot CSV');
      const bad = NON_ANSI.exec(value);
      if (bad)
        add(
          column,
          'NON_ANSI_CHARACTER',
          `Character U+${bad[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')} is not ANSI (Windows-1252) printable text`,
        );
    });
    if (fields.length !== columns.length) {
      const extra = fields.length > columns.length;
      add(
        null,
        extra ? 'EXTRA_COLUMNS' : 'MISSING_COLUMNS',
        `Row has ${fields.length} fields; the header has ${columns.length}${extra ? ' (a comma inside a value?)' : ''}`,
      );
    }
    if (rowErrors.length > 0) {
      // Structural errors: the values may be shifted, so checking their content would only add noise.
      errors.push(...rowErrors);
      continue;
    }
    const at = (i: number): string | null => {
      const value = fields[i];
      return value === undefined || value === '' ? null : value;
    };
    const serial = at(0) ?? '';
    if (serial === '') add(AUTOPILOT_COLUMNS[0], 'REQUIRED', 'Device Serial Number is required');
    else if (serial.trim() !== serial)
      add(
        AUTOPILOT_COLUMNS[0],
        'SERIAL_WHITESPACE',
        'Serial has leading or trailing whitespace; serials are matched exactly',
      );
    else if (serial.length > AUTOPILOT_LIMITS.maxSerialLength)
      add(
        AUTOPILOT_COLUMNS[0],
        'SERIAL_TOO_LONG',
        `Serial has ${serial.length} characters; at most ${AUTOPILOT_LIMITS.maxSerialLength}`,
      );
    const hash = at(2) ?? '';
    if (hash === '') add(AUTOPILOT_COLUMNS[2], 'REQUIRED', 'Hardware Hash is required');
    else if (!BASE64.test(hash) || hash.length % 4 !== 0)
      add(AUTOPILOT_COLUMNS[2], 'HASH_NOT_BASE64', 'Hardware Hash is not base64');
    const groupTag = at(3);
    const tagLength = groupTag === null ? 0 : [...groupTag].length;
    if (tagLength > AUTOPILOT_LIMITS.maxGroupTagLength)
      add(AUTOPILOT_COLUMNS[3], 'TOO_LONG', `Group Tag has ${tagLength} characters; at most 2048`);
    const assignedUser = at(4);
    if (assignedUser !== null && !UPN.test(assignedUser))
      add(AUTOPILOT_COLUMNS[4], 'INVALID_VALUE', 'Assigned User must be a user principal name (name@domain)');
    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    const row: AutopilotDeviceRow = {
      rowNumber,
      serialNumber: serial,
      windowsProductId: at(1),
      hardwareHash: hash,
      groupTag,
      assignedUser,
    };
    const fingerprint = JSON.stringify([row.windowsProductId, hash, groupTag, assignedUser]);
    valid.push({ row, rowNumber, key: serial, fingerprint });
  }
  const merged = mergeDuplicates(valid, AUTOPILOT_COLUMNS[0]);
  return {
    kind: 'parsed',
    columns,
    rows: merged.rows,
    errors: byRow([...errors, ...merged.errors]),
    notices: merged.notices,
  };
}

function checkHeader(fields: readonly string[]): string | null {
  const expected = AUTOPILOT_COLUMNS.slice(0, Math.max(3, Math.min(fields.length, 5)));
  const got = fields.join(',');
  if (fields.length <= 5 && got === expected.join(',')) return null;
  const forms = `"${AUTOPILOT_COLUMNS.join(',')}" (the last one or two columns may be left out)`;
  if (got.toLowerCase() === expected.join(',').toLowerCase()) {
    return `Header "${got}" differs from the expected header only in letter case; it is case-sensitive: ${forms}`;
  }
  return `Header "${got}" is not an Autopilot header; expected ${forms}`;
}
