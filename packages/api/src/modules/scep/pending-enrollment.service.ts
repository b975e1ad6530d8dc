import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import type { DevicePlatform } from '../catalog/platform.enum.js';
import type { CertificateService } from '../certificate/certificate.service.js';
import { CertificateStore, type PendingEnrollmentKey } from '../certificate/certificate.store.js';
import { type MdmCertificateStatus, RevocationReason } from '../certificate/mdm-certificate.enums.js';
import { ManagedDevice } from '../device/device.entity.js';
import type { ManagedDeviceOwnerType } from '../device/device.enums.js';
import { PendingEnrollment, PendingEnrollmentStatus } from './pending-enrollment.entity.js';

/**
 * What a SCEP-issued certificate was minted for: the enrollment invitation's binding, as the
 * check-in side needs it to run the enrollment rules on the device's Authenticate message.
 */
export interface PendingEnrollmentBinding {
  pendingEnrollmentId: string;
  status: PendingEnrollmentStatus;
  certificateId: string;
  /** Certificate serial, 32 uppercase hex digits. */
  certificateSerialNumber: string;
  /** SHA-256 over the certificate's DER, 64 uppercase hex digits. */
  sha256Thumbprint: string;
  /** Current certificate status (`revoked` after a refusal, or when its invitation was withdrawn). */
  certificateStatus: MdmCertificateStatus;
  invitationId: string;
  platform: DevicePlatform;
  method: EnrollmentMethodKind;
  ownershipIntent: ManagedDeviceOwnerType;
  /** BYOD (or DEP/USB-SA with user affinity): the user the device becomes affine to. */
  userPrincipalName: string | null;
  /** DEM: the device enrollment manager account. */
  enrollmentManagerUserPrincipalName: string | null;
  /** DEP / USB-SA: the serial number the MachineInfo reported; the Authenticate must carry the same. */
  serialNumber: string | null;
  /** DEP / USB-SA / USB-Direct: the Apple enrollment profile whose rules apply. */
  appleProfileId: string | null;
  /** When the invitation stops issuing (UTC); for a USB-Direct export, the export's expiry. */
  invitationExpiresDateTime: Date;
  /** Identity renewal: the enrolled device whose identity this certificate renews; null otherwise. */
  renewsDeviceId: string | null;
  /** Identity renewal: the UDID (or EnrollmentID) that must present it; null otherwise. */
  renewsIdentifier: string | null;
}

/** SHA-256 thumbprint (uppercase hex) of a DER certificate: the key certificates are found by. */
export function thumbprintOf(certificateDer: Uint8Array): string {
  return createHash('sha256').update(certificateDer).digest('hex').toUpperCase();
}

/**
 * The interface between SCEP (which issues device-less certificates) and Apple's MDM check-in
 * (which learns who the device is). The check-in side, on an Authenticate signed with a
 * certificate of ours:
 *
 * 1. `findByCertificate(em, certificateDer)` → the binding, or null when the certificate was not
 *    issued over SCEP (or is unknown);
 * 2. runs the enrollment rules with the binding (method, ownership, user/DEM, serial, Apple
 *    profile) and the device's own facts (UDID, serial, IMEI, model, OS);
 * 3. in the same transaction, `complete(tx, id, device, now)` when the rules accept (the
 *    certificate becomes the device's current MDM certificate), or `refuse(tx, id, code, now)`
 *    when they refuse (the certificate is revoked; the device must enroll again).
 */
export class PendingEnrollmentService {
  constructor(
    private readonly certificates: CertificateService,
    /** Every statement about certificates and their pending enrollments. */
    private readonly store = new CertificateStore(),
  ) {}

  /** SCEP-issued certificates, newest first (500 at most), optionally of one status. */
  async list(em: EntityManager, status: PendingEnrollmentStatus | null): Promise<PendingEnrollment[]> {
    return this.store.listPendingEnrollments(em, status, 500);
  }

  /** The binding of a SCEP-issued certificate (DER), whatever its status; null when there is none. */
  async findByCertificate(
    em: EntityManager,
    certificateDer: Uint8Array,
  ): Promise<PendingEnrollmentBinding | null> {
    return this.findBy(em, { sha256Thumbprint: thumbprintOf(certificateDer) });
  }

  /** The binding of the certificate with this serial number (hex, any case); null when there is none. */
  async findByCertificateSerial(
    em: EntityManager,
    serialNumber: string,
  ): Promise<PendingEnrollmentBinding | null> {
    return this.findBy(em, { serialNumber: serialNumber.toUpperCase() });
  }

  private async findBy(
    em: EntityManager,
    key: PendingEnrollmentKey,
  ): Promise<PendingEnrollmentBinding | null> {
    const found = await this.store.pendingEnrollmentOf(em, key);
    return found ? bindingOf(found) : null;
  }

  /**
   * Completes a pending enrollment inside the check-in's transaction `tx`: the certificate becomes
   * `device`'s current MDM certificate (its previous one superseded) and the record `completed`.
   * @returns false when it is not pending any more (completed, refused) or does not exist
   */
  async complete(
    tx: EntityManager,
    pendingEnrollmentId: string,
    device: ManagedDevice,
    now: Date,
  ): Promise<boolean> {
    const pending = await this.store.pendingEnrollment(
      tx,
      pendingEnrollmentId,
      PendingEnrollmentStatus.pending,
      true,
    );
    if (!pending) return false;
    const attached = await this.certificates.attachToDevice(tx, pending.certificate.id, device, now);
    if (!attached) return false;
    pending.status = PendingEnrollmentStatus.completed;
    pending.resolvedDateTime = now;
    pending.device = tx.getReference(ManagedDevice, device.id, { wrapped: true });
    return true;
  }

  /**
   * Refuses a pending enrollment inside `tx` (the enrollment rules said no): its certificate is
   * revoked (RFC 5280 cessationOfOperation) so it can never check in, and `code` (the enrollment
   * error code, e.g. ENROLLMENT_RESTRICTED) is kept on the record.
   * @returns false when it is not pending any more or does not exist
   */
  async refuse(tx: EntityManager, pendingEnrollmentId: string, code: string, now: Date): Promise<boolean> {
    const pending = await this.store.pendingEnrollment(
      tx,
      pendingEnrollmentId,
      PendingEnrollmentStatus.pending,
    );
    if (!pending) return false;
    await this.store.revokeById(tx, pending.certificate.id, now, RevocationReason.cessationOfOperation);
    pending.status = PendingEnrollmentStatus.refused;
    pending.resolvedDateTime = now;
    pending.refusalCode = code.slice(0, 64);
    return true;
  }
}

function bindingOf(pending: PendingEnrollment): PendingEnrollmentBinding {
  const certificate = pending.certificate.getEntity();
  const invitation = pending.invitation.getEntity();
  return {
    pendingEnrollmentId: pending.id,
    status: pending.status,
    certificateId: certificate.id,
    certificateSerialNumber: certificate.serialNumber,
    sha256Thumbprint: certificate.sha256Thumbprint,
    certificateStatus: certificate.status,
    invitationId: invitation.id,
    platform: invitation.platform,
    method: invitation.method,
    ownershipIntent: invitation.ownershipIntent,
    userPrincipalName: invitation.user?.getEntity().userPrincipalName ?? null,
    enrollmentManagerUserPrincipalName: invitation.enrollmentManager?.getEntity().userPrincipalName ?? null,
    serialNumber: invitation.serialNumber,
    appleProfileId: invitation.appleProfile?.id ?? null,
    invitationExpiresDateTime: invitation.expiresDateTime,
    renewsDeviceId: invitation.renewsDeviceId,
    renewsIdentifier: invitation.renewsIdentifier,
  };
}
