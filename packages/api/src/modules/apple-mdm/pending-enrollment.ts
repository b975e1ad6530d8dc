import type { EntityManager } from '@mikro-orm/postgresql';
import type { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import type { DevicePlatform } from '../catalog/platform.enum.js';
import type { MdmClientCertificate } from './mdm-signature.js';

/**
 * What the one-time SCEP challenge was minted for, carried by the identity certificate it got
 * until the device's Authenticate turns it into an enrollment: the enrollment's method, platform
 * and who it is for. The same fields `enrollDevice` takes, so the same rules apply.
 */
export interface EnrollmentBinding {
  platform: DevicePlatform;
  method: EnrollmentMethodKind;
  userPrincipalName: string | null;
  enrollmentManagerUserPrincipalName: string | null;
  /** USB-Direct: the Configurator export the profile came from. */
  profileExportToken: string | null;
}

/**
 * The enrollments SCEP started and Authenticate completes (the enrollment profile and SCEP
 * module implements it). Absent: only devices whose certificate is already recorded (enrolled
 * before, e.g. through `enrollDevice` with a CSR) can authenticate.
 */
export interface PendingEnrollments {
  /** The binding of the pending enrollment that issued this certificate, or null. */
  bindingFor(em: EntityManager, certificate: MdmClientCertificate): Promise<EnrollmentBinding | null>;
  /** Authenticate enrolled the device: the pending enrollment is complete (same transaction). */
  completed(tx: EntityManager, certificate: MdmClientCertificate, deviceId: string): Promise<void>;
}
