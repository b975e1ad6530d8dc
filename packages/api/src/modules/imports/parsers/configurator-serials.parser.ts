import { CORPORATE_IDENTIFIER_LIMITS, parseCorporateIdentifiers } from './corporate-identifiers.parser.js';
import type { ImportResult } from './import-errors.js';

/**
 * Apple Configurator (Setup Assistant) serial list. Source: Microsoft Intune, "Set up iOS/iPadOS
 * device enrollment with Apple Configurator": a two-column CSV without header, serial number on
 * the left, details on the right, at most 5,000 rows. Intune treats these serials like corporate
 * serial identifiers, so the same rules apply (periods removed, details ≤ 128 characters, 5 MB,
 * the duplicate policy of duplicates.ts); this parser is the `SERIAL` corporate-identifier parser
 * with a Configurator-shaped row.
 */

/** One valid row: `serialNumber` normalized (periods removed, case and inner spaces kept). */
export interface ConfiguratorSerialRow {
  readonly rowNumber: number;
  readonly serialNumber: string;
  readonly details?: string;
}

/** Limits: 5,000 rows (Intune's Configurator doc), 5 MB and 128-character details (shared with corporate identifiers). */
export const CONFIGURATOR_SERIAL_LIMITS = CORPORATE_IDENTIFIER_LIMITS;

/**
 * Parses a Configurator serial list. Errors and notices are those of
 * `parseCorporateIdentifiers(input, 'SERIAL')`, whose row errors name the columns `serial` and `details`.
 */
export function parseConfiguratorSerials(input: string | Uint8Array): ImportResult<ConfiguratorSerialRow> {
  const result = parseCorporateIdentifiers(input, 'SERIAL');
  if (result.kind === 'rejected') return result;
  return {
    kind: 'parsed',
    rows: result.rows.map(({ rowNumber, identifier, details }) => ({
      rowNumber,
      serialNumber: identifier,
      ...(details === undefined ? {} : { details }),
    })),
    errors: result.errors,
    notices: result.notices,
  };
}
