import { helper, Reference, ReferenceKind } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The database row of a (new, not persisted) entity as a JSON-ready object keyed by column name,
 * from the ORM's metadata: every persisted scalar and many-to-one property (a reference becomes
 * its primary key, a Date its ISO string), except unset properties with a database default. For
 * hand-written inserts ({@link insertRowSql}) that write an entity the unit of work will not flush.
 */
export function rowOf(em: EntityManager, entity: object): Record<string, unknown> {
  const meta = em.getMetadata().get(entity.constructor.name);
  const row: Record<string, unknown> = {};
  const values = entity as Record<string, unknown>;
  for (const prop of meta.props) {
    if (prop.persist === false || prop.fieldNames?.length !== 1) continue;
    if (prop.kind !== ReferenceKind.SCALAR && prop.kind !== ReferenceKind.MANY_TO_ONE) continue;
    let value = values[prop.name];
    // A column the database fills (e.g. created_xid's pg_current_xact_id()) is left out, so its
    // default applies instead of a NULL from the JSON row.
    if (value === undefined && prop.defaultRaw !== undefined) continue;
    if (prop.kind === ReferenceKind.MANY_TO_ONE && value != null)
      value = helper(Reference.unwrapReference(value as object)).getPrimaryKey();
    row[prop.fieldNames[0]!] = value instanceof Date ? value.toISOString() : (value ?? null);
  }
  return row;
}

/**
 * `insert into <table> (<the row's columns>) select <them> from jsonb_populate_record(null::<table>, ?::jsonb)`:
 * one parameter (the row as JSON, from {@link rowOf}) whatever the number of columns; columns the
 * row does not name keep their database defaults. Identifiers come from the ORM's metadata.
 */
export function insertRowSql(em: EntityManager, entityName: string, row: Record<string, unknown>): string {
  const table = em.getMetadata().get(entityName).tableName;
  const columns = Object.keys(row)
    .map((c) => `"${c}"`)
    .join(', ');
  return `insert into "${table}" (${columns}) select ${columns} from jsonb_populate_record(null::"${table}", ?::jsonb)`;
}
