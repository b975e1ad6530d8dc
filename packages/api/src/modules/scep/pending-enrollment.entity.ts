import { randomUUID } from 'node:crypto';
import {
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToOne,
  PrimaryKey,
  Property,
  type Opt,
  type Ref,
} from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { ManagedDevice } from '../device/device.entity.js';
import { EnrollmentInvitation } from '../enrollment-profile/enrollment-invitation.entity.js';

/** Where a SCEP-issued certificate stands between issuance and the device's first check-in. */
export enum PendingEnrollmentStatus {
  /** Issued over SCEP; the device has not yet authenticated at the check-in endpoint. */
  pending = 'pending',
  /** The device's Authenticate passed the enrollment rules: the certificate belongs to a device. */
  completed = 'completed',
  /** The enrollment rules refused the device: its certificate is revoked. */
  refused = 'refused',
}
registerEnumType(PendingEnrollmentStatus, {
  name: 'PendingEnrollmentStatus',
  description: 'pending (certificate issued, no check-in yet), completed, or refused.',
});

/**
 * A certificate issued over SCEP whose device has not completed its check-in yet. The
 * certificate is a row of `mdm_certificate` from issuance (same serial, validity and revocation as
 * any device certificate) with no device until the check-in side completes the enrollment
 * (Apple's MDM protocol: the device's Authenticate message, presenting this certificate), which
 * runs the enrollment rules with the invitation's binding and attaches the certificate to the
 * new or re-enrolled device record.
 */
@ObjectType({
  description:
    'A device certificate issued over SCEP, awaiting the device check-in that completes the enrollment.',
})
@Entity({ tableName: 'pending_enrollment' })
@Index({
  name: 'pending_enrollment_pending_created_index',
  expression: `create index "pending_enrollment_pending_created_index" on "pending_enrollment" ("created_date_time") where "status" = 'pending'`,
})
export class PendingEnrollment {
  @Field(() => ID, { description: 'Pending enrollment id (UUID); the certificate subject CN.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The issued certificate (device_id null until completion). */
  @OneToOne(() => MdmCertificate, { ref: true, owner: true, unique: true, deleteRule: 'cascade' })
  certificate!: Ref<MdmCertificate>;

  /** What the challenge was minted for: platform, method, ownership, user / DEM, serial, Apple profile. */
  @ManyToOne(() => EnrollmentInvitation, { ref: true, deleteRule: 'cascade' })
  invitation!: Ref<EnrollmentInvitation>;

  @Field(() => PendingEnrollmentStatus)
  @Enum({ items: () => PendingEnrollmentStatus })
  status: PendingEnrollmentStatus & Opt = PendingEnrollmentStatus.pending;

  @Field(() => Date, { description: 'When the certificate was issued (UTC).' })
  @Property({ type: 'timestamptz' })
  createdDateTime!: Date;

  @Field(() => Date, { nullable: true, description: 'When the check-in completed or refused it (UTC).' })
  @Property({ type: 'timestamptz', nullable: true })
  resolvedDateTime: Date | null = null;

  /**
   * The device record the enrollment completed into. No foreign key: the record is a device child,
   * deleted with the device (modules/device/device.store.ts, DEVICE_CHILD_TABLES); the index serves that delete.
   */
  @Index()
  @ManyToOne(() => ManagedDevice, { ref: true, nullable: true, createForeignKeyConstraint: false })
  device: Ref<ManagedDevice> | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the check-in refused it (the enrollment error code).',
  })
  @Property({ type: 'string', length: 64, nullable: true })
  refusalCode: string | null = null;
}
