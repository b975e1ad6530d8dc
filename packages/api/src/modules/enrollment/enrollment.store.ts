import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { EntityRows, insertRowSql, rowOf } from '../../db/entity-rows.js';
import { sqlOf } from '../../db/sql.js';
import type { DevicePlatform } from '../catalog/platform.enum.js';
import { ACTIVE_STATES, activeDeviceSql, isActiveDevice } from '../device/active-device.policy.js';
import { ManagedDevice } from '../device/device.entity.js';
import { DeviceStore } from '../device/device.store.js';
import { BulkEnrollmentToken } from '../bulk-enrollment/bulk-token.entity.js';
import type { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import {
  HARDWARE_FACTS,
  MARK_MATCHING_IDENTIFIERS,
  factsParams,
  markParams,
  type HardwareMatch,
} from '../corporate-identifier/corporate-identifier.store.js';
import { EnrollmentRestriction } from '../restriction/restriction.entity.js';
import { ENSURE_USER, ensureUserParams } from '../user/user.store.js';
import { User } from '../user/user.entity.js';
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

/**
 * The user-limit count: the user's devices that count (device-limits.policy.ts), one record
 * excluded (parameters: user id, excluded id). A statement, or a scalar subquery of one.
 */
const COUNT_USER_LIMIT_DEVICES = `select count(*)::int as "counted" from "managed_device"
  where "user_id" = ? and ${countedForUserLimitSql()} and "id" is distinct from ?::uuid`;

/**
 * What an enrollment reads (and the writes that come with reading it) before it decides, in one
 * statement: the corporate identifiers the hardware matches marked `enrolled` and the hardware
 * facts (corporate-identifier.store.ts), every restriction in priority order (as JSON), and the
 * user created or kept (user.store.ts `ENSURE_USER`, as JSON; null without a user), whose row
 * the upsert leaves locked until commit. One snapshot: the hardware facts and the restrictions
 * are read as the statement starts, before the user's lock is waited for, as when they were
 * separate statements before the upsert.
 */
const OPEN_ENROLLMENT = `with "marked" as (
    ${MARK_MATCHING_IDENTIFIERS}
  ), "ensured" as (
    ${ENSURE_USER}
  )
  select exists (select 1 from "marked") as "identified",
         ${HARDWARE_FACTS},
         (select coalesce(json_agg(r order by r."priority"), '[]'::json) from "enrollment_restriction" r) as "restrictions",
         (select row_to_json("ensured") from "ensured") as "user"`;

/** Matches no hardware: the parameters of {@link OPEN_ENROLLMENT} for a device without ids. */
const NO_HARDWARE = (platform: DevicePlatform): HardwareMatch => ({
  imei: null,
  serialNumber: null,
  windows: null,
  autopilotSerialNumber: null,
  platform,
});

/** What {@link EnrollmentStore.open} read. */
export interface OpenedEnrollment {
  /** Corporate identifiers matched the hardware (they are now marked `enrolled`). */
  identified: boolean;
  /** The serial number is registered with Windows Autopilot. */
  autopilotRegistered: boolean;
  /** Records of the hardware exist (same platform and serial number, or IMEI). */
  hasRecords: boolean;
  /** Every restriction, lowest priority first: read-only instances, not managed by the entity manager. */
  restrictions: EnrollmentRestriction[];
  /** The user, managed by the entity manager and locked until commit; null without a UPN. */
  user: User | null;
}

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

  /**
   * The first statement of an enrollment ({@link OPEN_ENROLLMENT}): marks the corporate
   * identifiers `match` matches (null: the hardware has no ids, nothing matches), reads whether
   * it is registered with Autopilot and has records, reads the restrictions, and creates or keeps
   * the user of `userPrincipalName` (null: none), leaving its row locked until commit.
   */
  async open(
    tx: EntityManager,
    platform: DevicePlatform,
    match: HardwareMatch | null,
    userPrincipalName: string | null,
    now: Date,
  ): Promise<OpenedEnrollment> {
    const row = await sqlOf(tx).first<{
      identified: boolean;
      autopilot: boolean;
      known: boolean;
      restrictions: Record<string, unknown>[];
      user: Record<string, unknown> | null;
    }>(OPEN_ENROLLMENT, [
      ...markParams(match ?? NO_HARDWARE(platform), now),
      ...ensureUserParams(userPrincipalName, now),
      ...factsParams(match ?? NO_HARDWARE(platform)),
    ]);
    const restrictionRows = (this.restrictionRows ??= EntityRows.of(tx, EnrollmentRestriction, 'r'));
    return {
      identified: row!.identified,
      autopilotRegistered: row!.autopilot,
      hasRecords: row!.known,
      restrictions: row!.restrictions.map((r) => restrictionRows.fromReturned(r)),
      user: row!.user ? tx.map(User, row!.user) : null,
    };
  }

  /** The restriction row mapper (built on first use, from the metadata of the first entity manager). */
  private restrictionRows?: EntityRows<EnrollmentRestriction>;

  /**
   * Writes a new device row and its first certificate row in one statement (data-modifying CTEs),
   * and counts in it the devices of `limitUserId` that count against the user's device limit
   * (device-limits.policy.ts), the new one not included (the statement's snapshot predates its
   * own insert). Run it after the user's row lock is taken, so the count sees every enrollment of
   * the user committed before. Neither entity is managed by `tx` afterwards; both must be new.
   * @param limitUserId the user whose devices are counted; null counts nothing (0)
   * @returns the count
   * @throws UniqueConstraintViolationException when a row with the same unique key exists
   *   (an active record of the same hardware committed first)
   */
  async insertNewDevice(
    tx: EntityManager,
    device: ManagedDevice,
    certificate: MdmCertificate,
    limitUserId: string | null,
  ): Promise<number> {
    const deviceRow = rowOf(tx, device);
    const certificateRow = rowOf(tx, certificate);
    const row = await sqlOf(tx).first<{ counted: number | null }>(
      `with "new_device" as (${insertRowSql(tx, 'ManagedDevice', deviceRow)}),
        "new_certificate" as (${insertRowSql(tx, 'MdmCertificate', certificateRow)})
       select (${COUNT_USER_LIMIT_DEVICES}) as "counted"`,
      [JSON.stringify(deviceRow), JSON.stringify(certificateRow), limitUserId, device.id],
    );
    return row?.counted ?? 0;
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
