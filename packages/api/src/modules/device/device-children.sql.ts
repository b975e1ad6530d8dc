/**
 * The tables whose rows belong to one device (column `device_id`) and go with it: the SCEP
 * enrollments completed into it, its MDM certificates, its check-in history, and its Apple MDM
 * enrollment and command queue. There is no foreign key from them to `managed_device`
 * (Migration20261130050000_deviceChildrenSetBasedDelete: a key's row triggers were a third of the
 * lifecycle sweep), so every statement that deletes devices must, in the same transaction, first
 * delete their rows here. The two that do: the lifecycle sweeper (a set of devices) and the
 * `deleteDevice` action (one device), in this order. `pending_enrollment` comes before
 * `mdm_certificate`: a completed enrollment's certificate is the device's (its `certificate_id` key
 * cascades from `mdm_certificate`), so the record goes with the device rather than keeping a
 * cleared `device_id`; a pending or refused one has no device and stays. `device_action` is not
 * listed: the action history outlives the device on purpose.
 */
export const DEVICE_CHILD_TABLES = [
  'pending_enrollment',
  'mdm_certificate',
  'device_check_in',
  'apple_mdm_enrollment',
  'mdm_command',
] as const;

export type DeviceChildTable = (typeof DEVICE_CHILD_TABLES)[number];

/**
 * Statements deleting the children of the devices whose ids `deviceIds` (an SQL relation with a
 * column `id`, e.g. a temporary table) holds: one join per table, so PostgreSQL picks a hash join
 * over the child table or index probes, whichever the numbers favour. `instead`: a caller's own
 * statement for a table whose rows it has already found (the sweeper's certificates).
 */
export function deleteChildrenOfDevices(
  deviceIds: string,
  instead: Partial<Record<DeviceChildTable, string>> = {},
): string[] {
  return DEVICE_CHILD_TABLES.map(
    (table) => instead[table] ?? `delete from ${table} c using ${deviceIds} k where c.device_id = k.id`,
  );
}

/** Statements deleting the children of one device (one `?` binding, the ORM's: its id). */
export const DELETE_CHILDREN_OF_DEVICE = DEVICE_CHILD_TABLES.map(
  (table) => `delete from ${table} where device_id = ?`,
);
