import { Field, ID, ObjectType } from 'type-graphql';
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

  /** Resolved per event with its own EntityManager fork; null if the device was deleted since. */
  @Field(() => ManagedDevice, {
    nullable: true,
    description: 'The device as it is now; null if it was deleted since the event.',
  })
  device?: ManagedDevice | null;
}
