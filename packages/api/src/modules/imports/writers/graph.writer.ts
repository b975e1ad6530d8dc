import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { WriteOutcome } from '../imports.service.js';
import { ImportRowOutcome } from '../imports.types.js';
import type { GraphManagedDevice } from '../parsers/index.js';
import { executeWithRows } from '../set-based.js';

const ENUMS = [
  'managedDeviceOwnerType',
  'complianceState',
  'managementState',
  'managementAgent',
  'deviceEnrollmentType',
  'deviceRegistrationState',
  'exchangeAccessState',
  'exchangeAccessStateReason',
  'partnerReportedThreatState',
] as const;

/** The stored columns an export sets: a record equal in all of them is UNCHANGED and left alone. */
const COMPARED = [
  'device_name',
  'user_principal_name',
  'operating_system',
  'os_version',
  'serial_number',
  'imei',
  'managed_device_owner_type',
  'management_agent',
  'device_enrollment_type',
  'compliance_state',
  'enum_originals',
  'enrolled_ticks',
  'enrolled_offset_minutes',
  'last_sync_ticks',
  'last_sync_offset_minutes',
  'total_storage_space_in_bytes',
  'free_storage_space_in_bytes',
  'physical_memory_in_bytes',
] as const;

/**
 * Upserts a Graph managedDevice export by Graph id, set-based. A stored record that differs is
 * OVERWRITTEN (the export is the source's current state); one equal in every stored column is
 * UNCHANGED and not written (not even its import time), so replaying a file changes nothing. The
 * parser has already made ids unique within the file (PostgreSQL refuses to update one row twice
 * in one `INSERT ... ON CONFLICT`). Instants are stored as 100-ns
 * ticks plus their offset (exact round trip); byte counts as bigint (sent as decimal strings in
 * the JSON parameter, so no digit is lost); every enum's original string is kept.
 */
export async function writeGraphManagedDevices(
  tx: EntityManager,
  devices: GraphManagedDevice[],
  now: Date,
): Promise<WriteOutcome> {
  if (devices.length === 0) return { rows: [] };
  const written = await executeWithRows<{ graph_id: string; inserted: boolean }>(
    tx,
    `insert into graph_imported_device (id, graph_id, device_name, user_principal_name, operating_system, os_version, serial_number, imei,
       managed_device_owner_type, management_agent, device_enrollment_type, compliance_state, enum_originals,
       enrolled_ticks, enrolled_offset_minutes, last_sync_ticks, last_sync_offset_minutes,
       total_storage_space_in_bytes, free_storage_space_in_bytes, physical_memory_in_bytes, imported_date_time)
     select r.id, r.graph_id, r.device_name, r.user_principal_name, r.operating_system, r.os_version, r.serial_number, r.imei,
       r.owner_type, r.management_agent, r.enrollment_type, r.compliance_state, r.enum_originals,
       r.enrolled_ticks::bigint, r.enrolled_offset, r.last_sync_ticks::bigint, r.last_sync_offset,
       r.total_storage::bigint, r.free_storage::bigint, r.physical_memory::bigint, ?
     from jsonb_to_recordset(?::jsonb) as r(id uuid, graph_id text, device_name text, user_principal_name text, operating_system text, os_version text,
       serial_number text, imei text, owner_type text, management_agent text, enrollment_type text, compliance_state text, enum_originals jsonb,
       enrolled_ticks text, enrolled_offset int, last_sync_ticks text, last_sync_offset int, total_storage text, free_storage text, physical_memory text)
     on conflict (graph_id) do update set device_name = excluded.device_name, user_principal_name = excluded.user_principal_name,
       operating_system = excluded.operating_system, os_version = excluded.os_version, serial_number = excluded.serial_number, imei = excluded.imei,
       managed_device_owner_type = excluded.managed_device_owner_type, management_agent = excluded.management_agent,
       device_enrollment_type = excluded.device_enrollment_type, compliance_state = excluded.compliance_state, enum_originals = excluded.enum_originals,
       enrolled_ticks = excluded.enrolled_ticks, enrolled_offset_minutes = excluded.enrolled_offset_minutes, last_sync_ticks = excluded.last_sync_ticks,
       last_sync_offset_minutes = excluded.last_sync_offset_minutes, total_storage_space_in_bytes = excluded.total_storage_space_in_bytes,
       free_storage_space_in_bytes = excluded.free_storage_space_in_bytes, physical_memory_in_bytes = excluded.physical_memory_in_bytes,
       imported_date_time = excluded.imported_date_time
     where (${COMPARED.map((c) => `graph_imported_device.${c}`).join(', ')}) is distinct from (${COMPARED.map((c) => `excluded.${c}`).join(', ')})
     returning graph_imported_device.graph_id, (xmax = 0) as inserted`,
    [now],
    devices.map((d) => ({
      id: randomUUID(),
      graph_id: d.id,
      device_name: d.deviceName,
      user_principal_name: d.userPrincipalName,
      operating_system: d.operatingSystem,
      os_version: d.osVersion,
      serial_number: d.serialNumber,
      imei: d.imei,
      owner_type: d.managedDeviceOwnerType?.value ?? null,
      management_agent: d.managementAgent?.value ?? null,
      enrollment_type: d.deviceEnrollmentType?.value ?? null,
      compliance_state: d.complianceState?.value ?? null,
      enum_originals: Object.fromEntries(ENUMS.flatMap((k) => (d[k] ? [[k, d[k]!.original]] : []))),
      enrolled_ticks: d.enrolledDateTime?.ticks.toString() ?? null,
      enrolled_offset: d.enrolledDateTime?.offsetMinutes ?? null,
      last_sync_ticks: d.lastSyncDateTime?.ticks.toString() ?? null,
      last_sync_offset: d.lastSyncDateTime?.offsetMinutes ?? null,
      total_storage: d.totalStorageSpaceInBytes?.toString() ?? null,
      free_storage: d.freeStorageSpaceInBytes?.toString() ?? null,
      physical_memory: d.physicalMemoryInBytes?.toString() ?? null,
    })),
  );
  const outcome = new Map(
    written.map((w) => [w.graph_id, w.inserted ? ImportRowOutcome.NEW : ImportRowOutcome.OVERWRITTEN]),
  );
  return {
    rows: devices.map((d) => ({
      rowNumber: d.rowNumber,
      key: d.id,
      outcome: outcome.get(d.id) ?? ImportRowOutcome.UNCHANGED,
    })),
  };
}
