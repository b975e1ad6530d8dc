import { randomUUID } from 'node:crypto';
import { Entity, Enum, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';

/** Which channel of Apple's protocol the device enrolled on. */
export enum MdmEnrollmentChannel {
  /** Device Enrollment (BYOD profile, DEM, DEP, Configurator): identified by its hardware UDID. */
  device = 'device',
  /** User Enrollment: identified by an EnrollmentID; no hardware identifiers, always personal. */
  userEnrollment = 'userEnrollment',
}

/**
 * A device's enrollment in Apple's MDM protocol: who it is on the wire (UDID or EnrollmentID),
 * how to wake it (APNs token, PushMagic, topic), its UnlockToken and bootstrap token, and where
 * it is in the check-in sequence (Apple's protocol reference, "Authenticate", "TokenUpdate",
 * "CheckOut"). One row per managed device that came through the protocol; a child of the device
 * (device.store.ts, DEVICE_CHILD_TABLES). Token values are secrets for the device: never exposed through
 * GraphQL, only whether they are present.
 */
@Entity({ tableName: 'apple_mdm_enrollment' })
export class AppleMdmEnrollment {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The managed device (no foreign key: device.store.ts, DEVICE_CHILD_TABLES). */
  @Property({ type: 'uuid' })
  @Unique()
  deviceId!: string;

  @Enum({ items: () => MdmEnrollmentChannel })
  channel!: MdmEnrollmentChannel;

  /** The device's UDID (device channel) or EnrollmentID (User Enrollment), as the device sends it. */
  @Property({ type: 'string', length: 128 })
  @Unique()
  identifier!: string;

  /** The push topic the device reported (the APNs certificate's `com.apple.mgmt.…` UID). */
  @Property({ type: 'string', length: 255 })
  topic!: string;

  /** APNs device token, lowercase hex; null until the first TokenUpdate. */
  @Property({ type: 'string', length: 200, nullable: true })
  pushToken: string | null = null;

  /** The value to send as `mdm` in the push payload; null until the first TokenUpdate. */
  @Property({ type: 'string', length: 256, nullable: true })
  pushMagic: string | null = null;

  /** UnlockToken (base64): clears the passcode; a TokenUpdate without one keeps it. */
  @Property({ type: 'text', nullable: true })
  unlockToken: string | null = null;

  /** macOS bootstrap token (base64), escrowed by SetBootstrapToken. */
  @Property({ type: 'text', nullable: true })
  bootstrapToken: string | null = null;

  /** DEP: the device waits in Setup Assistant until it receives DeviceConfigured. */
  @Property({ type: 'boolean', default: false })
  awaitingConfiguration: boolean & Opt = false;

  @Property({ type: 'timestamptz' })
  authenticatedDateTime!: Date;

  /** The latest TokenUpdate; null before the first (the enrollment is not complete yet). */
  @Property({ type: 'timestamptz', nullable: true })
  lastTokenUpdateDateTime: Date | null = null;

  /** When the device said it removed its MDM profile; null while enrolled. */
  @Property({ type: 'timestamptz', nullable: true })
  checkedOutDateTime: Date | null = null;

  /** Digests of the channel's latest state-changing check-in messages, newest last (message-replay.policy.ts). */
  @Property({ type: 'text[]', default: '{}' })
  recentMessageDigests: string[] & Opt = [];
}
