/**
 * The four "<Platform> enrollment methods" tables of Microsoft Intune's "What is device
 * enrollment" (learn.microsoft.com/mem/intune/enrollment/device-enrollment, the 2017 revision the
 * gateway's catalog follows): for each platform and method, whether the device is reset, has
 * user affinity, and is locked. Kept as data here, cells as the document writes them, so the
 * catalog test compares the served catalog against the document's tables and not against the
 * catalog's own source.
 */
export const INTUNE_ENROLLMENT_TABLES: readonly SeedRow[] = [
  row('iOS', 'BYOD', 'No', 'Yes', 'No'),
  row('iOS', 'DEM', 'No', 'No', 'No'),
  row('iOS', 'DEP', 'Yes', 'Optional', 'Optional'),
  row('iOS', 'USB-SA', 'Yes', 'Optional', 'No'),
  row('iOS', 'USB-Direct', 'No', 'No', 'No'),
  row('macOS', 'BYOD', 'No', 'Yes', 'No'),
  row('macOS', 'DEM', 'No', 'No', 'No'),
  row('Windows', 'BYOD', 'No', 'Yes', 'No'),
  row('Windows', 'DEM', 'No', 'No', 'No'),
  row('Windows', 'Auto-enroll', 'No', 'Yes', 'No'),
  row('Windows', 'Bulk enroll', 'No', 'No', 'No'),
  row('Android', 'BYOD', 'No', 'Yes', 'No'),
  row('Android', 'DEM', 'No', 'No', 'No'),
  row('Android', 'Android for Work', 'No', 'Yes', 'No'),
];

/** One data row of the document's tables, cells as the document writes them. */
export interface SeedRow {
  /** The table's platform as its heading names it: iOS, macOS, Windows, Android. */
  platform: string;
  method: string;
  resetRequired: string;
  userAffinity: string;
  locked: string;
}

/** The document's rows in its order (a copy: callers may change it). */
export function readSeedTables(): SeedRow[] {
  return INTUNE_ENROLLMENT_TABLES.map((r) => ({ ...r }));
}

function row(platform: string, method: string, resetRequired: string, userAffinity: string, locked: string) {
  return { platform, method, resetRequired, userAffinity, locked };
}
