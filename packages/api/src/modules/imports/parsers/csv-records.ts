import { parse } from 'csv-parse/sync';
import type { ImportFileError } from './import-errors.js';

/**
 * The one place where CSV text is split into records, with csv-parse (never by hand).
 * Line endings: CRLF, LF and CR are all record delimiters, even mixed in one file (csv-parse's
 * own auto-detection would pick the first one seen and leave stray `\r` in fields). Empty lines
 * and lines whose fields are all empty (e.g. Excel's trailing `,,`) are skipped and not counted.
 */

/** One CSV record: `line` is the 1-based text line where it ends; `fields` are raw, untrimmed. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/**
 * Options of {@link readCsvRecords}.
 * - `headerRows`: records before the data (0 or 1); they do not count towards the limit.
 * - `maxDataRows`: the data-row limit; parsing stops at limit + 1 data rows.
 * - `quotes`: true → RFC 4180 quoting (`"a,b"` is one field); false → `"` is an ordinary
 *   character, so a format that forbids quotes can report them per row.
 */
export interface CsvReadOptions {
  readonly headerRows: 0 | 1;
  readonly maxDataRows: number;
  readonly quotes: boolean;
}

/** Records, or a file error: `MALFORMED_CSV` (with `line`), `TOO_MANY_ROWS`, `EMPTY_FILE`. */
export type CsvRecords =
  | { readonly ok: true; readonly records: CsvRecord[] }
  | { readonly ok: false; readonly error: ImportFileError };

/**
 * Splits `text` (already decoded, see text-decoding.ts) into records. Never throws for bad input.
 * `EMPTY_FILE` when there is no data row after the header rows.
 */
export function readCsvRecords(text: string, options: CsvReadOptions): CsvRecords {
  const limit = options.headerRows + options.maxDataRows;
  // Each record is collected with the line it ends on from csv-parse's typed `on_record` hook
  // (record: the fields, context: the parser's position), which returns null so that parse()
  // itself keeps nothing; `to` still counts every record.
  const parsed: CsvRecord[] = [];
  try {
    parse(text, {
      on_record: (record, context) => {
        parsed.push({ line: context.lines, fields: record });
        return null;
      },
      quote: options.quotes ? '"' : false,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      to: limit + 1,
    });
  } catch (cause) {
    const { message, lines } = cause as { message?: string; lines?: number };
    const error: ImportFileError = {
      code: 'MALFORMED_CSV',
      message: `CSV cannot be read: ${message ?? String(cause)}`,
      ...(typeof lines === 'number' ? { line: lines } : {}),
    };
    return { ok: false, error };
  }
  if (parsed.length > limit) {
    const error: ImportFileError = {
      code: 'TOO_MANY_ROWS',
      message: `File has more than ${options.maxDataRows} rows; split it into files of at most ${options.maxDataRows}`,
      limit: options.maxDataRows,
      actual: options.maxDataRows + 1,
      line: parsed[limit]?.line,
    };
    return { ok: false, error };
  }
  if (parsed.length <= options.headerRows) {
    return { ok: false, error: { code: 'EMPTY_FILE', message: 'File has no data rows' } };
  }
  return { ok: true, records: parsed };
}
