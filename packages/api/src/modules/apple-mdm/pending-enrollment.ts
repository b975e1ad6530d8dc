import type { EntityManager } from '@mikro-orm/postgresql';
import type { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import type { DevicePlatform } from '../catalog/platform.enum.js';
import type { ManagedDevice } from '../device/device.entity.js';
import type { MdmClientCertificate } from './mdm-signature.js';

/**
 * What the one-time SCEP challenge was minted for, carried by the identity certificate it got
 * until the device's Authenticate turns it into an enrollment: the enrollment's method, platform
 * and who it is for. The same fields `enrollDevice` takes, so the same rules apply.
 */
export interface EnrollmentBinding {
  /** The pending enrollment this binding belongs to (its id). */
  pendingEnrollmentId: string;
  platform: DevicePlatform;
  method: EnrollmentMethodKind;
  userPrincipalName: string | null;
  enrollmentManagerUserPrincipalName: string | null;
  /** USB-Direct: the Configurator export the profile came from. */
  profileExportToken: string | null;
  /**
   * USB-Direct: the Apple enrollment profile of the `.mobileconfig` export the device installed
   * and the export's expiry (the invitation's), which grant the enrollment in place of the
   * export's token; null for the other methods.
   */
  exportedProfile: { profileId: string; validUntil: Date } | null;
  /**
   * DEP / USB-SA: the serial number the device's MachineInfo reported when it fetched its profile;
   * its Authenticate must carry the same one (null: not bound to hardware).
   */
  serialNumber: string | null;
}

/**
 * A certificate obtained with the challenge of an identity renewal (the re-sent enrollment
 * profile), waiting for the device it renews to present it.
 */
export interface RenewalBinding {
  pendingEnrollmentId: string;
  /** The device the renewal was queued for. */
  deviceId: string;
  /** The UDID (or EnrollmentID) whose channel alone may present the certificate. */
  identifier: string;
}

/**
 * The enrollments SCEP started and Authenticate completes (the enrollment profile and SCEP
 * module implements it). Absent: only devices whose certificate is already recorded (enrolled
 * before, e.g. through `enrollDevice` with a CSR) can authenticate.
 */
export interface PendingEnrollments {
  /**
   * The binding of the pending (neither completed nor refused) enrollment that issued this
   * certificate, or null; null too for an identity renewal's certificate, which enrolls nothing.
   */
  bindingFor(em: EntityManager, certificate: MdmClientCertificate): Promise<EnrollmentBinding | null>;
  /** Authenticate enrolled `device`: the pending enrollment is complete (same transaction). */
  completed(tx: EntityManager, binding: EnrollmentBinding, device: ManagedDevice, now: Date): Promise<void>;
  /**
   * The enrollment rules refused the device: the pending enrollment is refused with the rule's
   * error `code` and its certificate revoked (same transaction).
   */
  refused(tx: EntityManager, binding: EnrollmentBinding, code: string, now: Date): Promise<void>;
  /**
   * The renewal binding of this certificate when it is an identity renewal's, still pending,
   * presented exactly (serial and thumbprint) and unrevoked; else null.
   */
  renewalFor(em: EntityManager, certificate: MdmClientCertificate): Promise<RenewalBinding | null>;
  /**
   * The renewed device presented its new certificate: it becomes the device's current one (the
   * previous one superseded) and the pending enrollment is complete (same transaction).
   * @returns false when it was completed or refused meanwhile
   */
  renewed(tx: EntityManager, binding: RenewalBinding, device: ManagedDevice, now: Date): Promise<boolean>;
}
