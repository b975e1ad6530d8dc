import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/** Where a queued command is (Apple's protocol reference, "Command Responses"). */
export enum MdmCommandStatus {
  /** Waiting for the device's next connection. */
  queued = 'queued',
  /** Delivered in answer to a status report; no answer yet (resent at the device's next Idle). */
  sent = 'sent',
  /** The device carried it out. */
  acknowledged = 'acknowledged',
  /** The device could not carry it out; `errorChain` says why. */
  error = 'error',
  /** The device could not parse it. */
  commandFormatError = 'commandFormatError',
  /** The device cannot carry it out now (e.g. locked); delivered again at its next Idle. */
  notNow = 'notNow',
  /** Superseded before delivery (a newer action, a re-enrollment). */
  cancelled = 'cancelled',
}
registerEnumType(MdmCommandStatus, {
  name: 'MdmCommandStatus',
  description: "Where an Apple MDM command is in the device's queue.",
});

/**
 * One command of a device's queue, delivered in order over the ServerURL and answered by the
 * device (RemoveProfile for retire, EraseDevice for wipe, DeviceInformation after enrollment,
 * DeviceConfigured to release a DEP device). A child of the device (device.store.ts, DEVICE_CHILD_TABLES).
 */
@ObjectType({ description: "An Apple MDM command in a device's queue, with the device's answer." })
@Entity({ tableName: 'mdm_command' })
@Index({ properties: ['deviceId', 'queuedDateTime'] })
export class MdmCommand {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  deviceId!: string;

  @Field({ description: "Apple's CommandUUID (the device names it in its answer)." })
  @Property({ type: 'string', length: 64, unique: true })
  commandUuid!: string;

  @Field({
    description: 'The command, e.g. RemoveProfile, EraseDevice, DeviceInformation, DeviceConfigured.',
  })
  @Property({ type: 'string', length: 64 })
  requestType!: string;

  /** The command dictionary's other keys (plist values, JSON-safe). */
  @Property({ type: 'jsonb' })
  parameters!: Record<string, unknown>;

  /** The device action this command carries out (retire, wipe), if any. */
  @Property({ type: 'uuid', nullable: true })
  deviceActionId: string | null = null;

  @Field(() => MdmCommandStatus)
  @Enum({ items: () => MdmCommandStatus })
  status!: MdmCommandStatus;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  queuedDateTime!: Date;

  /**
   * The queue's order, assigned by the database at insert (a sequence): commands queued at the
   * same time are delivered in the order they were queued. Never written by the gateway.
   */
  @Property({
    type: 'bigint',
    autoincrement: true,
    hidden: true,
  })
  queueOrder?: string & Opt;

  @Field(() => Date, { nullable: true, description: 'Latest delivery to the device.' })
  @Property({ type: 'timestamptz', nullable: true })
  sentDateTime: Date | null = null;

  @Field(() => Int, { description: 'How many times it was delivered.' })
  @Property({ type: 'int', default: 0 })
  deliveries: number & Opt = 0;

  @Field(() => Date, { nullable: true, description: "The device's latest answer." })
  @Property({ type: 'timestamptz', nullable: true })
  answeredDateTime: Date | null = null;

  /**
   * The latest answer's text: for Error, the ErrorChain as "domain code: description" lines; for
   * DeviceInformation, its QueryResponses as JSON.
   */
  @Field(() => String, {
    nullable: true,
    description: "The device's answer: the error chain, or the data it returned.",
  })
  @Property({ type: 'text', nullable: true })
  answer: string | null = null;
}
