import { randomUUID } from 'node:crypto';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * A Windows Autopilot registration (Graph `windowsAutopilotDeviceIdentity`). A Windows device
 * whose serial matches one exactly (spaces kept) enrolls as corporate.
 */
@ObjectType({
  description: 'A Windows Autopilot device registration (Graph windowsAutopilotDeviceIdentity).',
})
@Entity({ tableName: 'autopilot_device' })
export class AutopilotDevice {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Serial number, byte-exact (spaces and dashes kept).' })
  @Property({ type: 'string', length: 128, unique: true })
  serialNumber!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  windowsProductId: string | null = null;

  @Property({ type: 'text' })
  hardwareHash!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 2048, nullable: true })
  groupTag: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 320, nullable: true })
  assignedUser: string | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  importedDateTime!: Date;
}
