/**
 * Typed outcomes shared by every import parser in this folder.
 *
 * Two levels of failure, never mixed:
 * - a {@link ImportFileError} rejects the whole file (wrong encoding, too large, too many rows,
 *   malformed CSV/JSON, wrong header): the result is `{ kind: 'rejected' }` and carries no rows;
 * - a {@link ImportRowIssue} concerns one row (CSV line or JSON array element): rows with an error
 *   are left out of `rows`, every other row is kept, and the caller decides whether a file with
 *   row errors is imported partially or refused.
 * Notices are row issues that are not errors (a duplicate that was merged, a value that was
 * completed or mapped); their row is kept unless another rule also failed on it (e.g. a completed IMEI
 * that is then part of a DUPLICATE_CONFLICT).
 */

/**
 * Why a whole file was rejected.
 * - `UNSUPPORTED_ENCODING`: UTF-16/UTF-32, NUL bytes, invalid UTF-8, or a lossily decoded string.
 * - `FILE_TOO_LARGE`: more bytes (UTF-8) than the format's limit; checked before any parsing.
 * - `TOO_MANY_ROWS`: more data rows than the format's limit (header not counted).
 * - `EMPTY_FILE`: no data row at all.
 * - `MALFORMED_CSV` / `MALFORMED_JSON`: the text is not CSV / JSON (e.g. an unclosed quote).
 * - `HEADER_MISMATCH`: the Autopilot header is not one of the exact, case-sensitive forms.
 * - `INVALID_DOCUMENT`: the JSON parses but its envelope (`devices`, `value`, ...) has the wrong shape.
 */
export type ImportFileErrorCode =
  | 'UNSUPPORTED_ENCODING'
  | 'FILE_TOO_LARGE'
  | 'TOO_MANY_ROWS'
  | 'EMPTY_FILE'
  | 'MALFORMED_CSV'
  | 'MALFORMED_JSON'
  | 'HEADER_MISMATCH'
  | 'INVALID_DOCUMENT';

/**
 * A whole-file rejection. `line` is the 1-based text line where known; `limit`/`actual` are set
 * for the limit codes (bytes for FILE_TOO_LARGE, data rows for TOO_MANY_ROWS; `actual` is then a
 * lower bound, since parsing stops at limit + 1).
 */
export interface ImportFileError {
  readonly code: ImportFileErrorCode;
  readonly message: string;
  readonly line?: number;
  readonly limit?: number;
  readonly actual?: number;
}

/**
 * Rule names used in row errors. Identifier rules come from hardware-identifiers.ts; the others:
 * `COLUMN_COUNT` (Intune CSV: wrong number of fields), `EXTRA_COLUMNS`/`MISSING_COLUMNS` (Autopilot),
 * `REQUIRED`, `TOO_LONG`, `DETAILS_TOO_LONG` (> 128 chars), `DUPLICATE_CONFLICT` (same identifier,
 * different data), `QUOTES_NOT_ALLOWED` and `NON_ANSI_CHARACTER` (Autopilot), `SERIAL_WHITESPACE`,
 * `HASH_NOT_BASE64`, `INVALID_DATE`, `INVALID_TIMESTAMP`, `INVALID_VALUE`, `UNSAFE_INTEGER`,
 * `UNKNOWN_OP_TYPE`, `PLACEHOLDER_IDENTIFIER` (a firmware placeholder such as "Default string",
 * see placeholder-hardware-id.ts), `SERIAL_MISMATCH` (ABM device details: the map key and the
 * record's `serial_number` differ).
 */
export type RowErrorRule =
  | 'IMEI_NOT_DIGITS'
  | 'IMEI_LENGTH'
  | 'IMEI_CHECK_DIGIT'
  | 'SERIAL_EMPTY'
  | 'SERIAL_TOO_LONG'
  | 'COLUMN_COUNT'
  | 'EXTRA_COLUMNS'
  | 'MISSING_COLUMNS'
  | 'REQUIRED'
  | 'TOO_LONG'
  | 'DETAILS_TOO_LONG'
  | 'DUPLICATE_CONFLICT'
  | 'QUOTES_NOT_ALLOWED'
  | 'NON_ANSI_CHARACTER'
  | 'SERIAL_WHITESPACE'
  | 'HASH_NOT_BASE64'
  | 'INVALID_DATE'
  | 'INVALID_TIMESTAMP'
  | 'INVALID_VALUE'
  | 'UNSAFE_INTEGER'
  | 'UNKNOWN_OP_TYPE'
  | 'PLACEHOLDER_IDENTIFIER'
  | 'SERIAL_MISMATCH';

/**
 * Rule names used in notices (row kept): `DUPLICATE_IDENTICAL` (a repeated, identical row was
 * merged into its first occurrence), `IMEI_CHECK_DIGIT_ADDED` (14-digit IMEI completed),
 * `PROFILE_STATUS_BLANK` (ABM `""` read as `empty`), `UNKNOWN_ENUM_VALUE` (Graph enum kept as
 * `unknown` with its original), `MIN_DATE_AS_NULL` (Graph `0001-01-01T00:00:00Z` read as null),
 * `DUPLICATE_IGNORED` (a later row of an identifier with other data; the first row won),
 * `HEADER_ROW_SKIPPED` (a header row was recognised and not imported), `SERIAL_PERIODS_REMOVED`,
 * `IMEI_SEPARATORS_REMOVED` and `IDENTIFIER_TRIMMED` (the identifier was normalised),
 * `DEVICE_NOT_ACCESSIBLE` (ABM device details: Apple answered with a `response_status` other than
 * `SUCCESS`; the serial was left alone). A notice on a row that is not kept is named so (ABM).
 */
export type RowNoticeRule =
  | 'DUPLICATE_IDENTICAL'
  | 'IMEI_CHECK_DIGIT_ADDED'
  | 'PROFILE_STATUS_BLANK'
  | 'UNKNOWN_ENUM_VALUE'
  | 'MIN_DATE_AS_NULL'
  | 'DUPLICATE_IGNORED'
  | 'HEADER_ROW_SKIPPED'
  | 'SERIAL_PERIODS_REMOVED'
  | 'IMEI_SEPARATORS_REMOVED'
  | 'IDENTIFIER_TRIMMED'
  | 'DEVICE_NOT_ACCESSIBLE';

/**
 * One problem or note about one row. `rowNumber` is the 1-based line of the CSV text (the
 * Autopilot header is line 1, so its first device is row 2) or the 1-based position in a JSON
 * array. `column` is the CSV column name / JSON key, or null when the whole row is concerned.
 */
export interface ImportRowIssue<R extends string = RowErrorRule | RowNoticeRule> {
  readonly rowNumber: number;
  readonly column: string | null;
  readonly rule: R;
  readonly message: string;
}

/** A row error (the row is left out of `rows`). */
export type ImportRowError = ImportRowIssue<RowErrorRule>;
/** A row notice (the row is kept). */
export type ImportRowNotice = ImportRowIssue<RowNoticeRule>;

/**
 * What every parser returns. `parsed`: the file was read; `rows` holds the valid rows in file
 * order, `errors` and `notices` are in row order. `rejected`: nothing was imported; see `error`.
 * `Extra` carries format-specific page data (ABM cursor, Graph nextLink, Autopilot columns).
 */
export type ImportResult<Row, Extra extends object = object> =
  | ({
      readonly kind: 'parsed';
      readonly rows: Row[];
      readonly errors: ImportRowError[];
      readonly notices: ImportRowNotice[];
    } & Extra)
  | { readonly kind: 'rejected'; readonly error: ImportFileError };

/** Builds a `rejected` result from a file error. */
export function rejected(error: ImportFileError): { kind: 'rejected'; error: ImportFileError } {
  return { kind: 'rejected', error };
}

/** Orders issues by row number, keeping insertion order within a row (Array.prototype.sort is stable). */
export function byRow<I extends { rowNumber: number }>(issues: I[]): I[] {
  return issues.sort((a, b) => a.rowNumber - b.rowNumber);
}
