import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** What was done to a device (Graph device actions, plus enrollment-time events worth auditing). */
export enum DeviceActionKind {
  /** Graph `retire`: company data removed, record kept as `retired`. */
  retire = 'retire',
  /** Graph `wipe`: factory reset; the certificate stops renewing. */
  wipe = 'wipe',
  /** The user removed the device from management (refused when the enrollment is locked). */
  unenroll = 'unenroll',
  /** Graph `delete`: the record is removed. */
  delete = 'delete',
  /** An enrollment with "Reset Required" reset the device and cleared its earlier state. */
  resetDuringEnrollment = 'resetDuringEnrollment',
  /** An admin changed `managedDeviceOwnerType`. */
  changeOwnership = 'changeOwnership',
  /** A BYOD re-enrollment without a stable hardware id replaced this record with a new one. */
  replacedByReenrollment = 'replacedByReenrollment',
  /** The device removed its MDM profile and said so (Apple's CheckOut): the enrollment ended. */
  checkedOut = 'checkedOut',
}
registerEnumType(DeviceActionKind, {
  name: 'DeviceActionKind',
  description: 'A device action or audited device event.',
});

/** Progress of an action: pending until the device next checks in, then done; cancelled when superseded. */
export enum DeviceActionState {
  pending = 'pending',
  done = 'done',
  cancelled = 'cancelled',
}
registerEnumType(DeviceActionState, {
  name: 'DeviceActionState',
  description: 'pending (waits for the next check-in), done, or cancelled.',
});

/**
 * The history of actions on devices, audit-ready: who, what, when, and how it ended. Keeps no
 * foreign key to the device, because `deleteDevice` removes the device and the history must stay.
 */
@ObjectType({
  description: 'One action on a device and its progress (audit history; survives deletion of the device).',
})
@Entity({ tableName: 'device_action' })
@Index({ properties: ['deviceId', 'requestedDateTime'] })
export class DeviceAction {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => ID, { description: 'The device acted on (it may have been deleted since).' })
  @Property({ type: 'uuid' })
  deviceId!: string;

  @Field(() => DeviceActionKind)
  @Enum({ items: () => DeviceActionKind })
  action!: DeviceActionKind;

  @Field(() => DeviceActionState)
  @Enum({ items: () => DeviceActionState })
  state!: DeviceActionState;

  @Field(() => String, {
    nullable: true,
    description: 'Who asked for it (UPN or token name); null when the system did it.',
  })
  @Property({ type: 'string', length: 320, nullable: true })
  requestedBy: string | null = null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  requestedDateTime!: Date;

  @Field(() => Date, { nullable: true, description: 'When it completed or was cancelled.' })
  @Property({ type: 'timestamptz', nullable: true })
  completedDateTime: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Action-specific details, e.g. "personal → company".' })
  @Property({ type: 'text', nullable: true })
  details: string | null = null;
}
