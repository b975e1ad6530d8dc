import type { EntityManager } from '@mikro-orm/postgresql';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { AutopilotDevice } from '../imports/autopilot-device.entity.js';
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
 * device's manufacturer, model and serial together. One set-based UPDATE ... RETURNING.
 */
export async function markMatchingIdentifiersEnrolled(tx: EntityManager, hardware: IdentifiedHardware, now: Date): Promise<boolean> {
  const or: object[] = [];
  if (hardware.imei) or.push({ identifierType: CorporateIdentifierType.IMEI, identifier: hardware.imei });
  if (hardware.serialNumber) {
    or.push({ identifierType: CorporateIdentifierType.SERIAL, identifier: hardware.serialNumber });
    if (hardware.platform === DevicePlatform.WINDOWS && hardware.manufacturer && hardware.model) {
      or.push({ identifierType: CorporateIdentifierType.WINDOWS, identifier: hardware.serialNumber, manufacturer: hardware.manufacturer, model: hardware.model });
    }
  }
  if (or.length === 0) return false;
  const updated = await tx.nativeUpdate(CorporateIdentifier, { $or: or }, { enrollmentState: IdentifierEnrollmentState.enrolled, lastContactedDateTime: now });
  return updated > 0;
}

/**
 * Windows Autopilot: a Windows device whose serial number is registered (matched exactly,
 * spaces kept) is an organisation device and enrolls as corporate (issue 4, Autopilot).
 */
export async function isAutopilotRegistered(tx: EntityManager, hardware: IdentifiedHardware): Promise<boolean> {
  if (hardware.platform !== DevicePlatform.WINDOWS || !hardware.serialNumber) return false;
  return (await tx.count(AutopilotDevice, { serialNumber: hardware.serialNumber })) > 0;
}
