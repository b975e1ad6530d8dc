import {
  helper,
  Reference,
  ReferenceKind,
  type EntityMetadata,
  type EntityProperty,
  type Platform,
} from '@mikro-orm/core';
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

/** A timestamp as the driver returned it (text, as the ORM's type parsers leave it) as a Date. */
export function dateOf(platform: Platform, value: unknown): Date {
  return value instanceof Date ? value : (platform.parseDate(value as string) as Date);
}

/** A timestamp as PostgreSQL writes it in a UTC session, years 0000-9999 (fraction up to microseconds). */
const PG_UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

/**
 * A timestamp as the driver returned it, for a response only: PostgreSQL's UTC text (years
 * 0000-9999) rewritten, without building a Date, into exactly what `Date.prototype.toJSON` writes
 * for the Date {@link dateOf} makes of it (the fraction truncated to milliseconds, as that Date
 * is); any other form as that Date.
 */
export function isoTextOf(platform: Platform, value: unknown): string | Date {
  const match = typeof value === 'string' ? PG_UTC_TIMESTAMP.exec(value) : null;
  if (!match) return dateOf(platform, value);
  return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

/** A column the row mapper reads: its result key, its property, how its value is mapped. */
interface Column {
  key: string;
  name: string;
  date: boolean;
  /** A timestamp read as its ISO 8601 text ({@link isoTextOf}) rather than a Date where it can be. */
  text?: boolean;
  /** The entity a many-to-one column refers to (its value becomes an unloaded reference). */
  target: EntityMetadata | null;
}

/** Distinct property lists {@link EntityRows.pick} keeps mappers for (more are built per call). */
const MAX_PICKS = 64;

/** A mapper of some of an entity's scalar properties ({@link EntityRows.pick}). */
export interface PickedRows<T> {
  /** The picked columns as {@link EntityRows.selectList} writes them; '' when none was picked. */
  readonly selectList: string;
  /** One read-only instance with only the picked properties set. */
  from(row: Record<string, unknown>): T;
}

/**
 * The one row mapper of the stores: read-only entity instances (a page's devices, the users
 * joined to them, their certificates) straight from the rows of a store's statements, keyed by
 * column name (with a prefix for a joined table). Not MikroORM's virtual entities, which the device page was
 * measured with: a virtual entity cannot hold the device's many-to-one user, and `em.find` on one
 * hydrates every row through the EntityFactory, which is what this mapper exists to avoid (full
 * hydration of a 100-device page cost about a quarter of the gateway's CPU per request:
 * EntityFactory.create, UnitOfWork.register, EntityHelper.ensurePropagation).
 *
 * The instances are `instanceof` the entity class, so type-graphql's field resolvers take them
 * as they are (it would otherwise build a new entity per field resolver call). MikroORM installs
 * accessors on the entity's prototype for tracked properties; an intermediate prototype with
 * plain writable data properties of the same names shadows them, so assigning a value creates an
 * ordinary own property. They are never passed to an EntityManager: they are not managed.
 */
export class EntityRows<T extends object> {
  /** `"alias"."column"` (as `"prefix<column>"` with a prefix), … for the scalar properties. */
  readonly selectList: string;
  private readonly prototype: T;
  /** Every persisted scalar and single-column many-to-one property, for rows of `returning *`. */
  private readonly columns: Column[];
  /** The scalar columns of {@link selectList}: present in every row of the store's selects. */
  private readonly selected: Column[];
  /** Result key → its select-list entry, for the scalar columns. */
  private readonly qualified = new Map<string, string>();
  /** The mappers {@link pick} built, by their joined property names. */
  private readonly picks = new Map<string, PickedRows<T>>();

  constructor(
    meta: EntityMetadata<T>,
    private readonly platform: Platform,
    alias: string,
    prefix = '',
  ) {
    const mapped = (Object.values(meta.properties) as EntityProperty<T>[]).filter(
      (p) =>
        (p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.MANY_TO_ONE) &&
        p.persist !== false &&
        p.fieldNames?.length === 1,
    );
    this.columns = mapped.map((p) => ({
      key: `${prefix}${p.fieldNames[0]}`,
      name: p.name,
      date: p.runtimeType === 'Date' || /timestamp|date/i.test(String(p.type)),
      target: p.kind === ReferenceKind.MANY_TO_ONE ? p.targetMeta! : null,
    }));
    // Only scalars are selected: a page renders the user it joins, never a reference.
    this.selected = this.columns.filter((c) => c.target === null);
    for (const p of mapped) {
      if (p.kind !== ReferenceKind.SCALAR) continue;
      const column = p.fieldNames[0]!;
      this.qualified.set(
        `${prefix}${column}`,
        prefix ? `"${alias}"."${column}" as "${prefix}${column}"` : `"${alias}"."${column}"`,
      );
    }
    this.selectList = [...this.qualified.values()].join(', ');
    const shadow: PropertyDescriptorMap = {};
    for (const name of Object.keys(meta.properties))
      shadow[name] = { value: undefined, writable: true, enumerable: false, configurable: true };
    this.prototype = Object.create(meta.prototype as object, shadow) as T;
  }

  /** The row mapper of `entity` in `em`'s metadata, its columns qualified with `alias` (and result keys prefixed with `prefix`). */
  static of<T extends object>(
    em: EntityManager,
    entity: new () => T,
    alias: string,
    prefix = '',
  ): EntityRows<T> {
    return new EntityRows(em.getMetadata().get<T>(entity.name), em.getPlatform(), alias, prefix);
  }

  /** One read-only instance from a row of a statement that selected {@link selectList} (the page's hot path). */
  from(row: Record<string, unknown>): T {
    return this.mapSelected(this.selected, row);
  }

  /**
   * The mapper of only the scalar properties `names` (property names; any others are ignored): a
   * statement that selects its `selectList` reads and parses only the columns a response needs,
   * and its `from` sets only those properties (the others stay undefined). Built once per list
   * of names (clients send a few documents over and over); at most {@link MAX_PICKS} are kept.
   * @param asText properties whose timestamps are only rendered, never read as Dates: they are set
   *   to their ISO 8601 text where they can be ({@link isoTextOf}), which the DateTime scalar
   *   writes as it is (a Date costs its parse and, in the response's JSON.stringify, a `toJSON`)
   */
  pick(names: readonly string[], asText: readonly string[] = []): PickedRows<T> {
    const key = `${names.join(',')};${asText.join(',')}`;
    let picked = this.picks.get(key);
    if (!picked) {
      const wanted = new Set(names);
      const text = new Set(asText);
      const columns = this.selected
        .filter((c) => wanted.has(c.name))
        .map((c) => (c.date && text.has(c.name) ? { ...c, date: false, text: true } : c));
      picked = {
        selectList: columns.map((c) => this.qualified.get(c.key)!).join(', '),
        from: (row) => this.mapSelected(columns, row),
      };
      if (this.picks.size < MAX_PICKS) this.picks.set(key, picked);
    }
    return picked;
  }

  private mapSelected(columns: readonly Column[], row: Record<string, unknown>): T {
    const instance: Record<string, unknown> = Object.create(this.prototype);
    for (const { key, name, date, text } of columns) {
      const value = row[key];
      instance[name] =
        value == null
          ? value
          : date
            ? dateOf(this.platform, value)
            : text
              ? isoTextOf(this.platform, value)
              : value;
    }
    return instance as T;
  }

  /**
   * One read-only instance from a row of `returning *` (or any subset of the table's columns):
   * columns the row lacks stay undefined, many-to-one columns become unloaded references.
   */
  fromReturned(row: Record<string, unknown>): T {
    const instance: Record<string, unknown> = Object.create(this.prototype);
    for (const { key, name, date, target } of this.columns) {
      if (!(key in row)) continue;
      const value = row[key];
      if (value == null) instance[name] = value;
      else if (date) instance[name] = dateOf(this.platform, value);
      else if (target) instance[name] = Reference.createFromPK(target.class, value as string);
      else instance[name] = value;
    }
    return instance as T;
  }
}
