import { Reference, ReferenceKind, type EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ManagedDevice } from './device.entity.js';

/** Column → property of every persisted ManagedDevice property, from the ORM's metadata (built once). */
let columns: { column: string; property: string; target: EntityMetadata | null; date: boolean }[] | undefined;

/**
 * ManagedDevice objects from rows a hand-written statement returned (`returning *`), WITHOUT
 * registering them in the EntityManager: for results of set-based writes (bulk enrollment)
 * that are read for the response and events and never changed afterwards.
 * Why: `em.map` hydrated and merged 1,000 rows through the unit of work (9 % of a bulk
 * enrollment's CPU) and the closing flush then compared all of them for changes.
 * Many-to-one columns become unloaded references (`Reference.createFromPK`), timestamps Dates.
 */
export function managedDevicesFromRows(
  em: EntityManager,
  rows: readonly Record<string, unknown>[],
): ManagedDevice[] {
  columns ??= Object.values(em.getMetadata().get(ManagedDevice.name).properties)
    .filter(
      (p) =>
        (p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.MANY_TO_ONE) &&
        p.persist !== false &&
        p.fieldNames?.length === 1,
    )
    .map((p) => ({
      column: p.fieldNames[0]!,
      property: p.name,
      target: p.kind === ReferenceKind.MANY_TO_ONE ? p.targetMeta! : null,
      date: p.runtimeType === 'Date',
    }));
  const platform = em.getPlatform();
  return rows.map((row) => {
    const device = new ManagedDevice() as unknown as Record<string, unknown>;
    for (const { column, property, target, date } of columns!) {
      if (!(column in row)) continue;
      const value = row[column];
      // The ORM's driver keeps timestamps as text (it parses them itself): parse them the same way.
      if (date) device[property] = typeof value === 'string' ? platform.parseDate(value) : value;
      else
        device[property] =
          target && value != null ? Reference.createFromPK(target.class, value as string) : value;
    }
    return device as unknown as ManagedDevice;
  });
}
