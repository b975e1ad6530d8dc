import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Opt, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { User } from '../user/user.entity.js';
import {
  DeviceEnrollmentType,
  ManagedDeviceOwnerType,
  ManagementAgent,
  ManagementState,
  WindowsJoinType,
} from './device.enums.js';
import { activeDeviceSql } from './active-device.policy.js';

/**
 * A device enrolled in (or known to) the gateway. Field names follow Microsoft Graph's
 * `managedDevice` resource so that Intune exports and integrations map one to one.
 */
// simpleResolvers: the fields are plain properties with no middleware or role of their own, so
// graphql-js reads them directly instead of through one type-graphql resolver call per field
// (a page of 100 devices has about 1,200 such fields). Field resolvers (user) are unaffected.
@ObjectType({ description: 'A managed device (Microsoft Graph `managedDevice`).', simpleResolvers: true })
@Entity({ tableName: 'managed_device' })
@Index({ properties: ['enrolledDateTime', 'id'] })
// A page filtered by platform (the dashboard's and integrations' most common filter) walks this
// index in page order and counts from it, instead of scanning past every device of the other
// platforms (22 ms → 0.2 ms for a page of a platform with 1,000 of 22,000 devices).
@Index({ properties: ['platform', 'enrolledDateTime', 'id'] })
// One active record per piece of hardware, enforced by the database so that concurrent
// enrollments of the same serial number or IMEI cannot both insert; retired and wiped records
// are history and do not count.
@Index({
  name: 'managed_device_active_serial_unique',
  expression: `create unique index "managed_device_active_serial_unique" on "managed_device" ("platform", "serial_number") where "serial_number" is not null and ${activeDeviceSql()}`,
})
@Index({
  name: 'managed_device_active_imei_unique',
  expression: `create unique index "managed_device_active_imei_unique" on "managed_device" ("imei") where "imei" is not null and ${activeDeviceSql()}`,
})
export class ManagedDevice {
  @Field(() => ID, { description: 'Device id (UUID), stable across re-enrollments of the same hardware.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({
    description: 'Name of the device, as the device or the enrolling user reported it (1-256 characters).',
  })
  @Property({ type: 'string', length: 256 })
  deviceName!: string;

  @Field(() => DevicePlatform, { description: 'Platform, one of Intune’s four enrollment tables.' })
  @Enum({ items: () => DevicePlatform, nativeEnumName: undefined })
  platform!: DevicePlatform;

  @Field({ description: 'Graph `operatingSystem`: "iOS", "macOS", "Windows" or "Android".' })
  @Property({ type: 'string', length: 32 })
  operatingSystem!: string;

  @Field({ description: 'Operating system version, e.g. "17.4.1" or "10.0.22631.3296".' })
  @Property({ type: 'string', length: 64 })
  osVersion!: string;

  @Field(() => String, { nullable: true, description: 'Model, e.g. "iPhone 15" (at most 128 characters).' })
  @Property({ type: 'string', length: 128, nullable: true })
  model: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'Manufacturer, e.g. "Apple" (at most 128 characters).',
  })
  @Property({ type: 'string', length: 128, nullable: true })
  manufacturer: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'Hardware serial number, periods removed, otherwise exactly as reported.',
  })
  @Property({ type: 'string', length: 128, nullable: true })
  serialNumber: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'IMEI: 15 digits with a valid Luhn check digit; null for devices without a cellular modem.',
  })
  @Property({ type: 'string', length: 15, nullable: true })
  imei: string | null = null;

  @Field(() => ManagedDeviceOwnerType, {
    description: 'Graph `managedDeviceOwnerType`: company or personal.',
  })
  @Enum({ items: () => ManagedDeviceOwnerType })
  managedDeviceOwnerType!: ManagedDeviceOwnerType;

  @Field(() => EnrollmentMethodKind, { description: 'The method (table row) the device enrolled with.' })
  @Enum({ items: () => EnrollmentMethodKind })
  enrollmentMethod!: EnrollmentMethodKind;

  @Field(() => DeviceEnrollmentType, { description: 'Graph `deviceEnrollmentType` of the enrollment.' })
  @Enum({ items: () => DeviceEnrollmentType })
  enrollmentType!: DeviceEnrollmentType;

  @Field(() => ManagementState, { description: 'Graph `managementState`.' })
  @Enum({ items: () => ManagementState })
  managementState: ManagementState & Opt = ManagementState.managed;

  @Field(() => Date, { description: 'When the device (last) enrolled, UTC.' })
  @Property({ type: 'timestamptz' })
  enrolledDateTime!: Date;

  @Field(() => Date, {
    description:
      'When the device last checked in (Graph `lastSyncDateTime`), UTC; the enrollment time until its first check-in.',
  })
  @Property({ type: 'timestamptz' })
  lastSyncDateTime!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'Graph `managementCertificateExpirationDate`: notAfter of the current MDM certificate (UTC); null before one was issued.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  @Index({ name: 'managed_device_management_certificate_expiration_date_index' })
  managementCertificateExpirationDate: Date | null = null;

  /** The affine user (seed: User Affinity); null for userless enrollments. */
  @ManyToOne(() => User, { nullable: true, ref: true, deleteRule: 'set null' })
  @Index()
  user: Ref<User> | null = null;

  /** The device enrollment manager account that enrolled the device (seed: Device enrollment manager); counts against its cap. */
  @ManyToOne(() => User, { nullable: true, ref: true, deleteRule: 'set null' })
  @Index()
  enrollmentManager: Ref<User> | null = null;

  @Field(() => Boolean, {
    description:
      'Supervised (Intune: DEP and USB-SA support iOS supervised mode; USB-Direct devices are not supervised).',
  })
  @Property({ type: 'boolean', default: false })
  isSupervised: boolean & Opt = false;

  @Field(() => Boolean, {
    description:
      'Locked enrollment: the user cannot unenroll the device (Intune’s column "Locked"); an admin can still retire or wipe it.',
  })
  @Property({ type: 'boolean', default: false })
  lockedEnrollment: boolean & Opt = false;

  @Field(() => Boolean, {
    description:
      'The last enrollment factory-reset the device (Intune’s column "Reset Required"): earlier state was cleared.',
  })
  @Property({ type: 'boolean', default: false })
  resetDuringEnrollment: boolean & Opt = false;

  @Field(() => Boolean, {
    description: 'Kiosk mode enabled by the USB-SA profile (Intune: USB-SA supervision enables kiosk mode).',
  })
  @Property({ type: 'boolean', default: false })
  kioskMode: boolean & Opt = false;

  @Field(() => Boolean, {
    description:
      'Whether conditional access can be enforced (Intune: USB-Direct devices cannot support conditional access).',
  })
  @Property({ type: 'boolean', default: true })
  supportsConditionalAccess: boolean & Opt = true;

  @Field(() => Boolean, {
    description:
      'Whether jailbreak detection works (Intune: USB-Direct devices cannot support jailbreak detection).',
  })
  @Property({ type: 'boolean', default: true })
  supportsJailbreakDetection: boolean & Opt = true;

  @Field(() => Boolean, {
    description:
      'Whether app protection (MAM) works (Intune: USB-Direct devices cannot support mobile application management).',
  })
  @Property({ type: 'boolean', default: true })
  supportsAppProtection: boolean & Opt = true;

  @Field(() => WindowsJoinType, {
    nullable: true,
    description: 'Azure AD join type of a Windows automatic enrollment; decides ownership.',
  })
  @Enum({ items: () => WindowsJoinType, nullable: true })
  joinType: WindowsJoinType | null = null;

  @Field(() => ManagementAgent, {
    description:
      'Graph `managementAgent`: `mdm` for enrolled devices, `eas` for devices only known through Exchange ActiveSync.',
  })
  @Enum({ items: () => ManagementAgent, default: ManagementAgent.mdm })
  managementAgent: ManagementAgent & Opt = ManagementAgent.mdm;

  @Field(() => Boolean, {
    description:
      'Graph `easActivated`: the device also has an Exchange ActiveSync partnership linked to this record.',
  })
  @Property({ type: 'boolean', default: false })
  easActivated: boolean & Opt = false;

  @Field(() => String, {
    nullable: true,
    description: 'Graph `easDeviceId`: the Exchange ActiveSync device id linked to this record.',
  })
  @Property({ type: 'string', length: 128, nullable: true })
  easDeviceId: string | null = null;
}
