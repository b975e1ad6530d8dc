import type { EntityManager } from '@mikro-orm/postgresql';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { CorporateIdentifierStore } from './corporate-identifier.store.js';

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
 * One statement (corporate-identifier.store.ts) because it runs on every enrollment: the ORM's
 * query building and two more round trips cost more than the statement.
 */
export async function recognizeHardware(
  tx: EntityManager,
  hardware: IdentifiedHardware,
  now: Date,
): Promise<HardwareRecognition> {
  if (!hardware.imei && !hardware.serialNumber) return UNRECOGNIZED;
  const isWindows = hardware.platform === DevicePlatform.WINDOWS;
  return store.recognize(
    tx,
    {
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
    },
    now,
  );
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
  return store.recognizeMany(tx, hardware, now);
}
