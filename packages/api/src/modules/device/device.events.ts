import type { DeviceEventPayload } from '../../events/topics.js';
import type { ManagedDevice } from './device.entity.js';

/**
 * The JSON-safe event payload for a device, read from its committed state.
 * @param occurredAt when the change happened (the injected clock's time)
 */
export function toDeviceEventPayload(device: ManagedDevice, occurredAt: Date): DeviceEventPayload {
  return {
    deviceId: device.id,
    platform: device.platform,
    managedDeviceOwnerType: device.managedDeviceOwnerType,
    enrollmentMethod: device.enrollmentMethod,
    userPrincipalName: device.user?.getEntity().userPrincipalName ?? null,
    occurredAt: occurredAt.toISOString(),
  };
}
