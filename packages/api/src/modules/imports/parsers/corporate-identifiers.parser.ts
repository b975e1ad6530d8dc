import { normalizeImei, normalizeSerialNumber } from '../../device/hardware-identifiers.js';
import { canonicalHardwareId, isPlaceholderHardwareId } from '../../device/placeholder-hardware-id.js';
import { readCsvRecords } from './csv-records.js';
import { mergeDuplicates, type KeyedRow } from './duplicates.js';
import {
  byRow,
  rejected,
  type ImportResult,
  type ImportRowError,
  type ImportRowNotice,
} from './import-errors.js';
import { FIVE_MB, decodeImportText } from './text-decoding.js';

/**
 * Intune corporate device identifiers (CSV). Source: Microsoft Intune, "Add corporate identifiers"
 * (samples README, section "Intune corporate device identifiers"): no header row, one identifier
 * type per file, at most 5,000 rows or 5 MB, `identifier,details` with optional details of at most
 * 128 characters for IMEI and serial files, `manufacturer,model,serial` for Windows, periods removed
 * from serial numbers. Standard CSV quoting is accepted (a detail may contain a quoted comma).
 *
 * Files as people export them: a first row of column names (`Serial Number,Details`, `IMEI`,
 * `Manufacturer,Model,Serial Number`) is recognised and skipped with a `HEADER_ROW_SKIPPED`
 * notice; every normalisation of an identifier (periods, separators, surrounding spaces, an
 * added IMEI check digit) is a notice on its row; serial numbers compare case-insensitively
 * (Apple and Android serials are case-insensitive hardware ids; the stored case is the first
 * seen); when a file repeats an identifier its first row wins (Intune's behaviour) and the others
 * get a notice; firmware placeholders (`Default string`, all zeros...) are refused.
 */

/** The identifier type of a file, chosen by the admin at upload like in the Intune portal. */
export type CorporateIdentifierType = 'IMEI' | 'SERIAL' | 'WINDOWS';

/**
 * One valid row. `identifier`: the normalized IMEI (15 digits) or serial (periods removed).
 * `details`: trimmed, absent when empty (IMEI/SERIAL only). `manufacturer`/`model`: trimmed,
 * case kept (WINDOWS only; a Windows identifier matches only when all three match).
 */
export interface CorporateIdentifierRow {
  readonly rowNumber: number;
  readonly identifierType: CorporateIdentifierType;
  readonly identifier: string;
  readonly details?: string;
  readonly manufacturer?: string;
  readonly model?: string;
}

/** Limits: rows and bytes from Intune's doc; 128 characters (code points) for details, manufacturer and model. */
export const CORPORATE_IDENTIFIER_LIMITS = {
  maxRows: 5_000,
  maxBytes: FIVE_MB,
  maxFieldLength: 128,
} as const;

/**
 * Column names a header row may carry, in canonical form (letters and digits, lower case), per
 * column position: Intune's portal template and the names admins type. A first row whose every
 * non-empty field is a name of its position is a header.
 */
const HEADER_NAMES: Record<CorporateIdentifierType, readonly (readonly string[])[]> = {
  IMEI: [
    ['imei', 'imeinumber', 'imeinumbers', 'imei1', 'identifier'],
    ['details', 'description', 'detail'],
  ],
  SERIAL: [
    ['serialnumber', 'serial', 'serialno', 'serialnumbers', 'identifier'],
    ['details', 'description', 'detail'],
  ],
  WINDOWS: [
    ['manufacturer', 'manufacturername'],
    ['model', 'modelname'],
    ['serialnumber', 'serial'],
  ],
};

/** True when the fields are column names (see HEADER_NAMES), never a valid identifier row. */
function isHeaderRow(fields: readonly string[], type: CorporateIdentifierType): boolean {
  const names = HEADER_NAMES[type];
  if (fields.length === 0 || fields.length > names.length) return false;
  if (!names[0]!.includes(canonicalHardwareId(fields[0] ?? ''))) return false;
  return fields.every((f, i) => f.trim() === '' || names[i]!.includes(canonicalHardwareId(f)));
}

/** Notices for each change normalisation made to an identifier (raw → value). */
function normalisationNotices(
  rowNumber: number,
  column: string,
  raw: string,
  value: string,
  type: CorporateIdentifierType,
): ImportRowNotice[] {
  const notices: ImportRowNotice[] = [];
  if (raw !== raw.trim()) {
    notices.push({
      rowNumber,
      column,
      rule: 'IDENTIFIER_TRIMMED',
      message: `spaces around "${raw.trim()}" removed`,
    });
  }
  if (type === 'IMEI') {
    if (/[\s-]/.test(raw.trim())) {
      notices.push({
        rowNumber,
        column,
        rule: 'IMEI_SEPARATORS_REMOVED',
        message: `spaces and dashes removed from IMEI "${raw.trim()}"`,
      });
    }
  } else if (raw.includes('.')) {
    notices.push({
      rowNumber,
      column,
      rule: 'SERIAL_PERIODS_REMOVED',
      message: `periods removed from serial number "${raw.trim()}": ${value}`,
    });
  }
  return notices;
}

const COLUMNS: Record<CorporateIdentifierType, readonly string[]> = {
  IMEI: ['imei', 'details'],
  SERIAL: ['serial', 'details'],
  WINDOWS: ['manufacturer', 'model', 'serial'],
};

/** Length in code points; only counted when the UTF-16 length could exceed the limit. */
const codePoints = (s: string): number =>
  s.length <= CORPORATE_IDENTIFIER_LIMITS.maxFieldLength ? s.length : [...s].length;

/**
 * Parses an Intune corporate-identifier CSV of one `identifierType`.
 * File errors (`rejected`): encoding, > 5 MB (before parsing), > 5,000 rows (parsing stops at row
 * 5,001), malformed CSV, no rows. Row errors: `COLUMN_COUNT`, IMEI/serial rules of
 * hardware-identifiers.ts, `DETAILS_TOO_LONG`, `REQUIRED`/`TOO_LONG` (Windows manufacturer/model),
 * `PLACEHOLDER_IDENTIFIER`. Notices: `HEADER_ROW_SKIPPED`, `IMEI_CHECK_DIGIT_ADDED`,
 * `IMEI_SEPARATORS_REMOVED`, `SERIAL_PERIODS_REMOVED`, `IDENTIFIER_TRIMMED`, `DUPLICATE_IDENTICAL`,
 * `DUPLICATE_IGNORED` (see duplicates.ts, first row wins: the identity is the IMEI / serial
 * ignoring case, or manufacturer+model+serial for Windows, the serial ignoring case).
 */
export function parseCorporateIdentifiers(
  input: string | Uint8Array,
  identifierType: CorporateIdentifierType,
): ImportResult<CorporateIdentifierRow> {
  const decoded = decodeImportText(input, { maxBytes: CORPORATE_IDENTIFIER_LIMITS.maxBytes });
  if (!decoded.ok) return rejected(decoded.error);
  const read = readCsvRecords(decoded.text, {
    headerRows: 0,
    maxDataRows: CORPORATE_IDENTIFIER_LIMITS.maxRows,
    quotes: true,
  });
  if (!read.ok) return rejected(read.error);

  const columns = COLUMNS[identifierType];
  const errors: ImportRowError[] = [];
  const notices: ImportRowNotice[] = [];
  const valid: KeyedRow<CorporateIdentifierRow>[] = [];
  const first = read.records[0];
  for (const { line: rowNumber, fields } of read.records) {
    if (rowNumber === first?.line && isHeaderRow(fields, identifierType)) {
      notices.push({
        rowNumber,
        column: null,
        rule: 'HEADER_ROW_SKIPPED',
        message: `"${fields.join(',')}" is a header row (column names); not imported`,
      });
      continue;
    }
    const rowErrors: ImportRowError[] = [];
    const fieldOk = identifierType === 'WINDOWS' ? fields.length === 3 : fields.length <= 2;
    if (!fieldOk) {
      errors.push({
        rowNumber,
        column: null,
        rule: 'COLUMN_COUNT',
        message: `Row has ${fields.length} fields; a ${identifierType} file has ${columns.join(',')} (quote a detail that contains a comma)`,
      });
      continue;
    }
    const serialIndex = identifierType === 'WINDOWS' ? 2 : 0;
    const idColumn = columns[serialIndex] ?? 'identifier';
    const id =
      identifierType === 'IMEI'
        ? normalizeImei(fields[0] ?? '')
        : normalizeSerialNumber(fields[serialIndex] ?? '');
    if (!id.ok) rowErrors.push({ rowNumber, column: idColumn, rule: id.rule, message: id.message });
    else if (isPlaceholderHardwareId(id.value)) {
      rowErrors.push({
        rowNumber,
        column: idColumn,
        rule: 'PLACEHOLDER_IDENTIFIER',
        message: `"${id.value}" is a firmware placeholder that many devices report, not an identifier of one device`,
      });
    }
    const textField = (index: number, column: string, required: boolean): string | undefined => {
      const value = (fields[index] ?? '').trim();
      const length = codePoints(value);
      if (length > CORPORATE_IDENTIFIER_LIMITS.maxFieldLength) {
        const rule = column === 'details' ? 'DETAILS_TOO_LONG' : 'TOO_LONG';
        rowErrors.push({
          rowNumber,
          column,
          rule,
          message: `${column} has ${length} characters; at most 128`,
        });
      } else if (required && value === '') {
        rowErrors.push({ rowNumber, column, rule: 'REQUIRED', message: `${column} is required` });
      }
      return value === '' ? undefined : value;
    };
    let row: CorporateIdentifierRow;
    if (identifierType === 'WINDOWS') {
      const manufacturer = textField(0, 'manufacturer', true);
      const model = textField(1, 'model', true);
      row = { rowNumber, identifierType, identifier: id.ok ? id.value : '', manufacturer, model };
    } else {
      const details = textField(1, 'details', false);
      row = {
        rowNumber,
        identifierType,
        identifier: id.ok ? id.value : '',
        ...(details === undefined ? {} : { details }),
      };
    }
    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    if (id.ok) {
      notices.push(
        ...normalisationNotices(rowNumber, idColumn, fields[serialIndex] ?? '', id.value, identifierType),
      );
    }
    if (id.ok && id.checkDigitAdded) {
      notices.push({
        rowNumber,
        column: idColumn,
        rule: 'IMEI_CHECK_DIGIT_ADDED',
        message: `14-digit IMEI ${fields[0]?.trim()} completed with its check digit: ${row.identifier}`,
      });
    }
    const key =
      identifierType === 'WINDOWS'
        ? [row.manufacturer, row.model, row.identifier.toUpperCase()].join('\u0000')
        : row.identifier.toUpperCase();
    valid.push({ row, rowNumber, key, fingerprint: row.details ?? '' });
  }
  const label = (key: string): string => key.split('\u0000').join(' / ');
  const merged = mergeDuplicates(valid, identifierType === 'IMEI' ? 'imei' : 'serial', label, 'firstWins');
  return {
    kind: 'parsed',
    rows: merged.rows,
    errors: byRow([...errors, ...merged.errors]),
    notices: byRow([...notices, ...merged.notices]),
  };
}
