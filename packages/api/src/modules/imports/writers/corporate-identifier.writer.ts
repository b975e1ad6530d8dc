import type { EntityManager } from '@mikro-orm/postgresql';
import { CorporateIdentifierType } from '../../corporate-identifier/corporate-identifier.entity.js';
import type { WriteOutcome } from '../imports.service.js';
import { ImportRowOutcome } from '../imports.types.js';
import type { CorporateIdentifierRow } from '../parsers/index.js';
import { stageRows } from '../staging.js';
import { activeDeviceSql } from '../../device/active-device.policy.js';

const ACTIVE = activeDeviceSql('d.management_state');

/**
 * Which active devices carry an identifier of each type, as a row-valued IN list: the planner hashes
 * it once for a large file instead of probing managed_device per row (the SERIAL match has no index
 * on serial_number alone).
 */
const enrolledMatch: Record<CorporateIdentifierType, string> = {
  [CorporateIdentifierType.IMEI]: `s.identifier in (select d.imei from managed_device d where ${ACTIVE} and d.imei is not null)`,
  [CorporateIdentifierType.SERIAL]: `s.identifier in (select d.serial_number from managed_device d where ${ACTIVE} and d.serial_number is not null)`,
  [CorporateIdentifierType.WINDOWS]: `(s.identifier, s.manufacturer, s.model) in (select d.serial_number, d.manufacturer, d.model from managed_device d
     where d.platform = 'WINDOWS' and ${ACTIVE} and d.serial_number is not null)`,
};

/**
 * How a staged identifier matches a stored one. IMEIs are digits; serial numbers (Apple, Android,
 * Windows SMBIOS) are case-insensitive hardware ids, so `c02zx1abmd6t` finds a stored
 * `C02ZX1ABMD6T` (the stored spelling is kept).
 */
const sameIdentifier: Record<CorporateIdentifierType, string> = {
  [CorporateIdentifierType.IMEI]: `c.identifier = s.identifier`,
  [CorporateIdentifierType.SERIAL]: `upper(c.identifier) = upper(s.identifier)`,
  [CorporateIdentifierType.WINDOWS]: `upper(c.identifier) = upper(s.identifier)`,
};

const STAGE_COLUMNS = [
  { name: 'row_number', type: 'int' },
  { name: 'identifier', type: 'text' },
  { name: 'details', type: 'text' },
  { name: 'manufacturer', type: 'text' },
  { name: 'model', type: 'text' },
] as const;

/** Outcome letters of the classifying statement. */
const OUTCOMES: Record<string, ImportRowOutcome> = {
  U: ImportRowOutcome.UNCHANGED,
  O: ImportRowOutcome.OVERWRITTEN,
  C: ImportRowOutcome.CONFLICTING,
};

/**
 * Writes corporate identifiers set-based, whatever the number of rows: the rows are COPYed into a
 * temporary staging table (PostgreSQL's fastest ingestion path), then ONE statement matches them
 * with the stored identifiers (identity: type, identifier — serials ignoring case —, manufacturer, model), inserts the new
 * ones (enrollmentState `enrolled` when an active device already has the identifier, else
 * `notContacted`), overwrites the changed details when `overwrite` is asked for, and returns the
 * outcome of the rows that matched a stored identifier (every other row is NEW). Details compared
 * exactly (null equals null); a difference is CONFLICTING unless `overwrite`.
 */
export async function writeCorporateIdentifiers(
  tx: EntityManager,
  type: CorporateIdentifierType,
  rows: CorporateIdentifierRow[],
  overwrite: boolean,
  now: Date,
  /** Stage with COPY (a PostgreSQL server); false on the embedded PGlite (staging.ts). */
  copy = true,
): Promise<WriteOutcome> {
  if (rows.length === 0) return { rows: [] };
  await stageRows(
    tx,
    'corporate_identifier_stage',
    STAGE_COLUMNS,
    rows.length,
    (i) => {
      const r = rows[i]!;
      return [r.rowNumber, r.identifier, r.details ?? null, r.manufacturer ?? null, r.model ?? null];
    },
    copy,
  );
  // A large batch hashes the stored identifiers of its type: room for it in memory rather than batches on disk.
  if (rows.length > 10_000) await tx.execute(`set local work_mem = '64MB'`);
  const matched = await tx.execute<{ row_number: number; outcome: string }[]>(
    `with matched as materialized (
       select s.row_number, s.identifier, s.details, s.manufacturer, s.model, c.id as stored_id, c.details as stored_details,
              c.id is not null and c.details is distinct from s.details as differs
         from corporate_identifier_stage s
         left join corporate_identifier c
           on c.identifier_type = ? and ${sameIdentifier[type]}
          and coalesce(c.manufacturer, '') = coalesce(s.manufacturer, '') and coalesce(c.model, '') = coalesce(s.model, '')
     ),
     inserted as (
       insert into corporate_identifier (id, identifier_type, identifier, details, manufacturer, model, enrollment_state, created_date_time)
       select gen_random_uuid(), ?, s.identifier, s.details, s.manufacturer, s.model,
              case when ${enrolledMatch[type]} then 'enrolled' else 'notContacted' end, ?
         from matched s where s.stored_id is null
       on conflict do nothing
     ),
     overwritten as (
       update corporate_identifier c set details = m.details from matched m where ?::boolean and m.differs and c.id = m.stored_id
     )
     select row_number, case when not differs then 'U' when ?::boolean then 'O' else 'C' end as outcome
       from matched where stored_id is not null`,
    [type, type, now, overwrite, overwrite],
  );
  const outcomes = new Map(matched.map((m) => [Number(m.row_number), OUTCOMES[m.outcome]!]));
  return {
    rows: rows.map((r) => ({
      rowNumber: r.rowNumber,
      key: r.identifier,
      outcome: outcomes.get(r.rowNumber) ?? ImportRowOutcome.NEW,
    })),
  };
}
