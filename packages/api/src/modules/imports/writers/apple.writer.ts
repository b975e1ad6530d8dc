import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { WriteOutcome } from '../imports.service.js';
import { ImportRowOutcome, type ImportRowResult } from '../imports.types.js';
import { reduceAbmSync, type AbmDevice, type ConfiguratorSerialRow } from '../parsers/index.js';
import { classify, executeWithRows } from '../set-based.js';

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
): Promise<WriteOutcome> {
  const winners = reduceAbmSync(devices);
  const deletions = winners.filter((d) => d.opType === 'deleted');
  const upserts = winners.filter((d) => d.opType !== 'deleted');
  const results: ImportRowResult[] = [];

  const deleted = await executeWithRows<{ serial_number: string }>(
    tx,
    `delete from apple_device a using jsonb_to_recordset(?::jsonb) as r(serial_number text, op_date timestamptz)
      where a.source = 'DEP' and a.serial_number = r.serial_number and (a.op_date_time is null or r.op_date is null or a.op_date_time <= r.op_date)
      returning a.serial_number`,
    [],
    deletions.map((d) => ({ serial_number: d.serialNumber, op_date: d.opDate?.toISOString() ?? null })),
  );
  const deletedSerials = new Set(deleted.map((d) => d.serial_number));
  for (const d of deletions) {
    results.push({
      rowNumber: d.position + 1,
      key: d.serialNumber,
      outcome: deletedSerials.has(d.serialNumber) ? ImportRowOutcome.DELETED : ImportRowOutcome.UNCHANGED,
    });
  }

  const written = await executeWithRows<{ serial_number: string; inserted: boolean }>(
    tx,
    `insert into apple_device (id, source, serial_number, model, description, profile_status, op_date_time, apple_profile_uuid, device_assigned_by, profile_id, updated_date_time)
     select r.id, 'DEP', r.serial_number, r.model, r.description, r.profile_status, r.op_date, r.profile_uuid, r.device_assigned_by,
            (select p.id from apple_enrollment_profile p where p.kind = 'DEP' and p.is_default limit 1), ?
       from jsonb_to_recordset(?::jsonb) as r(id uuid, serial_number text, model text, description text, profile_status text, op_date timestamptz, profile_uuid text, device_assigned_by text)
     on conflict (source, serial_number) do update set
            model = excluded.model, description = excluded.description, profile_status = excluded.profile_status,
            op_date_time = excluded.op_date_time, apple_profile_uuid = excluded.apple_profile_uuid,
            device_assigned_by = excluded.device_assigned_by, updated_date_time = excluded.updated_date_time
      where (apple_device.op_date_time is null or excluded.op_date_time is null or excluded.op_date_time > apple_device.op_date_time)
        and (apple_device.model, apple_device.description, apple_device.profile_status, apple_device.op_date_time, apple_device.apple_profile_uuid, apple_device.device_assigned_by)
            is distinct from (excluded.model, excluded.description, excluded.profile_status, excluded.op_date_time, excluded.apple_profile_uuid, excluded.device_assigned_by)
     returning apple_device.serial_number, (xmax = 0) as inserted`,
    [now],
    upserts.map((d) => ({
      id: randomUUID(),
      serial_number: d.serialNumber,
      model: d.model,
      description: d.description,
      profile_status: d.profileStatusRaw,
      op_date: d.opDate?.toISOString() ?? null,
      profile_uuid: d.profileUuid,
      device_assigned_by: d.deviceAssignedBy,
    })),
  );
  const outcome = new Map(
    written.map((w) => [w.serial_number, w.inserted ? ImportRowOutcome.NEW : ImportRowOutcome.OVERWRITTEN]),
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
): Promise<WriteOutcome> {
  const input = rows.map((r) => ({
    rowNumber: r.rowNumber,
    key: r.serialNumber,
    details: r.details ?? null,
    values: [r.details ?? null],
  }));
  const stored = await executeWithRows<{ serial_number: string; description: string | null }>(
    tx,
    `select a.serial_number, a.description from apple_device a join jsonb_to_recordset(?::jsonb) as r(serial_number text)
       on a.source = 'CONFIGURATOR' and a.serial_number = r.serial_number`,
    [],
    input.map((r) => ({ serial_number: r.key })),
  );
  const { results, fresh, changed } = classify(
    input,
    new Map(stored.map((s) => [s.serial_number, [s.description]])),
    overwrite,
  );
  await executeWithRows(
    tx,
    `insert into apple_device (id, source, serial_number, description, profile_id, updated_date_time)
     select r.id, 'CONFIGURATOR', r.serial_number, r.details, ?::uuid, ? from jsonb_to_recordset(?::jsonb) as r(id uuid, serial_number text, details text)
     on conflict do nothing`,
    [profileId, now],
    fresh.map((r) => ({ id: randomUUID(), serial_number: r.key, details: r.details })),
  );
  await executeWithRows(
    tx,
    `update apple_device a set description = r.details, updated_date_time = ? from jsonb_to_recordset(?::jsonb) as r(serial_number text, details text)
      where a.source = 'CONFIGURATOR' and a.serial_number = r.serial_number`,
    [now],
    changed.map((r) => ({ serial_number: r.key, details: r.details })),
  );
  if (profileId) {
    await executeWithRows(
      tx,
      `update apple_device a set profile_id = ?::uuid from jsonb_to_recordset(?::jsonb) as r(serial_number text)
        where a.source = 'CONFIGURATOR' and a.serial_number = r.serial_number`,
      [profileId],
      input.map((r) => ({ serial_number: r.key })),
    );
  }
  return { rows: results };
}
