import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';
import type { DevicePlatform } from '../catalog/platform.enum.js';
import { ACTIVE_STATES, activeDeviceSql, isActiveDevice } from '../device/active-device.policy.js';
import { ManagedDevice } from '../device/device.entity.js';
import { DeviceStore } from '../device/device.store.js';
import { BulkEnrollmentToken } from '../bulk-enrollment/bulk-token.entity.js';
import { countedForUserLimitSql } from './device-limits.policy.js';
import type { PlannedDevice, PlannedExchange } from './enrollment-plan.policy.js';

/** The hardware ids that identify a device (placeholders already dropped): both null for none. */
export interface HardwareIds {
  platform: DevicePlatform;
  serialNumber: string | null;
  imei: string | null;
}

/** One device of a bulk enrollment as written: its new id, what it reported, and its plan. */
export interface PlannedDeviceRow {
  id: string;
  deviceName: string;
  osVersion: string;
  model: string | null;
  manufacturer: string | null;
  /** Identifying serial number (null for none or a placeholder). */
  serialNumber: string | null;
  /** Identifying IMEI (null for none or a placeholder). */
  imei: string | null;
  plan: PlannedDevice & PlannedExchange;
}

/** The planned columns (enrollment-plan.policy.ts) a bulk enrollment persists, with their column and recordset type. */
const PLANNED_COLUMNS: Record<keyof (PlannedDevice & PlannedExchange), [column: string, type: string]> = {
  platform: ['platform', 'text'],
  operatingSystem: ['operating_system', 'text'],
  managedDeviceOwnerType: ['managed_device_owner_type', 'text'],
  enrollmentMethod: ['enrollment_method', 'text'],
  enrollmentType: ['enrollment_type', 'text'],
  managementState: ['management_state', 'text'],
  isSupervised: ['is_supervised', 'boolean'],
  lockedEnrollment: ['locked_enrollment', 'boolean'],
  resetDuringEnrollment: ['reset_during_enrollment', 'boolean'],
  kioskMode: ['kiosk_mode', 'boolean'],
  joinType: ['join_type', 'text'],
  supportsConditionalAccess: ['supports_conditional_access', 'boolean'],
  supportsJailbreakDetection: ['supports_jailbreak_detection', 'boolean'],
  supportsAppProtection: ['supports_app_protection', 'boolean'],
  easDeviceId: ['eas_device_id', 'text'],
  easActivated: ['eas_activated', 'boolean'],
  managementAgent: ['management_agent', 'text'],
};
const PLANNED = Object.entries(PLANNED_COLUMNS).map(
  ([key, [column]]) => [key as keyof (PlannedDevice & PlannedExchange), column] as const,
);
const plannedColumns = Object.values(PLANNED_COLUMNS).map(([column]) => column);

/**
 * The set-based write of a bulk enrollment: one INSERT ... ON CONFLICT over `jsonb_to_recordset`
 * (parameters: enrolled and last-sync time, certificate notAfter, the rows as JSON). The planned
 * columns come from each row; a serial number with an active record re-enrolls that record in place
 * (identity kept, userless, every planned column overwritten). The conflict target's predicate is
 * the active-device policy's, as the partial unique index's is. RETURNING gives one row per input
 * row, in input order.
 */
const INSERT_PLANNED_DEVICES = `insert into managed_device (id, device_name, os_version, model, manufacturer, serial_number, imei,
    ${plannedColumns.join(', ')}, enrolled_date_time, last_sync_date_time, management_certificate_expiration_date)
  select r.id, r.device_name, r.os_version, r.model, r.manufacturer, r.serial_number, r.imei,
    ${plannedColumns.map((c) => `r.${c}`).join(', ')}, ?::timestamptz, ?::timestamptz, ?::timestamptz
  from jsonb_to_recordset(?::jsonb) as r(id uuid, device_name text, os_version text, model text, manufacturer text, serial_number text, imei text,
    ${Object.values(PLANNED_COLUMNS)
      .map(([column, type]) => `${column} ${type}`)
      .join(', ')})
  on conflict (platform, serial_number) where serial_number is not null and ${activeDeviceSql()}
  do update set device_name = excluded.device_name, os_version = excluded.os_version, model = excluded.model,
    manufacturer = excluded.manufacturer, imei = coalesce(excluded.imei, managed_device.imei),
    ${plannedColumns.map((c) => `${c} = excluded.${c}`).join(', ')},
    enrolled_date_time = excluded.enrolled_date_time, last_sync_date_time = excluded.last_sync_date_time,
    user_id = null, enrollment_manager_id = null,
    management_certificate_expiration_date = excluded.management_certificate_expiration_date
  returning *`;

/** The user-limit count: the user's devices that count (device-limits.policy.ts), one record excluded. */
const COUNT_USER_LIMIT_DEVICES = `select count(*)::int as "counted" from "managed_device"
  where "user_id" = ? and ${countedForUserLimitSql()} and "id" is distinct from ?::uuid`;

/** A user holding an active record of one of the serial numbers (platform given). */
const HOLDER_OF_SERIALS = `select "user_id" from "managed_device"
  where "platform" = ? and "serial_number" = any(?::text[]) and "user_id" is not null and ${activeDeviceSql()}
  limit 1`;

/**
 * Every statement about enrollments: the device records an enrollment reuses, locks, counts
 * against the device limits (device-limits.policy.ts, active-device.policy.ts) and writes in
 * bulk, and the bulk enrollment tokens that allow a Windows bulk enrollment. Stateless: every
 * method runs in the caller's entity manager (its transaction when it is in one); the decisions
 * stay in the policies and the unit of work in the services.
 */
/** Device rows come back as devices through the devices store's mapper. */
const deviceStore = new DeviceStore();

export class EnrollmentStore {
  /**
   * The record of this hardware to re-enroll (identity is reused): the active one if any,
   * otherwise the most recent one (retired or wiped), with its user loaded. Null when the hardware
   * has no ids or no record. Looks at the 10 most recently enrolled records of the hardware.
   */
  async recordOfHardware(em: EntityManager, hardware: HardwareIds): Promise<ManagedDevice | null> {
    const ids = hardwareMatch(hardware);
    if (ids.length === 0) return null;
    const found = await em.find(
      ManagedDevice,
      { $or: ids },
      { populate: ['user'], orderBy: { enrolledDateTime: 'desc' }, limit: 10 },
    );
    return found.find((d) => isActiveDevice(d.managementState)) ?? found[0] ?? null;
  }

  /**
   * After a reset: every record of the hardware but `keepId` loses its user and DEM account.
   * @returns the number of records changed (0 when the hardware has no ids)
   */
  async detachOtherRecords(em: EntityManager, hardware: HardwareIds, keepId: string): Promise<number> {
    const ids = hardwareMatch(hardware);
    if (ids.length === 0) return 0;
    return em.nativeUpdate(
      ManagedDevice,
      { $or: ids, id: { $ne: keepId } },
      { user: null, enrollmentManager: null },
    );
  }

  /** The device `id` locked for update (a record an enrollment replaces); null when unknown. */
  lockDevice(tx: EntityManager, id: string): Promise<ManagedDevice | null> {
    return tx.findOne(ManagedDevice, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
  }

  /**
   * The devices that count against a user's device limit (device-limits.policy.ts
   * `countedForUserLimitSql`: active, enrolled by a counted method).
   * @param excludeId the record being re-enrolled, already counted (null for none)
   */
  async countForUserLimit(em: EntityManager, userId: string, excludeId: string | null): Promise<number> {
    const row = await sqlOf(em).first<{ counted: number }>(COUNT_USER_LIMIT_DEVICES, [userId, excludeId]);
    return row?.counted ?? 0;
  }

  /**
   * The active devices (active-device.policy.ts) a device enrollment manager enrolled, for its cap.
   * @param excludeId the record being re-enrolled, which does not add one (null for none)
   */
  countForDemCap(em: EntityManager, managerId: string, excludeId: string | null): Promise<number> {
    return em.count(ManagedDevice, {
      enrollmentManager: managerId,
      managementState: { $in: [...ACTIVE_STATES] },
      ...(excludeId ? { id: { $ne: excludeId } } : {}),
    });
  }

  /**
   * A user (id) holding an active record (active-device.policy.ts) of one of `serialNumbers` on
   * `platform`, any one of them; null when none is held by a user.
   */
  async holderOfSerials(
    em: EntityManager,
    platform: DevicePlatform,
    serialNumbers: readonly string[],
  ): Promise<string | null> {
    if (serialNumbers.length === 0) return null;
    const row = await sqlOf(em).first<{ user_id: string }>(HOLDER_OF_SERIALS, [platform, serialNumbers]);
    return row?.user_id ?? null;
  }

  /**
   * Writes a bulk enrollment's devices in one statement: new records, or an active record of the
   * same platform and serial number re-enrolled in place (its id kept; userless; every planned
   * column, name, OS version, model and manufacturer overwritten; its IMEI kept when none is given).
   * The devices are returned in input order and are not managed by `tx` (DeviceStore.fromRows).
   * @param certificateNotAfter the expiration date of the MDM certificates the devices get
   * @throws UniqueConstraintViolationException when an IMEI is active on another record, or a
   *   concurrent enrollment of the same hardware committed first
   */
  async insertPlanned(
    tx: EntityManager,
    devices: readonly PlannedDeviceRow[],
    now: Date,
    certificateNotAfter: Date,
  ): Promise<ManagedDevice[]> {
    if (devices.length === 0) return [];
    const rows = devices.map((d) => {
      const row: Record<string, unknown> = {
        id: d.id,
        device_name: d.deviceName,
        os_version: d.osVersion,
        model: d.model,
        manufacturer: d.manufacturer,
        serial_number: d.serialNumber,
        imei: d.imei,
      };
      for (const [key, column] of PLANNED) row[column] = d.plan[key];
      return row;
    });
    const inserted = await sqlOf(tx).rows<Record<string, unknown>>(INSERT_PLANNED_DEVICES, [
      now,
      now,
      certificateNotAfter,
      JSON.stringify(rows),
    ]);
    return deviceStore.fromRows(tx, inserted);
  }

  /** The bulk enrollment token with this secret's hash (expired or not); null when unknown. */
  bulkTokenByHash(em: EntityManager, tokenHash: string): Promise<BulkEnrollmentToken | null> {
    return em.findOne(BulkEnrollmentToken, { tokenHash });
  }
}

/** The ORM condition "same hardware": same platform and serial number, or same IMEI. */
function hardwareMatch(hardware: HardwareIds): object[] {
  return [
    ...(hardware.serialNumber ? [{ platform: hardware.platform, serialNumber: hardware.serialNumber }] : []),
    ...(hardware.imei ? [{ imei: hardware.imei }] : []),
  ];
}
