import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { ManagedDevice } from './device.entity.js';
import { ManagedDeviceOwnerType } from './device.enums.js';

@ObjectType({
  description:
    'Something that happened to a device, delivered by a subscription after its transaction committed.',
})
export class DeviceEvent {
  @Field(() => ID)
  deviceId!: string;

  @Field(() => DevicePlatform)
  platform!: DevicePlatform;

  @Field(() => ManagedDeviceOwnerType)
  managedDeviceOwnerType!: ManagedDeviceOwnerType;

  @Field(() => EnrollmentMethodKind)
  enrollmentMethod!: EnrollmentMethodKind;

  @Field(() => String, { nullable: true, description: 'UPN of the affine user; null for userless devices.' })
  userPrincipalName!: string | null;

  @Field(() => Date, { description: "When it happened (UTC), per the gateway's clock." })
  occurredAt!: Date;

  /**
   * Resolved once per event (EventDevices): as a check-in committed it when its event carries it,
   * else as read when the event arrived; null if the device was deleted by then.
   */
  @Field(() => ManagedDevice, {
    nullable: true,
    description:
      'The device as read when the event is delivered; for a check-in made through the instance that serves the subscription, as that check-in committed it (its `lastSyncDateTime` is that check-in). Null if the device was deleted by then.',
  })
  device?: ManagedDevice | null;
}

/** Why a device changed (topic `device.updated`); see DeviceChangeKind in events/topics.ts. */
export enum DeviceChange {
  OWNERSHIP_CHANGED = 'OWNERSHIP_CHANGED',
  RETIRE_REQUESTED = 'RETIRE_REQUESTED',
  WIPE_REQUESTED = 'WIPE_REQUESTED',
  UNENROLL_REQUESTED = 'UNENROLL_REQUESTED',
  ACTION_COMPLETED = 'ACTION_COMPLETED',
  CHECKED_OUT = 'CHECKED_OUT',
}
registerEnumType(DeviceChange, {
  name: 'DeviceChange',
  description:
    'OWNERSHIP_CHANGED (admin set managedDeviceOwnerType), RETIRE_REQUESTED / WIPE_REQUESTED / UNENROLL_REQUESTED (managementState → retirePending or wipePending), ACTION_COMPLETED (the device checked in and the pending action was carried out: retired or wiped), CHECKED_OUT (an Apple device removed its MDM profile itself: retired).',
});

@ObjectType({
  description:
    'A committed change of a device outside enrollment and check-in (deviceUpdated). The device fields are its state after the change.',
})
export class DeviceUpdatedEvent extends DeviceEvent {
  @Field(() => DeviceChange)
  change!: DeviceChange;

  @Field(() => [String], {
    description:
      'ManagedDevice fields whose value changed: managementState, managedDeviceOwnerType, userPrincipalName.',
  })
  changedFields!: string[];

  @Field(() => ManagedDeviceOwnerType, {
    nullable: true,
    description: 'The owner type before the change; null when it did not change.',
  })
  previousManagedDeviceOwnerType!: ManagedDeviceOwnerType | null;

  @Field(() => String, {
    nullable: true,
    description: 'The affine user before the change (a wipe unlinks it); null when it did not change.',
  })
  previousUserPrincipalName!: string | null;
}
