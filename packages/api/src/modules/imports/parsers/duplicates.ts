import type { ImportRowError, ImportRowNotice } from './import-errors.js';

/**
 * Duplicate policy for rows of one file (shared by the Intune, Configurator and Autopilot parsers).
 *
 * Rows are grouped by `key` (the normalized identifier). Within a group:
 * - all rows carry the same data (`fingerprint` equal) → the first is kept, each later one gets a
 *   `DUPLICATE_IDENTICAL` notice naming the first row: re-importing the same line is harmless;
 * - any two rows differ → none is kept and every row of the group gets a `DUPLICATE_CONFLICT`
 *   error listing all its rows: the file does not say which data is meant, and silently taking
 *   the first or the last would be a guess. (An identifier that is already stored with other
 *   details is a different matter: the caller's explicit overwrite decision, per the samples README.)
 *   With `onConflict: 'firstWins'` (Intune's corporate-identifier upload: when a file repeats an
 *   identifier, its first row is imported) the first row is kept instead and each later one gets
 *   a `DUPLICATE_IGNORED` notice naming the row that won.
 */

/** A validated row with its identity (`key`) and the data compared for conflicts (`fingerprint`). */
export interface KeyedRow<R> {
  readonly row: R;
  readonly rowNumber: number;
  readonly key: string;
  readonly fingerprint: string;
}

/** Result of {@link mergeDuplicates}: kept rows in file order, errors and notices in row order. */
export interface MergedRows<R> {
  readonly rows: R[];
  readonly errors: ImportRowError[];
  readonly notices: ImportRowNotice[];
}

/**
 * Applies the policy above. `column` names the identifier column in messages; `label(key)`
 * renders a key for an admin (e.g. the IMEI, or "Microsoft / surface 5 / 0123"); `onConflict`
 * chooses between rejecting a group whose rows differ (default) and keeping its first row.
 * O(n) in the number of rows.
 */
export function mergeDuplicates<R>(
  items: readonly KeyedRow<R>[],
  column: string,
  label: (key: string) => string = (key) => key,
  onConflict: 'reject' | 'firstWins' = 'reject',
): MergedRows<R> {
  const groups = new Map<string, KeyedRow<R>[]>();
  for (const item of items) {
    const group = groups.get(item.key);
    if (group) group.push(item);
    else groups.set(item.key, [item]);
  }
  const kept: KeyedRow<R>[] = [];
  const errors: ImportRowError[] = [];
  const notices: ImportRowNotice[] = [];
  for (const [key, group] of groups) {
    const first = group[0];
    if (!first) continue;
    if (group.every((item) => item.fingerprint === first.fingerprint)) {
      kept.push(first);
      for (const item of group.slice(1)) {
        notices.push({
          rowNumber: item.rowNumber,
          column,
          rule: 'DUPLICATE_IDENTICAL',
          message: `${label(key)} repeats row ${first.rowNumber} with the same data; imported once`,
        });
      }
      continue;
    }
    if (onConflict === 'firstWins') {
      kept.push(first);
      for (const item of group.slice(1)) {
        notices.push({
          rowNumber: item.rowNumber,
          column,
          rule: item.fingerprint === first.fingerprint ? 'DUPLICATE_IDENTICAL' : 'DUPLICATE_IGNORED',
          message:
            item.fingerprint === first.fingerprint
              ? `${label(key)} repeats row ${first.rowNumber} with the same data; imported once`
              : `${label(key)} repeats row ${first.rowNumber} with different data; the first row wins, this one is ignored`,
        });
      }
      continue;
    }
    const rowList = group.map((item) => item.rowNumber).join(', ');
    for (const item of group) {
      errors.push({
        rowNumber: item.rowNumber,
        column,
        rule: 'DUPLICATE_CONFLICT',
        message: `${label(key)} appears on rows ${rowList} with different data; keep one row`,
      });
    }
  }
  kept.sort((a, b) => a.rowNumber - b.rowNumber);
  return { rows: kept.map((item) => item.row), errors, notices };
}
