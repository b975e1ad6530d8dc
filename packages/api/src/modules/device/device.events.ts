import type {
  CertificateEventPayload,
  DeviceChangeKind,
  DeviceEventPayload,
  DeviceUpdatedPayload,
} from '../../events/topics.js';
import type { ManagedDeviceOwnerType } from './device.enums.js';
import type { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import type { ManagedDevice } from './device.entity.js';

/**
 * The JSON-safe event payload for a device, read from its committed state.
 * @param occurredAt when the change happened (the injected clock's time)
 * @param userPrincipalName the user's UPN when the caller read it without loading the user
 *   entity (check-in's hand-written lookup); by default read from the loaded `device.user`
 */
export function toDeviceEventPayload(
  device: ManagedDevice,
  occurredAt: Date,
  userPrincipalName?: string | null,
): DeviceEventPayload {
  return {
    deviceId: device.id,
    platform: device.platform,
    managedDeviceOwnerType: device.managedDeviceOwnerType,
    enrollmentMethod: device.enrollmentMethod,
    userPrincipalName:
      userPrincipalName !== undefined
        ? userPrincipalName
        : (device.user?.getEntity().userPrincipalName ?? null),
    occurredAt: occurredAt.toISOString(),
  };
}

/**
 * The JSON-safe payload of a certificate event of `device`.
 * @param extra the threshold crossed (expiring) or the superseded certificate (renewed)
 */
export function toCertificateEventPayload(
  device: ManagedDevice,
  certificate: MdmCertificate,
  occurredAt: Date,
  extra: { thresholdDays?: number | null; previousCertificateId?: string | null } = {},
): CertificateEventPayload {
  return {
    ...toDeviceEventPayload(device, occurredAt),
    certificateId: certificate.id,
    serialNumber: certificate.serialNumber,
    notAfter: certificate.notAfter.toISOString(),
    thresholdDays: extra.thresholdDays ?? null,
    previousCertificateId: extra.previousCertificateId ?? null,
  };
}

/** What a device was before a change: compared with its state after it by {@link toDeviceUpdatedPayload}. */
export interface DeviceBefore {
  managementState: string;
  managedDeviceOwnerType: ManagedDeviceOwnerType;
  userPrincipalName: string | null;
}

/** The state {@link toDeviceUpdatedPayload} compares; read before changing the device. */
export function deviceBefore(device: ManagedDevice): DeviceBefore {
  return {
    managementState: device.managementState,
    managedDeviceOwnerType: device.managedDeviceOwnerType,
    userPrincipalName: device.user?.getEntity().userPrincipalName ?? null,
  };
}

/**
 * The payload of a `device.updated` event: `device` after the change (loaded user), what it was
 * `before`, and why. `changedFields` lists the fields that differ (managementState,
 * managedDeviceOwnerType, userPrincipalName); null when nothing changed (publish nothing then).
 */
export function toDeviceUpdatedPayload(
  device: ManagedDevice,
  before: DeviceBefore,
  change: DeviceChangeKind,
  occurredAt: Date,
): DeviceUpdatedPayload | null {
  const after = deviceBefore(device);
  const changedFields = (Object.keys(after) as (keyof DeviceBefore)[]).filter((k) => after[k] !== before[k]);
  if (changedFields.length === 0) return null;
  return {
    ...toDeviceEventPayload(device, occurredAt, after.userPrincipalName),
    change,
    changedFields,
    previousManagedDeviceOwnerType:
      before.managedDeviceOwnerType === after.managedDeviceOwnerType ? null : before.managedDeviceOwnerType,
    previousUserPrincipalName:
      before.userPrincipalName === after.userPrincipalName ? null : before.userPrincipalName,
  };
}

/** The devices that in-process events carry beside their JSON payload ({@link withCommittedDevice}). */
const committedDevices = new WeakMap<DeviceEventPayload, ManagedDevice>();

/**
 * `payload`, carrying `device` as the event's write committed it (a read-only device with its user
 * preloaded, DeviceStore.committedWithUser) for the subscribers of this instance: the payload
 * object itself travels to them in-process, so their shared result is rendered with no read
 * between publication and delivery. Through Redis only the JSON goes (an instance's own
 * subscribers included, since they receive what Redis delivers): there the device is read when
 * the event arrives, as for events published without one.
 */
export function withCommittedDevice<P extends DeviceEventPayload>(payload: P, device: ManagedDevice): P {
  committedDevices.set(payload, device);
  return payload;
}

/** The device `payload` was published with ({@link withCommittedDevice}), if any. */
export function committedDeviceOf(payload: DeviceEventPayload): ManagedDevice | undefined {
  return committedDevices.get(payload);
}
