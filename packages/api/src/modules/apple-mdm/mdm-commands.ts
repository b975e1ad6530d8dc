import { randomUUID } from 'node:crypto';
import { build, type PlistValue } from 'plist';

/** What a queued command asks (Apple's "Commands and Queries"). */
export interface MdmCommandRequest {
  requestType: string;
  parameters: Record<string, unknown>;
}

/**
 * retire: the device removes the enrollment profile, and with it everything the MDM installed
 * (Apple's protocol reference, "RemoveProfile": `Identifier` is the installed profile's top-level
 * PayloadIdentifier).
 * @param profileIdentifier the PayloadIdentifier of the device's installed enrollment profile
 */
export const removeProfile = (profileIdentifier: string): MdmCommandRequest => ({
  requestType: 'RemoveProfile',
  parameters: { Identifier: profileIdentifier },
});

/** wipe: the device erases all content and settings. */
export const eraseDevice = (): MdmCommandRequest => ({ requestType: 'EraseDevice', parameters: {} });

/** The queries the gateway keeps on the device record (Apple: "DeviceInformation"). */
export const DEVICE_INFORMATION_QUERIES = [
  'DeviceName',
  'OSVersion',
  'BuildVersion',
  'ModelName',
  'Model',
  'ProductName',
  'SerialNumber',
  'IMEI',
  'MEID',
];

export const deviceInformation = (): MdmCommandRequest => ({
  requestType: 'DeviceInformation',
  parameters: { Queries: DEVICE_INFORMATION_QUERIES },
});

/** DEP: lets a device waiting in Setup Assistant (AwaitingConfiguration) continue. */
export const deviceConfigured = (): MdmCommandRequest => ({
  requestType: 'DeviceConfigured',
  parameters: {},
});

/**
 * Parameters that are plist `data` on the wire; the queue keeps them as base64 text (its
 * parameters are JSON) and `commandPlist` turns them back into bytes.
 */
const DATA_PARAMETERS: Readonly<Record<string, readonly string[]>> = { InstallProfile: ['Payload'] };

/**
 * Installs (or, with the PayloadIdentifier of an installed one, replaces) a configuration profile
 * (Apple: "InstallProfile", `Payload` the profile's bytes, signed or not).
 */
export const installProfile = (profile: Uint8Array): MdmCommandRequest => ({
  requestType: 'InstallProfile',
  parameters: { Payload: Buffer.from(profile).toString('base64') },
});

/** A new CommandUUID: uppercase, as Apple's tools write them. */
export function newCommandUuid(): string {
  return randomUUID().toUpperCase();
}

/** The plist a device receives for a command (`CommandUUID`, `Command` with its `RequestType`). */
export function commandPlist(commandUuid: string, request: MdmCommandRequest): string {
  const parameters = { ...(request.parameters as Record<string, PlistValue>) };
  for (const key of DATA_PARAMETERS[request.requestType] ?? [])
    if (typeof parameters[key] === 'string') parameters[key] = Buffer.from(parameters[key], 'base64');
  return build({ CommandUUID: commandUuid, Command: { RequestType: request.requestType, ...parameters } });
}
