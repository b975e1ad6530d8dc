/**
 * Firmware placeholder hardware identifiers: values that a device reports (or an admin's export
 * carries) in place of a real serial number or IMEI, shared by many unrelated devices, so they
 * must never decide a device's identity or corporate ownership.
 *
 * Source: SMBIOS (DMTF DSP0134) leaves the System (type 1), Baseboard (type 2) and Chassis
 * (type 3) serial-number strings to the board vendor; boards whose OEM never programs them ship
 * the BIOS vendor's defaults (AMI Aptio: "Default string", "To be filled by O.E.M."; Phoenix/Award:
 * "System Serial Number", "Chassis Serial Number", "Not Specified"; hypervisors and white-box
 * machines: "0", "None", "N/A", all zeros). Windows reports these strings as its serial number
 * (Win32_BIOS.SerialNumber), and Intune's and Windows Autopilot's troubleshooting guidance names
 * them as the cause of several devices colliding on one identifier. An all-zero IMEI
 * ("000000000000000", Luhn-valid) is what a modem without a programmed IMEI reports.
 *
 * One rule, used by the corporate-identifier import (refused rows) and by enrollment matching
 * (such a value never matches a corporate identifier). Pure; no I/O.
 */

/**
 * The known placeholder strings, compared in canonical form: letters and digits only,
 * lower case ("To be filled by O.E.M." → "tobefilledbyoem").
 */
export const PLACEHOLDER_HARDWARE_IDS: ReadonlySet<string> = new Set([
  'defaultstring',
  'tobefilledbyoem',
  'tobefilledbyoemtobefilledbyoem',
  'systemserialnumber',
  'chassisserialnumber',
  'baseboardserialnumber',
  'serialnumber',
  'serial',
  'notspecified',
  'notapplicable',
  'notavailable',
  'na',
  'none',
  'null',
  'nil',
  'unknown',
  'invalid',
  'default',
  'oem',
  'empty',
  '0123456789',
  '123456789',
  '1234567890',
  '0123456789abcdef',
]);

/** Letters and digits only, lower case: the form in which placeholders are compared. */
export function canonicalHardwareId(raw: string): string {
  return raw.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * True when `raw` (a serial number or IMEI, as reported or as imported) is a firmware placeholder:
 * - one of {@link PLACEHOLDER_HARDWARE_IDS}, ignoring case, spaces and punctuation
 *   ("TO BE FILLED BY O.E.M.", "Default String", "N/A");
 * - a single character repeated, of any length ("0", "00000000", "XXXXXXXXXX", "FFFFFFFF"):
 *   no vendor issues such a serial, and "0"/all zeros/all X are common unprogrammed defaults;
 * - nothing but punctuation and spaces ("-", "...", "   "): empty once canonical.
 * Case-insensitive; never throws.
 */
export function isPlaceholderHardwareId(raw: string): boolean {
  const canonical = canonicalHardwareId(raw);
  if (canonical.length === 0) return true;
  if (PLACEHOLDER_HARDWARE_IDS.has(canonical)) return true;
  const first = canonical[0];
  return [...canonical].every((c) => c === first);
}
