import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { WriteOutcome } from '../imports.service.js';
import type { AutopilotDeviceRow } from '../parsers/index.js';
import { classify, executeWithRows } from '../set-based.js';

/**
 * Writes Autopilot registrations set-based, keyed by the byte-exact serial number; product id,
 * hash, group tag and assigned user compared (CONFLICTING unless `overwrite`).
 */
export async function writeAutopilotDevices(
  tx: EntityManager,
  rows: AutopilotDeviceRow[],
  overwrite: boolean,
  now: Date,
): Promise<WriteOutcome> {
  const input = rows.map((r) => ({
    ...r,
    key: r.serialNumber,
    values: [r.windowsProductId, r.hardwareHash, r.groupTag, r.assignedUser],
  }));
  const stored = await executeWithRows<{
    serial_number: string;
    windows_product_id: string | null;
    hardware_hash: string;
    group_tag: string | null;
    assigned_user: string | null;
  }>(
    tx,
    `select a.serial_number, a.windows_product_id, a.hardware_hash, a.group_tag, a.assigned_user
       from autopilot_device a join jsonb_to_recordset(?::jsonb) as r(serial_number text) on a.serial_number = r.serial_number`,
    [],
    input.map((r) => ({ serial_number: r.key })),
  );
  const { results, fresh, changed } = classify(
    input,
    new Map(
      stored.map((s) => [
        s.serial_number,
        [s.windows_product_id, s.hardware_hash, s.group_tag, s.assigned_user],
      ]),
    ),
    overwrite,
  );
  const toJson = (r: AutopilotDeviceRow) => ({
    id: randomUUID(),
    serial_number: r.serialNumber,
    windows_product_id: r.windowsProductId,
    hardware_hash: r.hardwareHash,
    group_tag: r.groupTag,
    assigned_user: r.assignedUser,
  });
  await executeWithRows(
    tx,
    `insert into autopilot_device (id, serial_number, windows_product_id, hardware_hash, group_tag, assigned_user, imported_date_time)
     select r.id, r.serial_number, r.windows_product_id, r.hardware_hash, r.group_tag, r.assigned_user, ?
       from jsonb_to_recordset(?::jsonb) as r(id uuid, serial_number text, windows_product_id text, hardware_hash text, group_tag text, assigned_user text)
     on conflict (serial_number) do update set windows_product_id = excluded.windows_product_id, hardware_hash = excluded.hardware_hash,
       group_tag = excluded.group_tag, assigned_user = excluded.assigned_user, imported_date_time = excluded.imported_date_time`,
    [now],
    [...fresh, ...changed].map(toJson),
  );
  return { rows: results };
}
