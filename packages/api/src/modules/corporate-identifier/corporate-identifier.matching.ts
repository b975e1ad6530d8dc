import type { EntityManager } from '@mikro-orm/postgresql';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { queryRows } from '../../shared/raw-sql.js';
import { CorporateIdentifier, CorporateIdentifierType, IdentifierEnrollmentState } from './corporate-identifier.entity.js';

/** The hardware facts an enrollment reports, as far as identifiers can match them. */
export interface IdentifiedHardware {
  platform: DevicePlatform;
  serialNumber: string | null;
  imei: string | null;
  manufacturer: string | null;
  model: string | null;
}

/**
 * Marks the corporate identifiers matching an enrolling device as `enrolled` (Graph
 * importedDeviceIdentity `enrollmentState`, kept current) and says whether any matched: such a
 * device is corporate-owned (seed: "Devices with an IMEI number can also be identified and tagged
 * as company-owned"). IMEI matches IMEI; SERIAL matches the serial; WINDOWS matches a Windows
 * device's manufacturer, model and serial together. One set-based UPDATE ... RETURNING, inside
 * the enrollment's transaction (needs one).
 */
export async function markMatchingIdentifiersEnrolled(tx: EntityManager, hardware: IdentifiedHardware, now: Date): Promise<boolean> {
  if (!hardware.imei && !hardware.serialNumber) return false;
  const windows = hardware.platform === DevicePlatform.WINDOWS && hardware.manufacturer && hardware.model;
  // One statement text whatever the hardware: a NULL parameter makes its branch false. Hand-written
  // because it runs on every enrollment, where the ORM's query building cost more than the UPDATE.
  const updated = await queryRows<{ id: string }>(
    tx,
    `update "corporate_identifier" set "enrollment_state" = ?, "last_contacted_date_time" = ?
     where ("identifier_type" = ? and "identifier" = ?)
        or ("identifier_type" = ? and "identifier" = ?)
        or ("identifier_type" = ? and "identifier" = ? and "manufacturer" = ? and "model" = ?)
     returning "id"`,
    [
      IdentifierEnrollmentState.enrolled, now,
      CorporateIdentifierType.IMEI, hardware.imei,
      CorporateIdentifierType.SERIAL, hardware.serialNumber,
      CorporateIdentifierType.WINDOWS, windows ? hardware.serialNumber : null, windows ? hardware.manufacturer : null, windows ? hardware.model : null,
    ],
  );
  return updated.length > 0;
}

/**
 * Windows Autopilot: a Windows device whose serial number is registered (matched exactly,
 * spaces kept) is an organisation device and enrolls as corporate (issue 4, Autopilot).
 */
export async function isAutopilotRegistered(tx: EntityManager, hardware: IdentifiedHardware): Promise<boolean> {
  if (hardware.platform !== DevicePlatform.WINDOWS || !hardware.serialNumber) return false;
  const [row] = await queryRows<{ registered: boolean }>(tx, `select exists (select 1 from "autopilot_device" where "serial_number" = ?) as "registered"`, [hardware.serialNumber]);
  return row?.registered === true;
}
