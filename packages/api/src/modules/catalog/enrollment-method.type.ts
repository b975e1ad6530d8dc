import { Field, ObjectType } from 'type-graphql';
import { DeviceEnrollmentType } from '../device/device.enums.js';
import { EnrollmentMethodKind, Requirement } from './enrollment-method-kind.enum.js';
import { DevicePlatform } from './platform.enum.js';

@ObjectType({
  description:
    'One row of Intune’s enrollment tables: an enrollment method as offered on one platform, with its rules.',
})
export class EnrollmentMethod {
  @Field(() => DevicePlatform, { description: 'The platform whose table holds this row.' })
  platform!: DevicePlatform;

  @Field(() => EnrollmentMethodKind, { description: 'The method (row name of Intune’s enrollment table).' })
  method!: EnrollmentMethodKind;

  @Field({ description: 'The method as Intune names it, e.g. "BYOD", "USB-SA", "Auto-enroll".' })
  displayName!: string;

  @Field(() => Requirement, {
    description: 'Intune’s column "Reset Required": devices are factory reset during enrollment.',
  })
  resetRequired!: Requirement;

  @Field(() => Requirement, {
    description: 'Intune’s column "User Affinity": the enrollment associates the device with a user.',
  })
  userAffinity!: Requirement;

  @Field(() => Requirement, { description: 'Intune’s column "Locked": users cannot unenroll the device.' })
  locked!: Requirement;

  @Field({ description: 'What the method is for and how it works, summarised from Intune’s documentation.' })
  description!: string;

  @Field(() => [DeviceEnrollmentType], {
    description: 'Graph `deviceEnrollmentType` values an enrollment with this method records.',
  })
  deviceEnrollmentTypes!: DeviceEnrollmentType[];

  @Field({
    description: 'Section of Intune’s “What is device enrollment?” that defines this row.',
  })
  source!: string;
}

@ObjectType({ description: 'Intune’s enrollment table of one platform: the enrollment methods it offers.' })
export class PlatformEnrollmentMethods {
  @Field(() => DevicePlatform)
  platform!: DevicePlatform;

  @Field(() => [EnrollmentMethod], { description: 'Rows in the order Intune lists them.' })
  methods!: EnrollmentMethod[];
}
