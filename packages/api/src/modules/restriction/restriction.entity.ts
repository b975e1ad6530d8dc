import { randomUUID } from 'node:crypto';
import { Entity, Enum, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DevicePlatform } from '../catalog/platform.enum.js';

/** Graph: `deviceEnrollmentLimitConfiguration` and `deviceEnrollmentPlatformRestrictionConfiguration`. */
export enum RestrictionKind {
  DEVICE_LIMIT = 'DEVICE_LIMIT',
  PLATFORM = 'PLATFORM',
}
registerEnumType(RestrictionKind, {
  name: 'RestrictionKind',
  description:
    'DEVICE_LIMIT (devices per user) or PLATFORM (block platform / personal devices / OS versions).',
});

/**
 * An enrollment restriction. Among restrictions of one kind that target the enrolling user,
 * the lowest `priority` wins (Graph `priority`); one with no target groups applies to everyone.
 */
@ObjectType({
  description: 'An enrollment restriction (Graph deviceEnrollmentLimitConfiguration / platform restriction).',
})
@Entity({ tableName: 'enrollment_restriction' })
@Unique({ properties: ['kind', 'priority'] })
export class EnrollmentRestriction {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Name, 1-128 characters; a refusal names it.' })
  @Property({ type: 'string', length: 128 })
  displayName!: string;

  @Field(() => RestrictionKind)
  @Enum({ items: () => RestrictionKind })
  kind!: RestrictionKind;

  @Field(() => Int, {
    description: 'Lower wins among restrictions of the same kind that apply (unique per kind), 1 or more.',
  })
  @Property({ type: 'integer' })
  priority!: number;

  @Field(() => [String], { description: 'User groups targeted; empty targets everyone.' })
  @Property({ type: 'text[]', default: '{}' })
  targetGroups: string[] & Opt = [];

  @Field(() => Int, { nullable: true, description: 'DEVICE_LIMIT: devices per user, 1-15 (Graph `limit`).' })
  @Property({ type: 'integer', nullable: true })
  deviceLimit: number | null = null;

  @Field(() => DevicePlatform, {
    nullable: true,
    description: 'PLATFORM: the platform this restriction configures.',
  })
  @Enum({ items: () => DevicePlatform, nullable: true })
  platform: DevicePlatform | null = null;

  @Field(() => Boolean, { description: 'PLATFORM: enrollment on this platform is blocked.' })
  @Property({ type: 'boolean', default: false })
  platformBlocked: boolean & Opt = false;

  @Field(() => Boolean, {
    description: 'PLATFORM: personally owned devices are blocked (Graph `personalDeviceEnrollmentBlocked`).',
  })
  @Property({ type: 'boolean', default: false })
  personalDeviceEnrollmentBlocked: boolean & Opt = false;

  @Field(() => String, {
    nullable: true,
    description: 'PLATFORM: lowest allowed OS version (dotted numbers, e.g. "16.0").',
  })
  @Property({ type: 'string', length: 64, nullable: true })
  osMinimumVersion: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'PLATFORM: highest allowed OS version (dotted numbers).',
  })
  @Property({ type: 'string', length: 64, nullable: true })
  osMaximumVersion: string | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdDateTime!: Date;
}
