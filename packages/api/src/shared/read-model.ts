import { ReferenceKind, type EntityMetadata, type EntityProperty } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Read-only instances of an entity class built straight from SQL rows, for pages that are only
 * rendered (a page of 100 devices with their users): no identity map, no change tracking, no
 * per-instance property accessors. Hydrating full entities for such a page cost about a quarter
 * of the gateway's CPU per request (EntityFactory.create, UnitOfWork.register,
 * EntityHelper.ensurePropagation), plus the garbage they leave.
 *
 * The instances are `instanceof` the entity class, so type-graphql's field resolvers take them
 * as they are (it would otherwise build a new entity per field resolver call). MikroORM installs
 * setters on the entity's prototype for every tracked property; an intermediate prototype with
 * plain writable data properties of the same names shadows them, so assigning a value creates an
 * ordinary own property. Never pass these instances to an EntityManager: they are not managed.
 */
export class ReadModel<T extends object> {
  /** `"alias"."column" as "prefix<property>"`, … for the scalar properties. */
  readonly selectList: string;
  private readonly prototype: T;
  private readonly columns: { alias: string; name: string; date: boolean }[];

  /**
   * @param alias the table alias the select list qualifies its columns with
   * @param prefix prefix of the result column names (to tell a joined table's columns apart)
   */
  constructor(meta: EntityMetadata<T>, alias: string, prefix = '') {
    const scalars = (Object.values(meta.properties) as EntityProperty<T>[]).filter(
      (p) => p.kind === ReferenceKind.SCALAR && p.persist !== false && p.fieldNames?.length === 1,
    );
    this.columns = scalars.map((p) => ({
      alias: `${prefix}${p.name}`,
      name: p.name,
      date: p.runtimeType === 'Date' || /timestamp|date/i.test(String(p.type)),
    }));
    this.selectList = scalars
      .map((p, i) => `"${alias}"."${p.fieldNames[0]}" as "${this.columns[i]!.alias}"`)
      .join(', ');
    const shadow: PropertyDescriptorMap = {};
    for (const name of Object.keys(meta.properties))
      shadow[name] = { value: undefined, writable: true, enumerable: false, configurable: true };
    this.prototype = Object.create(meta.prototype as object, shadow) as T;
  }

  /** The read model of `entity` in `em`'s metadata. */
  static of<T extends object>(
    em: EntityManager,
    entity: new () => T,
    alias: string,
    prefix = '',
  ): ReadModel<T> {
    return new ReadModel(em.getMetadata().get<T>(entity.name), alias, prefix);
  }

  /** One read-only instance from a result row (timestamps arrive as text and become Dates). */
  from(row: Record<string, unknown>): T {
    const instance = Object.create(this.prototype) as Record<string, unknown>;
    for (const { alias, name, date } of this.columns) {
      const value = row[alias];
      instance[name] = date && typeof value === 'string' ? new Date(value) : value;
    }
    return instance as T;
  }
}
