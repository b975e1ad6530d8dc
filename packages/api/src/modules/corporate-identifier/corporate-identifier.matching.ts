import type { EntityManager } from '@mikro-orm/postgresql';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { queryRows } from '../../shared/raw-sql.js';
import { CorporateIdentifierType, IdentifierEnrollmentState } from './corporate-identifier.entity.js';

/** The hardware facts an enrollment reports, as far as identifiers can match them. */
export interface IdentifiedHardware {
  platform: DevicePlatform;
  serialNumber: string | null;
  imei: string | null;
  manufacturer: string | null;
  model: string | null;
}

/** What the organisation already knows about an enrolling device's hardware. */
export interface HardwareRecognition {
  /** Corporate identifiers matched it (and are now marked `enrolled`): a company device. */
  identified: boolean;
  /** A Windows device whose serial number is registered with Windows Autopilot: a company device. */
  autopilotRegistered: boolean;
  /** The gateway holds records of this hardware (same platform and serial number, or IMEI): a re-enrollment. */
  hasRecords: boolean;
}

const UNRECOGNIZED: HardwareRecognition = {
  identified: false,
  autopilotRegistered: false,
  hasRecords: false,
};

/**
 * One statement, inside the enrollment's transaction, for three facts about the hardware:
 * - marks the corporate identifiers matching it as `enrolled` (Graph importedDeviceIdentity
 *   `enrollmentState`, kept current) and says whether any matched: such a device is
 *   corporate-owned (seed: "Devices with an IMEI number can also be identified and tagged as
 *   company-owned"). IMEI matches IMEI; SERIAL matches the serial; WINDOWS matches a Windows
 *   device's manufacturer, model and serial together;
 * - Windows Autopilot: a Windows device whose serial number is registered (matched exactly,
 *   spaces kept) is an organisation device and enrolls as corporate (Autopilot);
 * - whether records of the hardware exist, so the common case (hardware never seen) needs no
 *   lookup of them.
 * Hand-written and combined because it runs on every enrollment: the ORM's query
 * building and two more round trips cost more than the statement. A NULL parameter makes its
 * branch false, so the statement text is the same whatever the hardware.
 */
export async function recognizeHardware(
  tx: EntityManager,
  hardware: IdentifiedHardware,
  now: Date,
): Promise<HardwareRecognition> {
  if (!hardware.imei && !hardware.serialNumber) return UNRECOGNIZED;
  const isWindows = hardware.platform === DevicePlatform.WINDOWS;
  const windowsIdentity = isWindows && hardware.manufacturer && hardware.model;
  const [row] = await queryRows<{ identified: boolean; autopilot: boolean; known: boolean }>(
    tx,
    `with marked as (
       update "corporate_identifier" set "enrollment_state" = ?, "last_contacted_date_time" = ?
        where ("identifier_type" = ? and "identifier" = ?)
           or ("identifier_type" = ? and "identifier" = ?)
           or ("identifier_type" = ? and "identifier" = ? and "manufacturer" = ? and "model" = ?)
       returning 1
     )
     select exists (select 1 from marked) as "identified",
            exists (select 1 from "autopilot_device" where "serial_number" = ?) as "autopilot",
            exists (select 1 from "managed_device" where ("platform" = ? and "serial_number" = ?) or "imei" = ?) as "known"`,
    [
      IdentifierEnrollmentState.enrolled,
      now,
      CorporateIdentifierType.IMEI,
      hardware.imei,
      CorporateIdentifierType.SERIAL,
      hardware.serialNumber,
      CorporateIdentifierType.WINDOWS,
      windowsIdentity ? hardware.serialNumber : null,
      windowsIdentity ? hardware.manufacturer : null,
      windowsIdentity ? hardware.model : null,
      isWindows ? hardware.serialNumber : null,
      hardware.platform,
      hardware.serialNumber,
      hardware.imei,
    ],
  );
  return { identified: row!.identified, autopilotRegistered: row!.autopilot, hasRecords: row!.known };
}

/** What {@link recognizeHardwareMany} found for one device of a batch (same order as its input). */
export interface BatchRecognition {
  identified: boolean;
  autopilotRegistered: boolean;
}

/**
 * {@link recognizeHardware}'s identifier and Autopilot matching for a batch, set-based: one
 * statement marks every corporate identifier matching any device as `enrolled` and says, per
 * device, whether identifiers matched it and whether it is registered with Windows Autopilot (the
 * same matching rules). Records of the hardware are not looked up: a batch re-enrolls in place
 * through its insert's ON CONFLICT.
 */
export async function recognizeHardwareMany(
  tx: EntityManager,
  hardware: readonly IdentifiedHardware[],
  now: Date,
): Promise<BatchRecognition[]> {
  if (hardware.length === 0) return [];
  const input = hardware.map((h, i) => ({
    i,
    platform: h.platform,
    serial_number: h.serialNumber,
    imei: h.imei,
    manufacturer: h.manufacturer,
    model: h.model,
  }));
  const match = `(ci."identifier_type" = '${CorporateIdentifierType.IMEI}' and ci."identifier" = r.imei)
        or (ci."identifier_type" = '${CorporateIdentifierType.SERIAL}' and ci."identifier" = r.serial_number)
        or (r.platform = '${DevicePlatform.WINDOWS}' and ci."identifier_type" = '${CorporateIdentifierType.WINDOWS}'
            and ci."identifier" = r.serial_number and ci."manufacturer" = r.manufacturer and ci."model" = r.model)`;
  const rows = await queryRows<{ identified: boolean; autopilot: boolean }>(
    tx,
    `with r as (
       select * from jsonb_to_recordset(?::jsonb) as r(i int, platform text, serial_number text, imei text, manufacturer text, model text)
     ), marked as (
       update "corporate_identifier" ci set "enrollment_state" = ?, "last_contacted_date_time" = ?
         from r where ${match}
     )
     select exists (select 1 from "corporate_identifier" ci where ${match}) as "identified",
            r.platform = '${DevicePlatform.WINDOWS}' and exists (select 1 from "autopilot_device" a where a."serial_number" = r.serial_number) as "autopilot"
       from r order by r.i`,
    [JSON.stringify(input), IdentifierEnrollmentState.enrolled, now],
  );
  return rows.map((row) => ({ identified: row.identified, autopilotRegistered: row.autopilot }));
}
