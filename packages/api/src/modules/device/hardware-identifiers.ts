/**
 * Normalization of the hardware identifiers that decide corporate ownership: IMEI and serial
 * number. Pure functions; no I/O. Source rules: Microsoft Intune, "Add corporate identifiers"
 * (learn.microsoft.com/mem/intune/enrollment/corporate-identifiers-add).
 */

/** Rule names of identifier failures. */
export type IdentifierRule =
  'IMEI_NOT_DIGITS' | 'IMEI_LENGTH' | 'IMEI_CHECK_DIGIT' | 'SERIAL_EMPTY' | 'SERIAL_TOO_LONG';

/**
 * Result of a normalization: the canonical value, or the rule it broke and a message for an admin.
 * `checkDigitAdded` is true only when a 14-digit IMEI was completed with its Luhn digit.
 */
export type IdentifierResult =
  | { readonly ok: true; readonly value: string; readonly checkDigitAdded?: boolean }
  | { readonly ok: false; readonly rule: IdentifierRule; readonly message: string };

/** Maximum serial length, in UTF-16 code units (the same bound as Intune's 128-character fields). */
export const SERIAL_MAX_LENGTH = 128;

const fail = (rule: IdentifierRule, message: string): IdentifierResult => ({ ok: false, rule, message });

/**
 * Luhn check digit (ISO/IEC 7812 mod 10, as used by 3GPP TS 23.003 for IMEIs) of a digit string,
 * usually the 14-digit TAC+SNR body of an IMEI. Returns a single digit 0–9.
 * Throws RangeError when `digits` is empty or contains a non-digit (programming error, not input).
 */
export function luhnCheckDigit(digits14: string): number {
  if (!/^\d+$/.test(digits14)) throw new RangeError('luhnCheckDigit expects a non-empty digit string');
  let sum = 0;
  // Walk from the right: the digit next to the (future) check digit is doubled.
  for (let i = digits14.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits14.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Normalizes an IMEI as typed in an Intune corporate-identifier file.
 * - Whitespace and dashes are removed (`35-209900-176148-1` → `352099001761481`); nothing else is.
 * - Anything but digits then → `IMEI_NOT_DIGITS` (e.g. a spreadsheet's `3.52099E+14`).
 * - 15 digits: the last must be the Luhn check digit of the first 14, else `IMEI_CHECK_DIGIT`.
 * - 14 digits: completed with its Luhn check digit (`checkDigitAdded: true`). Intune's own doc
 *   example (`intune-corpid-imei-doc-example.csv`) lists 14-digit IMEIs, i.e. without the check
 *   digit, and devices report all 15 digits, so the 14-digit form must still match.
 * - Any other length (including empty, or 16-digit IMEISV) → `IMEI_LENGTH`.
 */
/** The value as an error message shows it: quoted, and cut to its first 40 characters when longer. */
function quoted(raw: string): string {
  return raw.length > 40 ? `"${raw.slice(0, 40)}…" (${raw.length} characters)` : `"${raw}"`;
}

export function normalizeImei(raw: string): IdentifierResult {
  const compact = raw.replace(/[\s-]/g, '');
  const shown = quoted(raw);
  if (!/^\d*$/.test(compact)) {
    return fail('IMEI_NOT_DIGITS', `IMEI ${shown} must contain only digits (spaces and dashes are ignored)`);
  }
  if (compact.length === 14) {
    return { ok: true, value: compact + String(luhnCheckDigit(compact)), checkDigitAdded: true };
  }
  if (compact.length !== 15) {
    return fail(
      'IMEI_LENGTH',
      `IMEI ${shown} has ${compact.length} digits; expected 15 (or 14 without check digit)`,
    );
  }
  const expected = luhnCheckDigit(compact.slice(0, 14));
  if (compact.endsWith(String(expected))) return { ok: true, value: compact };
  return fail(
    'IMEI_CHECK_DIGIT',
    `IMEI ${shown} has check digit ${compact[14]}; the Luhn check digit is ${expected}`,
  );
}

/**
 * Normalizes a serial number for Intune corporate identifiers and Apple Configurator lists.
 * - Periods are removed (Intune: "periods are removed from serial numbers"), then leading and
 *   trailing whitespace is trimmed; everything else is kept exactly: case, inner spaces, dashes.
 * - Empty after that → `SERIAL_EMPTY`; longer than {@link SERIAL_MAX_LENGTH} → `SERIAL_TOO_LONG`.
 * Autopilot serials must NOT go through this function: they match exactly (see autopilot.parser.ts).
 */
export function normalizeSerialNumber(raw: string): IdentifierResult {
  const value = raw.replace(/\./g, '').trim();
  if (value.length === 0) return fail('SERIAL_EMPTY', 'Serial number is empty');
  if (value.length > SERIAL_MAX_LENGTH) {
    return fail(
      'SERIAL_TOO_LONG',
      `Serial number has ${value.length} characters; at most ${SERIAL_MAX_LENGTH}`,
    );
  }
  return { ok: true, value };
}
