import type { EntityManager } from '@mikro-orm/postgresql';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { CorporateIdentifierStore, type HardwareMatch } from './corporate-identifier.store.js';

/** The statements (stateless). */
const store = new CorporateIdentifierStore();

/** The hardware facts an enrollment reports, as far as identifiers can match them. */
export interface IdentifiedHardware {
  platform: DevicePlatform;
  serialNumber: string | null;
  imei: string | null;
  manufacturer: string | null;
  model: string | null;
}

/**
 * What an enrollment matches its hardware on, for the facts its first statement reads
 * (enrollment.store.ts `open`, with corporate-identifier.store.ts's fragments):
 * - the corporate identifiers matching it are marked `enrolled` (Graph importedDeviceIdentity
 *   `enrollmentState`, kept current), and whether any matched: such a device is corporate-owned
 *   (seed: "Devices with an IMEI number can also be identified and tagged as company-owned").
 *   IMEI matches IMEI; SERIAL matches the serial; WINDOWS matches a Windows device's
 *   manufacturer, model and serial together;
 * - Windows Autopilot: a Windows device whose serial number is registered (matched exactly,
 *   spaces kept) is an organisation device and enrolls as corporate (Autopilot);
 * - whether records of the hardware exist (same platform and serial number, or IMEI), so the
 *   common case (hardware never seen) needs no lookup of them.
 * Null when the hardware has no ids, which matches nothing.
 */
export function hardwareMatchOf(hardware: IdentifiedHardware): HardwareMatch | null {
  if (!hardware.imei && !hardware.serialNumber) return null;
  const isWindows = hardware.platform === DevicePlatform.WINDOWS;
  return {
    imei: hardware.imei,
    serialNumber: hardware.serialNumber,
    windows:
      isWindows && hardware.serialNumber && hardware.manufacturer && hardware.model
        ? {
            serialNumber: hardware.serialNumber,
            manufacturer: hardware.manufacturer,
            model: hardware.model,
          }
        : null,
    autopilotSerialNumber: isWindows ? hardware.serialNumber : null,
    platform: hardware.platform,
  };
}

/** What {@link recognizeHardwareMany} found for one device of a batch (same order as its input). */
export interface BatchRecognition {
  identified: boolean;
  autopilotRegistered: boolean;
}

/**
 * One enrollment's identifier and Autopilot matching ({@link hardwareMatchOf}) for a batch, set-based: one
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
  return store.recognizeMany(tx, hardware, now);
}
