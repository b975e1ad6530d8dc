import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { ManagedDevice } from '../device/device.entity.js';
import { CheckInProofType } from './check-in.enums.js';

/**
 * One accepted check-in. Also the replay guard: a (device, nonce) pair can be accepted once
 * (unique constraint), and rows are kept CHECK_IN_HISTORY_DAYS, far longer than the proof's
 * clock-skew window, so a replayed proof is refused either as a duplicate or as stale.
 */
@ObjectType({ description: 'An accepted device check-in (history for the dashboard).' })
@Entity({ tableName: 'device_check_in' })
@Unique({ properties: ['device', 'nonce'] })
@Index({ properties: ['checkedInDateTime'] })
export class DeviceCheckIn {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** No foreign key: deleted with the device, set-based (modules/device/device.store.ts, DEVICE_CHILD_TABLES). */
  @ManyToOne(() => ManagedDevice, { ref: true, createForeignKeyConstraint: false })
  device!: Ref<ManagedDevice>;

  @Field({ description: 'Nonce of the proof (8-256 printable ASCII characters).' })
  @Property({ type: 'string', length: 256 })
  nonce!: string;

  @Field({ description: 'Serial number of the certificate the proof was made with.' })
  @Property({ type: 'string', length: 64 })
  certificateSerialNumber!: string;

  @Field(() => CheckInProofType)
  @Enum({ items: () => CheckInProofType })
  proofType!: CheckInProofType;

  @Field({ description: 'Whether this check-in renewed the certificate.' })
  @Property({ type: 'boolean' })
  renewed!: boolean;

  @Field(() => Date, { description: 'When the gateway accepted it (UTC).' })
  @Property({ type: 'timestamptz' })
  checkedInDateTime!: Date;
}
