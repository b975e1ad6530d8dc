import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Opt, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { AppleEnrollmentProfile } from '../apple-enrollment/enrollment-profile.entity.js';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { ManagedDeviceOwnerType } from '../device/device.enums.js';
import { User } from '../user/user.entity.js';

/**
 * An enrollment invitation: what a device's SCEP challenge was minted for. It is the binding the
 * gateway carries from the profile to the certificate to the check-in: platform, method, the
 * ownership the organisation intends, the user (BYOD, DEP with user affinity) or DEM account, and
 * for DEP / USB-SA the serial number and the Apple profile whose rules apply.
 *
 * Made by `createEnrollmentInvitation` (BYOD, DEM), by a DEP / USB-SA device posting its
 * MachineInfo (one per request, bound to the serial), or by a Configurator export (USB-Direct:
 * the `.mobileconfig` is one file installed on many devices, so its challenge is reusable until
 * the export expires, Intune's two weeks).
 *
 * Secrets are never stored: the profile URL carries a random token (`profileTokenHash` is its
 * SHA-256), and the SCEP challenge inside the profile is derived from that token with a key only
 * the gateway holds (enrollment-challenge.ts), stored as `challengeHash`. RFC 8894 section 2.3:
 * the challenge password is a shared secret that authorises one enrollment.
 */
@ObjectType({
  description:
    'An enrollment invitation: the one-time link (and SCEP challenge) a device uses to enroll, and what it is bound to.',
})
@Entity({ tableName: 'enrollment_invitation' })
@Index({
  name: 'enrollment_invitation_renews_device_id_index',
  expression: `create index "enrollment_invitation_renews_device_id_index" on "enrollment_invitation" ("renews_device_id") where "renews_device_id" is not null`,
})
export class EnrollmentInvitation {
  @Field(() => ID, { description: 'Invitation id (UUID).' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => DevicePlatform, { description: 'IOS or MACOS (the platforms that enroll with a profile).' })
  @Enum({ items: () => DevicePlatform })
  platform!: DevicePlatform;

  @Field(() => EnrollmentMethodKind, { description: 'BYOD, DEM, DEP, USB_SA or USB_DIRECT.' })
  @Enum({ items: () => EnrollmentMethodKind })
  method!: EnrollmentMethodKind;

  @Field(() => ManagedDeviceOwnerType, {
    description:
      'Ownership the organisation intends (personal for BYOD, company otherwise); a corporate identifier still makes a device company-owned at check-in.',
  })
  @Enum({ items: () => ManagedDeviceOwnerType })
  ownershipIntent!: ManagedDeviceOwnerType;

  /** The user the device will be affine to (BYOD; DEP/USB-SA when the profile asks for one). */
  @ManyToOne(() => User, { nullable: true, ref: true, deleteRule: 'set null' })
  @Index()
  user: Ref<User> | null = null;

  /** The device enrollment manager account (DEM): userless, counts against the account's cap. */
  @ManyToOne(() => User, { nullable: true, ref: true, deleteRule: 'set null' })
  enrollmentManager: Ref<User> | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'DEP / USB-SA: the serial number the device reported in its MachineInfo.',
  })
  @Property({ type: 'string', length: 128, nullable: true })
  serialNumber: string | null = null;

  /** DEP / USB-SA / USB-Direct: the Apple enrollment profile whose rules apply (supervised, locked, affinity). */
  @ManyToOne(() => AppleEnrollmentProfile, { nullable: true, ref: true, deleteRule: 'set null' })
  appleProfile: Ref<AppleEnrollmentProfile> | null = null;

  /** SHA-256 (hex) of the random token in the profile URL; the token itself is shown once. */
  @Property({ type: 'string', length: 64, unique: true })
  profileTokenHash!: string;

  /** SHA-256 (hex) of the SCEP challenge password the profile carries. */
  @Property({ type: 'string', length: 64, unique: true })
  challengeHash!: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'How many certificates the challenge may obtain: 1, or null (a Configurator export, until it expires).',
  })
  @Property({ type: 'smallint', nullable: true })
  maxUses: number | null = 1;

  @Field(() => Int, { description: 'How many certificates the challenge has obtained.' })
  @Property({ type: 'integer', default: 0 })
  useCount: number & Opt = 0;

  @Field(() => Date, { description: 'When it was created (UTC).' })
  @Property({ type: 'timestamptz' })
  createdDateTime!: Date;

  @Field(() => Date, {
    description: 'After this instant (UTC) neither the profile URL nor the challenge is accepted.',
  })
  @Property({ type: 'timestamptz' })
  expiresDateTime!: Date;

  @Field(() => Date, { nullable: true, description: 'When the challenge was last used (UTC).' })
  @Property({ type: 'timestamptz', nullable: true })
  usedDateTime: Date | null = null;

  /**
   * Identity renewal: the enrolled device whose identity this invitation's challenge renews (its
   * profile was re-sent over the MDM channel). No foreign key: a deleted device's renewal simply
   * finds no device. Null for every other invitation.
   */
  @Property({ type: 'uuid', nullable: true })
  renewsDeviceId: string | null = null;

  /** Identity renewal: the UDID (or EnrollmentID) whose channel alone may adopt the new certificate. */
  @Property({ type: 'string', length: 255, nullable: true })
  renewsIdentifier: string | null = null;

  /**
   * Identity renewal: the invitation the device's installed profile was built for; the re-sent
   * profile's payload identifiers derive from it so that it replaces that profile (Apple: a
   * profile with the same PayloadIdentifier replaces the installed one). Null: this invitation's own id.
   */
  @Property({ type: 'uuid', nullable: true })
  profileIdentifierId: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'Who created it (token or user name); null when the gateway did (DEP MachineInfo).',
  })
  @Property({ type: 'string', length: 320, nullable: true })
  createdBy: string | null = null;
}
