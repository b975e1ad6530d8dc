import type { RenewalBinding } from './pending-enrollment.js';

/**
 * Whether a renewal certificate may become the identity of the channel that presented it: only
 * on the channel (UDID or EnrollmentID) the renewal was queued for, and only for the device
 * enrolled under it. A certificate of our CA presented for another UDID proves nothing about
 * that device (Apple: the identity certificate authenticates the device), so it stays refused.
 * @param identifier the UDID or EnrollmentID the message names
 * @param deviceId the device enrolled under that identifier
 */
export function adoptsRenewedIdentity(
  binding: RenewalBinding,
  identifier: string,
  deviceId: string,
): boolean {
  return binding.identifier === identifier && binding.deviceId === deviceId;
}
