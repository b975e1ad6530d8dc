import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The seed document, beside the repository as `../shared/seed/device-enrollment.md`. */
export const seedPath =
  process.env['SEED_PATH'] ??
  fileURLToPath(new URL('../../../../../shared/seed/device-enrollment.md', import.meta.url));

/** One data row of the seed's tables, cells as the seed writes them. */
export interface SeedRow {
  platform: string;
  method: string;
  resetRequired: string;
  userAffinity: string;
  locked: string;
}

/**
 * Reads the four "<Platform> enrollment methods" tables straight from the seed markdown, so the
 * catalog test compares against the document itself and not a copy of it.
 */
export function readSeedTables(): SeedRow[] {
  const rows: SeedRow[] = [];
  let platform: string | undefined;
  for (const line of readFileSync(seedPath, 'utf8').split(/\r?\n/)) {
    const heading = /^## (\S+) enrollment methods/.exec(line);
    if (heading) {
      platform = heading[1];
      continue;
    }
    if (line.startsWith('## ')) platform = undefined;
    if (!platform || !line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.replace(/\*\*|\[|\]\([^)]*\)/g, '').trim());
    const [method, reset, affinity, locked] = cells;
    if (
      !method ||
      method === 'Method' ||
      /^:?-+/.test(method) ||
      !['Yes', 'No', 'Optional'].includes(reset ?? '')
    )
      continue;
    rows.push({ platform, method, resetRequired: reset!, userAffinity: affinity!, locked: locked! });
  }
  return rows;
}
