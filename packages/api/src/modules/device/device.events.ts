import type { CertificateEventPayload, DeviceEventPayload } from '../../events/topics.js';
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
