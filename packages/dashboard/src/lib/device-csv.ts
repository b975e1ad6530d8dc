import type { ManagedDeviceFieldsFragment } from '@mdm/schema';

/** The CSV export's columns: header and value, in order. */
const COLUMNS: [string, (d: ManagedDeviceFieldsFragment) => string | null | undefined][] = [
  ['id', (d) => d.id],
  ['deviceName', (d) => d.deviceName],
  ['platform', (d) => d.platform],
  ['osVersion', (d) => d.osVersion],
  ['serialNumber', (d) => d.serialNumber],
  ['imei', (d) => d.imei],
  ['managedDeviceOwnerType', (d) => d.managedDeviceOwnerType],
  ['enrollmentMethod', (d) => d.enrollmentMethod],
  ['managementState', (d) => d.managementState],
  ['userPrincipalName', (d) => d.userPrincipalName],
  ['enrolledDateTime', (d) => d.enrolledDateTime],
  ['lastSyncDateTime', (d) => d.lastSyncDateTime],
  ['managementCertificateExpirationDate', (d) => d.managementCertificateExpirationDate],
];

/**
 * Devices as RFC 4180 CSV with a header row (csv-stringify, loaded on first use), times in UTC
 * ISO-8601 as the API gives them. Cells that a spreadsheet would run as a formula are prefixed
 * with `'` (OWASP's CSV injection advice), since device names come from devices.
 */
export async function devicesToCsv(devices: readonly ManagedDeviceFieldsFragment[]): Promise<string> {
  const { stringify } = await import('csv-stringify/browser/esm/sync');
  const guard = (value: string | null | undefined) =>
    value && /^[=+\-@\t\r]/.test(value) ? `'${value}` : (value ?? '');
  return stringify([
    COLUMNS.map(([header]) => header),
    ...devices.map((d) => COLUMNS.map(([, get]) => guard(get(d)))),
  ]);
}
