import type { EntityManager } from '@mikro-orm/postgresql';
import { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import { CertificateStore } from '../certificate/certificate.store.js';
import type { ManagedDevice } from '../device/device.entity.js';
import { isActiveDevice } from '../device/active-device.policy.js';
import { DeviceStore } from '../device/device.store.js';
import { MdmAuthenticationError } from './apple-mdm.errors.js';
import type { AppleMdmEnrollment } from './apple-mdm-enrollment.entity.js';
import type { AppleMdmEnrollmentStore } from './apple-mdm-enrollment.store.js';
import { identityKey, type MdmIdentity } from './mdm-message.js';
import type { MdmClientCertificate } from './mdm-signature.js';
import type { IdentityRenewalService } from './identity-renewal.service.js';
import type { CertificateEventPayload } from '../../events/topics.js';

/** A device whose message was proven to come from it. */
export interface AuthenticatedDevice {
  device: ManagedDevice;
  enrollment: AppleMdmEnrollment;
  certificate: MdmCertificate;
  /** The message was the first signed with a renewed identity: its `certificateRenewed` payload, to publish after commit. */
  renewed?: CertificateEventPayload;
}

/** Adopts a renewed identity presented on its own channel (identity-renewal.service.ts). */
export interface RenewedIdentities {
  service: Pick<IdentityRenewalService, 'adopt'>;
  now: Date;
}

/** States in which the device no longer talks to the gateway: its messages are refused. */
const devices = new DeviceStore();
const certificates = new CertificateStore();

/**
 * Binds a verified identity certificate to the device the message names: the certificate is one
 * the gateway recorded, unrevoked, and belongs to the device enrolled under that UDID or
 * EnrollmentID; the device exists and was neither retired nor wiped. With `renewals`, a
 * certificate of ours that belongs to no device yet is accepted when it is the renewal queued for
 * this very channel, and becomes the device's current certificate in `tx`.
 * @throws MdmAuthenticationError (UNKNOWN_CERTIFICATE, CERTIFICATE_REVOKED, UNKNOWN_DEVICE,
 *   WRONG_DEVICE, DEVICE_NOT_MANAGED)
 */
export async function authenticateDevice(
  tx: EntityManager,
  enrollments: AppleMdmEnrollmentStore,
  identity: MdmIdentity,
  presented: MdmClientCertificate,
  renewals?: RenewedIdentities,
): Promise<AuthenticatedDevice> {
  const certificate = await knownCertificate(tx, presented);
  const identifier = identityKey(identity);
  const enrollment = await enrollments.byIdentifier(tx, identifier, true);
  if (!enrollment || enrollment.checkedOutDateTime)
    throw new MdmAuthenticationError('UNKNOWN_DEVICE', 'no enrolled device has this UDID or EnrollmentID');
  const ownCertificate = certificate.device?.id === enrollment.deviceId;
  if (!ownCertificate && (certificate.device || !renewals))
    throw new MdmAuthenticationError('WRONG_DEVICE', 'the identity certificate belongs to another device');
  const device = await devices.byId(tx, enrollment.deviceId);
  if (!device) throw new MdmAuthenticationError('UNKNOWN_DEVICE', 'the device was deleted');
  if (!isActiveDevice(device.managementState))
    throw new MdmAuthenticationError('DEVICE_NOT_MANAGED', `the device is ${device.managementState}`);
  if (ownCertificate) return { device, enrollment, certificate };
  const renewed = await renewals!.service.adopt(
    tx,
    presented,
    certificate,
    device,
    identifier,
    renewals!.now,
  );
  if (!renewed)
    throw new MdmAuthenticationError('WRONG_DEVICE', 'the identity certificate belongs to another device');
  return { device, enrollment, certificate, renewed };
}

/**
 * The gateway's record of a presented certificate, unrevoked.
 * @throws MdmAuthenticationError (UNKNOWN_CERTIFICATE, CERTIFICATE_REVOKED)
 */
export async function knownCertificate(
  tx: EntityManager,
  presented: MdmClientCertificate,
): Promise<MdmCertificate> {
  const certificate = await certificates.bySerialNumber(tx, presented.serialNumber);
  if (!certificate || certificate.sha256Thumbprint !== presented.sha256Thumbprint)
    throw new MdmAuthenticationError(
      'UNKNOWN_CERTIFICATE',
      'the gateway has no record of this identity certificate',
    );
  if (certificate.status === MdmCertificateStatus.revoked)
    throw new MdmAuthenticationError('CERTIFICATE_REVOKED', 'the identity certificate was revoked');
  return certificate;
}
