import type { EntityManager } from '@mikro-orm/postgresql';
import type { WriteOutcome } from '../imports.service.js';
import { ImportRowOutcome } from '../imports.types.js';
import type { GraphManagedDevice } from '../parsers/index.js';
import { ImportsStore } from '../imports.store.js';

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
  store: ImportsStore = new ImportsStore(),
): Promise<WriteOutcome> {
  if (devices.length === 0) return { rows: [] };
  const written = await store.upsertGraphDevices(
    tx,
    devices.map((d) => ({
      graphId: d.id,
      deviceName: d.deviceName,
      userPrincipalName: d.userPrincipalName,
      operatingSystem: d.operatingSystem,
      osVersion: d.osVersion,
      serialNumber: d.serialNumber,
      imei: d.imei,
      ownerType: d.managedDeviceOwnerType?.value ?? null,
      managementAgent: d.managementAgent?.value ?? null,
      enrollmentType: d.deviceEnrollmentType?.value ?? null,
      complianceState: d.complianceState?.value ?? null,
      enumOriginals: Object.fromEntries(ENUMS.flatMap((k) => (d[k] ? [[k, d[k]!.original]] : []))),
      enrolledTicks: d.enrolledDateTime?.ticks.toString() ?? null,
      enrolledOffsetMinutes: d.enrolledDateTime?.offsetMinutes ?? null,
      lastSyncTicks: d.lastSyncDateTime?.ticks.toString() ?? null,
      lastSyncOffsetMinutes: d.lastSyncDateTime?.offsetMinutes ?? null,
      totalStorage: d.totalStorageSpaceInBytes?.toString() ?? null,
      freeStorage: d.freeStorageSpaceInBytes?.toString() ?? null,
      physicalMemory: d.physicalMemoryInBytes?.toString() ?? null,
    })),
    now,
  );
  const outcome = new Map(
    written.map((w) => [w.key, w.inserted ? ImportRowOutcome.NEW : ImportRowOutcome.OVERWRITTEN]),
  );
  return {
    rows: devices.map((d) => ({
      rowNumber: d.rowNumber,
      key: d.id,
      outcome: outcome.get(d.id) ?? ImportRowOutcome.UNCHANGED,
    })),
  };
}
