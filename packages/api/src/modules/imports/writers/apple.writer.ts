import type { EntityManager } from '@mikro-orm/postgresql';
import type { WriteOutcome } from '../imports.service.js';
import { ImportRowOutcome, type ImportRowResult } from '../imports.types.js';
import { reduceAbmSync, type AbmDevice, type ConfiguratorSerialRow } from '../parsers/index.js';
import { ImportsStore } from '../imports.store.js';
import { classify } from '../set-based.js';

/**
 * Applies an ABM fetch/sync page (Apple's Device Assignment API) set-based:
 * - per serial, the record with the latest `op_date` wins whatever its position (reduceAbmSync);
 * - `deleted` removes the serial from the DEP list unless a newer record is stored (an enrolled
 *   device keeps its ManagedDevice: the list and the device are separate tables);
 * - `added`/`modified` upsert, but never over a newer stored `op_date`, and a row equal to what is
 *   stored is left alone, so applying the same page twice changes nothing;
 * - a new serial gets the default DEP profile (Graph `isDefault`), if there is one.
 */
export async function writeAbmDevices(
  tx: EntityManager,
  devices: AbmDevice[],
  now: Date,
  store: ImportsStore = new ImportsStore(),
): Promise<WriteOutcome> {
  const winners = reduceAbmSync(devices);
  const deletions = winners.filter((d) => d.opType === 'deleted');
  const upserts = winners.filter((d) => d.opType !== 'deleted');
  const results: ImportRowResult[] = [];

  const deleted = await store.deleteDepDevices(
    tx,
    deletions.map((d) => ({ serialNumber: d.serialNumber, opDate: d.opDate })),
  );
  const deletedSerials = new Set(deleted);
  for (const d of deletions) {
    results.push({
      rowNumber: d.position + 1,
      key: d.serialNumber,
      outcome: deletedSerials.has(d.serialNumber) ? ImportRowOutcome.DELETED : ImportRowOutcome.UNCHANGED,
    });
  }

  const written = await store.upsertDepDevices(
    tx,
    upserts.map((d) => ({
      serialNumber: d.serialNumber,
      model: d.model,
      description: d.description,
      profileStatus: d.profileStatusRaw,
      opDate: d.opDate,
      profileUuid: d.profileUuid,
      deviceAssignedBy: d.deviceAssignedBy,
    })),
    now,
  );
  const outcome = new Map(
    written.map((w) => [w.key, w.inserted ? ImportRowOutcome.NEW : ImportRowOutcome.OVERWRITTEN]),
  );
  for (const d of upserts)
    results.push({
      rowNumber: d.position + 1,
      key: d.serialNumber,
      outcome: outcome.get(d.serialNumber) ?? ImportRowOutcome.UNCHANGED,
    });
  return { rows: results, deletedCount: deleted.length };
}

/**
 * Writes an Apple Configurator serial list (USB-SA) set-based, like corporate identifiers:
 * details compared, CONFLICTING unless `overwrite`; with `profileId`, every row of the file
 * (new, unchanged or overwritten) gets that USB-SA profile.
 */
export async function writeConfiguratorSerials(
  tx: EntityManager,
  rows: ConfiguratorSerialRow[],
  overwrite: boolean,
  profileId: string | null,
  now: Date,
  store: ImportsStore = new ImportsStore(),
): Promise<WriteOutcome> {
  const input = rows.map((r) => ({
    rowNumber: r.rowNumber,
    key: r.serialNumber,
    details: r.details ?? null,
    values: [r.details ?? null],
  }));
  const stored = await store.configuratorDetails(
    tx,
    input.map((r) => r.key),
  );
  const { results, fresh, changed } = classify(
    input,
    new Map([...stored].map(([serial, description]) => [serial, [description]])),
    overwrite,
  );
  const serial = (r: (typeof input)[number]) => ({ serialNumber: r.key, details: r.details });
  await store.insertConfiguratorSerials(tx, fresh.map(serial), profileId, now);
  await store.updateConfiguratorDetails(tx, changed.map(serial), now);
  if (profileId)
    await store.assignConfiguratorProfile(
      tx,
      input.map((r) => r.key),
      profileId,
    );
  return { rows: results };
}
