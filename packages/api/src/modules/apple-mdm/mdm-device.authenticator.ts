import type { EntityManager } from '@mikro-orm/postgresql';
import { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import { ManagedDevice } from '../device/device.entity.js';
import { ManagementState } from '../device/device.enums.js';
import { MdmAuthenticationError } from './apple-mdm.errors.js';
import type { AppleMdmEnrollment } from './apple-mdm-enrollment.entity.js';
import type { AppleMdmEnrollmentStore } from './apple-mdm-enrollment.store.js';
import { identityKey, type MdmIdentity } from './mdm-message.js';
import type { MdmClientCertificate } from './mdm-signature.js';

/** A device whose message was proven to come from it. */
export interface AuthenticatedDevice {
  device: ManagedDevice;
  enrollment: AppleMdmEnrollment;
  certificate: MdmCertificate;
}

/** States in which the device no longer talks to the gateway: its messages are refused. */
const ENDED = new Set([ManagementState.retired, ManagementState.wiped]);

/**
 * Binds a verified identity certificate to the device the message names: the certificate is one
 * the gateway recorded, unrevoked, and belongs to the device enrolled under that UDID or
 * EnrollmentID; the device exists and was neither retired nor wiped.
 * @throws MdmAuthenticationError (UNKNOWN_CERTIFICATE, CERTIFICATE_REVOKED, UNKNOWN_DEVICE,
 *   WRONG_DEVICE, DEVICE_NOT_MANAGED)
 */
export async function authenticateDevice(
  tx: EntityManager,
  enrollments: AppleMdmEnrollmentStore,
  identity: MdmIdentity,
  presented: MdmClientCertificate,
): Promise<AuthenticatedDevice> {
  const certificate = await knownCertificate(tx, presented);
  const enrollment = await enrollments.byIdentifier(tx, identityKey(identity), true);
  if (!enrollment || enrollment.checkedOutDateTime)
    throw new MdmAuthenticationError('UNKNOWN_DEVICE', 'no enrolled device has this UDID or EnrollmentID');
  if (certificate.device.id !== enrollment.deviceId)
    throw new MdmAuthenticationError('WRONG_DEVICE', 'the identity certificate belongs to another device');
  const device = await tx.findOne(ManagedDevice, enrollment.deviceId, { populate: ['user'] });
  if (!device) throw new MdmAuthenticationError('UNKNOWN_DEVICE', 'the device was deleted');
  if (ENDED.has(device.managementState))
    throw new MdmAuthenticationError('DEVICE_NOT_MANAGED', `the device is ${device.managementState}`);
  return { device, enrollment, certificate };
}

/**
 * The gateway's record of a presented certificate, unrevoked.
 * @throws MdmAuthenticationError (UNKNOWN_CERTIFICATE, CERTIFICATE_REVOKED)
 */
export async function knownCertificate(
  tx: EntityManager,
  presented: MdmClientCertificate,
): Promise<MdmCertificate> {
  const certificate = await tx.findOne(MdmCertificate, { serialNumber: presented.serialNumber });
  if (!certificate || certificate.sha256Thumbprint !== presented.sha256Thumbprint)
    throw new MdmAuthenticationError(
      'UNKNOWN_CERTIFICATE',
      'the gateway has no record of this identity certificate',
    );
  if (certificate.status === MdmCertificateStatus.revoked)
    throw new MdmAuthenticationError('CERTIFICATE_REVOKED', 'the identity certificate was revoked');
  return certificate;
}
