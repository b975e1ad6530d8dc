import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CorporateIdentifierType } from '../../corporate-identifier/corporate-identifier.entity.js';
import type { WriteOutcome } from '../imports.service.js';
import type { CorporateIdentifierRow } from '../parsers/index.js';
import { classify, executeWithRows } from '../set-based.js';

/** Key of an identifier: the value, plus manufacturer and model for Windows triples (matched together). */
const keyOf = (identifier: string, manufacturer: string | null, model: string | null) => `${identifier}\u0000${manufacturer ?? ''}\u0000${model ?? ''}`;

/** Which active device column an identifier of each type matches, to set its enrollmentState on import. */
const enrolledMatch: Record<CorporateIdentifierType, string> = {
  [CorporateIdentifierType.IMEI]: 'd.imei = r.identifier',
  [CorporateIdentifierType.SERIAL]: 'd.serial_number = r.identifier',
  [CorporateIdentifierType.WINDOWS]: `d.platform = 'WINDOWS' and d.serial_number = r.identifier and d.manufacturer = r.manufacturer and d.model = r.model`,
};

/**
 * Writes corporate identifiers set-based: one SELECT of the stored matches, one multi-row INSERT
 * of the new ones (enrollmentState `enrolled` when an active device already has the identifier,
 * else `notContacted`), one UPDATE of those to overwrite. Details compared exactly; a difference
 * is CONFLICTING unless `overwrite`.
 */
export async function writeCorporateIdentifiers(
  tx: EntityManager,
  type: CorporateIdentifierType,
  rows: CorporateIdentifierRow[],
  overwrite: boolean,
  now: Date,
): Promise<WriteOutcome> {
  const input = rows.map((r) => ({
    rowNumber: r.rowNumber,
    identifier: r.identifier,
    details: r.details ?? null,
    manufacturer: r.manufacturer ?? null,
    model: r.model ?? null,
    key: keyOf(r.identifier, r.manufacturer ?? null, r.model ?? null),
    label: r.identifier,
    values: [r.details ?? null],
  }));
  const stored = await executeWithRows<{ id: string; identifier: string; manufacturer: string | null; model: string | null; details: string | null }>(
    tx,
    `select c.id, c.identifier, c.manufacturer, c.model, c.details
       from corporate_identifier c
       join jsonb_to_recordset(?::jsonb) as r(identifier_type text, identifier text, manufacturer text, model text)
         on c.identifier_type = r.identifier_type and c.identifier = r.identifier
        and coalesce(c.manufacturer, '') = coalesce(r.manufacturer, '') and coalesce(c.model, '') = coalesce(r.model, '')`,
    [],
    input.map(({ identifier, manufacturer, model }) => ({ identifier_type: type, identifier, manufacturer, model })),
  );
  const ids = new Map(stored.map((s) => [keyOf(s.identifier, s.manufacturer, s.model), s.id]));
  const { results, fresh, changed } = classify(input, new Map(stored.map((s) => [keyOf(s.identifier, s.manufacturer, s.model), [s.details]])), overwrite);

  await executeWithRows(
    tx,
    `insert into corporate_identifier (id, identifier_type, identifier, details, manufacturer, model, enrollment_state, created_date_time)
     select r.id, ?, r.identifier, r.details, r.manufacturer, r.model,
            case when exists (select 1 from managed_device d where d.management_state not in ('retired', 'wiped') and ${enrolledMatch[type]})
                 then 'enrolled' else 'notContacted' end,
            ?
       from jsonb_to_recordset(?::jsonb) as r(id uuid, identifier text, details text, manufacturer text, model text)
     on conflict do nothing`,
    [type, now],
    fresh.map(({ identifier, details, manufacturer, model }) => ({ id: randomUUID(), identifier, details, manufacturer, model })),
  );
  await executeWithRows(
    tx,
    `update corporate_identifier c set details = r.details from jsonb_to_recordset(?::jsonb) as r(id uuid, details text) where c.id = r.id`,
    [],
    changed.map((r) => ({ id: ids.get(r.key), details: r.details })),
  );
  return { rows: results };
}
