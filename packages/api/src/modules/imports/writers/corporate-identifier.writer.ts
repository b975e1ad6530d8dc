import type { EntityManager } from '@mikro-orm/postgresql';
import { CorporateIdentifierType } from '../../corporate-identifier/corporate-identifier.entity.js';
import type { WriteOutcome } from '../imports.service.js';
import { ImportsStore } from '../imports.store.js';
import { ImportRowOutcome } from '../imports.types.js';
import type { CorporateIdentifierRow } from '../parsers/index.js';

/**
 * Writes corporate identifiers set-based, whatever the number of rows. On a PostgreSQL server a
 * batch of IMEIs none of which is stored is COPied straight into the table (all NEW; see
 * ImportsStore.copyNewImeis). Otherwise the rows are staged in a
 * temporary table (COPY on a PostgreSQL server, PostgreSQL's fastest ingestion path), then ONE
 * statement matches them with the stored identifiers (identity: type, identifier — serials
 * ignoring case —, manufacturer, model), inserts the new ones (enrollmentState `enrolled` when an
 * active device already has the identifier, else `notContacted`), overwrites the changed details
 * when `overwrite` is asked for, and returns the outcome of the rows that matched a stored
 * identifier (every other row is NEW). Details compared exactly (null equals null); a difference
 * is CONFLICTING unless `overwrite`. Runs inside `em.transactional` (the staging table is the
 * transaction's).
 */
export async function writeCorporateIdentifiers(
  tx: EntityManager,
  type: CorporateIdentifierType,
  rows: CorporateIdentifierRow[],
  overwrite: boolean,
  now: Date,
  /** Stage with COPY (a PostgreSQL server); false on the embedded PGlite (see ImportsStore). */
  copy = true,
  store: ImportsStore = new ImportsStore(),
): Promise<WriteOutcome> {
  if (rows.length === 0) return { rows: [] };
  const staged = rows.map((r) => ({
    rowNumber: r.rowNumber,
    identifier: r.identifier,
    details: r.details ?? null,
    manufacturer: r.manufacturer ?? null,
    model: r.model ?? null,
  }));
  // A batch of IMEIs none of which is stored (a new pool of handsets) goes straight into the table.
  const copied = copy && type === CorporateIdentifierType.IMEI;
  if (copied && (await store.copyNewImeis(tx, staged, now)))
    return {
      rows: rows.map((r) => ({ rowNumber: r.rowNumber, key: r.identifier, outcome: ImportRowOutcome.NEW })),
    };
  await store.stageCorporateIdentifiers(tx, staged, copy);
  const matched = await store.mergeStagedCorporateIdentifiers(tx, type, overwrite, now, copied);
  const outcomes = new Map(matched.map((m) => [m.rowNumber, m.outcome]));
  return {
    rows: rows.map((r) => ({
      rowNumber: r.rowNumber,
      key: r.identifier,
      outcome: outcomes.get(r.rowNumber) ?? ImportRowOutcome.NEW,
    })),
  };
}
