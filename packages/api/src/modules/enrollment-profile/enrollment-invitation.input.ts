import { Field, InputType, Int } from 'type-graphql';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../catalog/platform.enum.js';

@InputType({
  description:
    'An enrollment invitation for an Apple device: a user (BYOD) or a device enrollment manager account (DEM), iOS or macOS.',
})
export class CreateEnrollmentInvitationInput {
  @Field(() => DevicePlatform, { description: 'IOS or MACOS.' })
  platform!: DevicePlatform;

  @Field(() => EnrollmentMethodKind, {
    description:
      'BYOD (personal, for `userPrincipalName`) or DEM (corporate, userless, for `enrollmentManagerUserPrincipalName`). DEP, USB-SA and USB-Direct reach devices through Apple and Configurator.',
  })
  method!: EnrollmentMethodKind;

  @Field(() => String, { nullable: true, description: 'BYOD: the user the device becomes affine to.' })
  userPrincipalName?: string | null;

  @Field(() => String, { nullable: true, description: 'DEM: the device enrollment manager account.' })
  enrollmentManagerUserPrincipalName?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Hours until the link and its challenge expire, 1-720 (default 168, one week).',
  })
  expiresInHours?: number | null;
}
