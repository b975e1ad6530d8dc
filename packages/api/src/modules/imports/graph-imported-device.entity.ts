import { randomUUID } from 'node:crypto';
import { BigIntType, Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { formatInstant } from './parsers/index.js';

/**
 * A device read from a Microsoft Graph `managedDevice` export (fleet migration from Intune),
 * kept as Graph described it: instants exact to the 100-ns tick with their original offset,
 * evolvable enums as a known value plus the original string, byte counts as 64-bit integers.
 * Enrolling the hardware later creates its ManagedDevice as usual.
 */
@ObjectType({
  description: 'A device imported from a Microsoft Graph managedDevice export (fleet migration).',
})
@Entity({ tableName: 'graph_imported_device' })
export class GraphImportedDevice {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Graph `id` of the device in the exporting tenant.' })
  @Property({ type: 'string', length: 128, unique: true })
  graphId!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 256, nullable: true })
  deviceName: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 320, nullable: true })
  userPrincipalName: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 128, nullable: true })
  operatingSystem: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 128, nullable: true })
  osVersion: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 128, nullable: true })
  serialNumber: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  imei: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'Graph `managedDeviceOwnerType` as known here (`unknown` when not recognized).',
  })
  @Property({ type: 'string', length: 32, nullable: true })
  managedDeviceOwnerType: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'Graph `managementAgent` as known here (`unknown` when not recognized).',
  })
  @Property({ type: 'string', length: 64, nullable: true })
  managementAgent: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'Graph `deviceEnrollmentType` as known here (`unknown` when not recognized).',
  })
  @Property({ type: 'string', length: 64, nullable: true })
  deviceEnrollmentType: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'Graph `complianceState` as known here (`unknown` when not recognized).',
  })
  @Property({ type: 'string', length: 64, nullable: true })
  complianceState: string | null = null;

  /** Every enum property as sent, `{ property: originalString }`, so an unknown value is never lost. */
  @Property({ type: 'json' })
  enumOriginals!: Record<string, string>;

  @Field(() => String, {
    description:
      'JSON object: each enum property with the exact string Graph sent (kept when not known here).',
  })
  get enumOriginalsJson(): string {
    return JSON.stringify(this.enumOriginals);
  }

  @Property({ type: new BigIntType('string'), nullable: true })
  enrolledTicks: string | null = null;

  @Property({ type: 'integer', nullable: true })
  enrolledOffsetMinutes: number | null = null;

  @Property({ type: new BigIntType('string'), nullable: true })
  lastSyncTicks: string | null = null;

  @Property({ type: 'integer', nullable: true })
  lastSyncOffsetMinutes: number | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'Graph `enrolledDateTime`: the same instant, 7 fractional digits, in its original offset.',
  })
  get enrolledDateTime(): string | null {
    return this.enrolledTicks === null
      ? null
      : formatInstant(BigInt(this.enrolledTicks), this.enrolledOffsetMinutes ?? 0);
  }

  @Field(() => String, {
    nullable: true,
    description: 'Graph `lastSyncDateTime`: the same instant, 7 fractional digits, in its original offset.',
  })
  get lastSyncDateTime(): string | null {
    return this.lastSyncTicks === null
      ? null
      : formatInstant(BigInt(this.lastSyncTicks), this.lastSyncOffsetMinutes ?? 0);
  }

  @Field(() => String, { nullable: true, description: 'Bytes, as a decimal string (beyond 32 bits, exact).' })
  @Property({ type: new BigIntType('string'), nullable: true })
  totalStorageSpaceInBytes: string | null = null;

  @Field(() => String, { nullable: true, description: 'Bytes, as a decimal string (exact).' })
  @Property({ type: new BigIntType('string'), nullable: true })
  freeStorageSpaceInBytes: string | null = null;

  @Field(() => String, { nullable: true, description: 'Bytes, as a decimal string (exact).' })
  @Property({ type: new BigIntType('string'), nullable: true })
  physicalMemoryInBytes: string | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  importedDateTime!: Date;
}
