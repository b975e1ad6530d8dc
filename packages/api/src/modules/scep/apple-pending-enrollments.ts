import type { EntityManager } from '@mikro-orm/postgresql';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import type { ManagedDevice } from '../device/device.entity.js';
import type {
  EnrollmentBinding,
  PendingEnrollments,
  RenewalBinding,
} from '../apple-mdm/pending-enrollment.js';
import type { MdmClientCertificate } from '../apple-mdm/mdm-signature.js';
import { PendingEnrollmentStatus } from './pending-enrollment.entity.js';
import type { PendingEnrollmentService } from './pending-enrollment.service.js';

/**
 * The SCEP side of Apple's check-in: an identity certificate issued over SCEP (device-less, with
 * the invitation's binding) is what an Authenticate may turn into an enrollment. Only a pending
 * one, presented exactly (serial and thumbprint) and unrevoked, has a binding.
 */
export class ScepPendingEnrollments implements PendingEnrollments {
  constructor(private readonly pending: PendingEnrollmentService) {}

  async bindingFor(em: EntityManager, certificate: MdmClientCertificate): Promise<EnrollmentBinding | null> {
    const found = await this.pending.findByCertificateSerial(em, certificate.serialNumber);
    if (
      !found ||
      found.status !== PendingEnrollmentStatus.pending ||
      found.sha256Thumbprint !== certificate.sha256Thumbprint ||
      found.certificateStatus === MdmCertificateStatus.revoked ||
      found.renewsDeviceId !== null
    )
      return null;
    return {
      pendingEnrollmentId: found.pendingEnrollmentId,
      platform: found.platform,
      method: found.method,
      userPrincipalName: found.userPrincipalName,
      enrollmentManagerUserPrincipalName: found.enrollmentManagerUserPrincipalName,
      profileExportToken: null,
      exportedProfile:
        found.method === EnrollmentMethodKind.USB_DIRECT && found.appleProfileId
          ? { profileId: found.appleProfileId, validUntil: found.invitationExpiresDateTime }
          : null,
      serialNumber: found.serialNumber,
    };
  }

  async completed(
    tx: EntityManager,
    binding: EnrollmentBinding,
    device: ManagedDevice,
    now: Date,
  ): Promise<void> {
    if (!(await this.pending.complete(tx, binding.pendingEnrollmentId, device, now)))
      throw new Error(`pending enrollment ${binding.pendingEnrollmentId} could not be completed`);
  }

  async renewalFor(em: EntityManager, certificate: MdmClientCertificate): Promise<RenewalBinding | null> {
    const found = await this.pending.findByCertificateSerial(em, certificate.serialNumber);
    if (
      !found ||
      found.status !== PendingEnrollmentStatus.pending ||
      found.sha256Thumbprint !== certificate.sha256Thumbprint ||
      found.certificateStatus === MdmCertificateStatus.revoked ||
      found.renewsDeviceId === null ||
      found.renewsIdentifier === null
    )
      return null;
    return {
      pendingEnrollmentId: found.pendingEnrollmentId,
      deviceId: found.renewsDeviceId,
      identifier: found.renewsIdentifier,
    };
  }

  renewed(tx: EntityManager, binding: RenewalBinding, device: ManagedDevice, now: Date): Promise<boolean> {
    return this.pending.complete(tx, binding.pendingEnrollmentId, device, now);
  }

  async refused(tx: EntityManager, binding: EnrollmentBinding, code: string, now: Date): Promise<void> {
    await this.pending.refuse(tx, binding.pendingEnrollmentId, code, now);
  }
}
