import { ImportRowOutcome, type ImportRowResult } from './imports.types.js';

/** A parsed row reduced to what comparison needs: its key and the values that may differ. */
export interface Comparable {
  rowNumber: number;
  key: string;
  /** What the result shows as the row's key (default `key`), e.g. the identifier without manufacturer/model. */
  label?: string;
  /** Values compared with the stored record; a difference is an overwrite or a conflict. */
  values: (string | null)[];
}

/**
 * Decides each row's outcome against what is stored (by key): NEW when absent, UNCHANGED when
 * equal, otherwise OVERWRITTEN if `overwrite` else CONFLICTING (overwritten only when asked).
 */
export function classify<T extends Comparable>(
  rows: readonly T[],
  stored: ReadonlyMap<string, (string | null)[]>,
  overwrite: boolean,
): { results: ImportRowResult[]; fresh: T[]; changed: T[] } {
  const results: ImportRowResult[] = [];
  const fresh: T[] = [];
  const changed: T[] = [];
  for (const row of rows) {
    const current = stored.get(row.key);
    let outcome: ImportRowOutcome;
    if (!current) {
      outcome = ImportRowOutcome.NEW;
      fresh.push(row);
    } else if (current.every((v, i) => v === row.values[i])) {
      outcome = ImportRowOutcome.UNCHANGED;
    } else if (overwrite) {
      outcome = ImportRowOutcome.OVERWRITTEN;
      changed.push(row);
    } else {
      outcome = ImportRowOutcome.CONFLICTING;
    }
    results.push({ rowNumber: row.rowNumber, key: row.label ?? row.key, outcome });
  }
  return { results, fresh, changed };
}
