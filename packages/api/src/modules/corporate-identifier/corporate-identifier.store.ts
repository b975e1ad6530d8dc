import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { CorporateIdentifierType, IdentifierEnrollmentState } from './corporate-identifier.entity.js';

/**
 * What one enrollment's hardware is matched on (corporate-identifier.matching.ts decides it); a
 * null matches nothing, so the statement text is the same whatever the hardware.
 */
export interface HardwareMatch {
  /** Matches IMEI identifiers. */
  imei: string | null;
  /** Matches SERIAL identifiers. */
  serialNumber: string | null;
  /** Matches a WINDOWS identifier's serial number, manufacturer and model together. */
  windows: { serialNumber: string; manufacturer: string; model: string } | null;
  /** Matches a Windows Autopilot registration (exactly, spaces kept). */
  autopilotSerialNumber: string | null;
  /** The platform whose records of `serialNumber` (or of the IMEI) are looked for. */
  platform: DevicePlatform;
}

/** One device of a batch, as far as identifiers can match it. */
export interface BatchHardware {
  platform: DevicePlatform;
  serialNumber: string | null;
  imei: string | null;
  manufacturer: string | null;
  model: string | null;
}

/** What the statements found for one device. */
export interface Recognized {
  /** Corporate identifiers matched it (and are now marked `enrolled`). */
  identified: boolean;
  /** Its serial number is registered with Windows Autopilot. */
  autopilotRegistered: boolean;
}

/**
 * Marks the corporate identifiers one enrollment's hardware matches `enrolled` (a data-modifying
 * CTE body; `returning 1` per identifier marked). Serial numbers match ignoring case, as imports
 * compare them (docs/imports.md), through `corporate_identifier_serial_upper_index`; IMEIs are
 * digits. Parameters: {@link markParams}.
 */
export const MARK_MATCHING_IDENTIFIERS = `update "corporate_identifier" set "enrollment_state" = ?, "last_contacted_date_time" = ?
     where ("identifier_type" = ? and "identifier" = ?)
        or ("identifier_type" = '${CorporateIdentifierType.SERIAL}' and upper("identifier") = upper(?))
        or ("identifier_type" = '${CorporateIdentifierType.WINDOWS}' and upper("identifier") = upper(?) and "manufacturer" = ? and "model" = ?)
    returning 1`;

/**
 * Select-list items "autopilot" (the serial is registered with Windows Autopilot) and "known"
 * (records of the hardware exist). Parameters: {@link factsParams}.
 */
export const HARDWARE_FACTS = `exists (select 1 from "autopilot_device" where "serial_number" = ?) as "autopilot",
         exists (select 1 from "managed_device" where ("platform" = ? and "serial_number" = ?) or "imei" = ?) as "known"`;

const RECOGNIZE = `with marked as (
    ${MARK_MATCHING_IDENTIFIERS}
  )
  select exists (select 1 from marked) as "identified",
         ${HARDWARE_FACTS}`;

/** The parameters of {@link MARK_MATCHING_IDENTIFIERS}: `match`'s identifiers marked at `now`. */
export function markParams(match: HardwareMatch, now: Date): unknown[] {
  return [
    IdentifierEnrollmentState.enrolled,
    now,
    CorporateIdentifierType.IMEI,
    match.imei,
    match.serialNumber,
    match.windows?.serialNumber ?? null,
    match.windows?.manufacturer ?? null,
    match.windows?.model ?? null,
  ];
}

/** The parameters of {@link HARDWARE_FACTS} for `match`. */
export function factsParams(match: HardwareMatch): unknown[] {
  return [match.autopilotSerialNumber, match.platform, match.serialNumber, match.imei];
}

/**
 * A batch's matching: IMEI matches IMEI; SERIAL the serial number; WINDOWS a Windows device's
 * manufacturer, model and serial number together (the same rules as {@link RECOGNIZE}).
 */
const BATCH_MATCH = `(ci."identifier_type" = '${CorporateIdentifierType.IMEI}' and ci."identifier" = r.imei)
      or (ci."identifier_type" = '${CorporateIdentifierType.SERIAL}' and upper(ci."identifier") = upper(r.serial_number))
      or (r.platform = '${DevicePlatform.WINDOWS}' and ci."identifier_type" = '${CorporateIdentifierType.WINDOWS}'
          and upper(ci."identifier") = upper(r.serial_number) and ci."manufacturer" = r.manufacturer and ci."model" = r.model)`;

const RECOGNIZE_MANY = `with r as (
    select * from jsonb_to_recordset(?::jsonb) as r(i int, platform text, serial_number text, imei text, manufacturer text, model text)
  ), marked as (
    update "corporate_identifier" ci set "enrollment_state" = ?, "last_contacted_date_time" = ?
      from r where ${BATCH_MATCH}
  )
  select exists (select 1 from "corporate_identifier" ci where ${BATCH_MATCH}) as "identified",
         r.platform = '${DevicePlatform.WINDOWS}' and exists (select 1 from "autopilot_device" a where a."serial_number" = r.serial_number) as "autopilot"
    from r order by r.i`;

/**
 * The SQL of corporate identifiers as enrollment meets them: marking the matching ones enrolled
 * (Graph importedDeviceIdentity `enrollmentState`), and the Autopilot and device-record facts read
 * in the same statement. Stateless: every method runs in the caller's entity manager.
 */
export class CorporateIdentifierStore {
  /**
   * One statement for three facts about an enrolling device: marks the identifiers `match`
   * matches `enrolled` (last contacted `now`) and says whether any did, whether the serial is
   * registered with Autopilot, and whether records of the hardware exist. Combined because it
   * runs on every enrollment.
   */
  async recognize(
    em: EntityManager,
    match: HardwareMatch,
    now: Date,
  ): Promise<Recognized & { hasRecords: boolean }> {
    const row = await sqlOf(em).first<{ identified: boolean; autopilot: boolean; known: boolean }>(
      RECOGNIZE,
      [...markParams(match, now), ...factsParams(match)],
    );
    return { identified: row!.identified, autopilotRegistered: row!.autopilot, hasRecords: row!.known };
  }

  /**
   * {@link recognize}'s identifier and Autopilot matching for a batch, set-based: one statement
   * marks every identifier matching any device `enrolled` and answers per device, in input order.
   */
  async recognizeMany(
    em: EntityManager,
    hardware: readonly BatchHardware[],
    now: Date,
  ): Promise<Recognized[]> {
    if (hardware.length === 0) return [];
    const input = hardware.map((h, i) => ({
      i,
      platform: h.platform,
      serial_number: h.serialNumber,
      imei: h.imei,
      manufacturer: h.manufacturer,
      model: h.model,
    }));
    const rows = await sqlOf(em).rows<{ identified: boolean; autopilot: boolean }>(RECOGNIZE_MANY, [
      JSON.stringify(input),
      IdentifierEnrollmentState.enrolled,
      now,
    ]);
    return rows.map((row) => ({ identified: row.identified, autopilotRegistered: row.autopilot }));
  }
}
