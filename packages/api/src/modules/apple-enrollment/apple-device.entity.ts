import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AppleEnrollmentProfile } from './enrollment-profile.entity.js';

/** Where an Apple serial was registered: Apple Business Manager (DEP) or an Apple Configurator list (USB-SA). */
export enum AppleDeviceSource {
  DEP = 'DEP',
  CONFIGURATOR = 'CONFIGURATOR',
}
registerEnumType(AppleDeviceSource, {
  name: 'AppleDeviceSource',
  description: 'DEP (Apple Business Manager list) or CONFIGURATOR (serial list for USB-SA).',
});

/**
 * A serial number the organisation holds from Apple (DEP list) or prepared with Apple
 * Configurator, with its assigned enrollment profile. DEP and USB-SA enrollments are only
 * accepted for serials listed here with a profile (seed: Apple Device Enrollment Program, USB-SA).
 */
@ObjectType({
  description: 'A pre-registered Apple serial (DEP list or Configurator list) and its enrollment profile.',
})
@Entity({ tableName: 'apple_device' })
@Unique({ properties: ['source', 'serialNumber'] })
export class AppleDevice {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => AppleDeviceSource)
  @Enum({ items: () => AppleDeviceSource })
  source!: AppleDeviceSource;

  @Field({
    description:
      'Serial number exactly as Apple or the Configurator list gives it (periods removed for Configurator).',
  })
  @Property({ type: 'string', length: 128 })
  serialNumber!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 128, nullable: true })
  model: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'ABM description or Configurator details (at most 128 characters).',
  })
  @Property({ type: 'string', length: 256, nullable: true })
  description: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'ABM `profile_status` as Apple sent it (kept verbatim, may be "").',
  })
  @Property({ type: 'string', length: 32, nullable: true })
  profileStatus: string | null = null;

  @Field(() => Date, {
    nullable: true,
    description: 'ABM `op_date` of the record that last changed this serial.',
  })
  @Property({ type: 'timestamptz', nullable: true })
  opDateTime: Date | null = null;

  @Field(() => String, {
    nullable: true,
    description:
      "ABM `profile_uuid`: Apple's id of the profile assigned in Apple Business Manager, verbatim.",
  })
  @Property({ type: 'string', length: 64, nullable: true })
  appleProfileUuid: string | null = null;

  @Field(() => String, { nullable: true, description: 'ABM `device_assigned_by`.' })
  @Property({ type: 'string', length: 320, nullable: true })
  deviceAssignedBy: string | null = null;

  @ManyToOne(() => AppleEnrollmentProfile, { nullable: true, ref: true, deleteRule: 'set null' })
  profile: Ref<AppleEnrollmentProfile> | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  updatedDateTime!: Date;
}
