import { EnrollDeviceSuccess, toEnrollDeviceSuccess } from '../enrollment/enrollment.resolver.js';
import { Arg, Ctx, Field, Mutation, ObjectType, Resolver, createUnionType } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { ENROLL_ROLES, Role } from '../auth/role.enum.js';
import { ManagedDevice } from '../device/device.entity.js';
import { CreateBulkEnrollmentTokenInput, EnrollDevicesInput } from './bulk-enrollment.input.js';
import type { BulkEnrollmentService } from './bulk-enrollment.service.js';
import { BulkEnrollmentToken } from './bulk-token.entity.js';

@ObjectType({ description: 'The bulk enrollment token was created; `secret` is shown only now.' })
export class CreateBulkEnrollmentTokenSuccess {
  @Field(() => BulkEnrollmentToken)
  token!: BulkEnrollmentToken;

  @Field({ description: 'The secret to put into the provisioning package (`bulkEnrollmentToken`).' })
  secret!: string;
}

export const CreateBulkEnrollmentTokenResult = createUnionType({
  name: 'CreateBulkEnrollmentTokenResult',
  types: () =>
    [CreateBulkEnrollmentTokenSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@ObjectType({ description: 'Every device of the call was enrolled (all or nothing).' })
export class EnrollDevicesSuccess {
  @Field(() => [ManagedDevice], { description: 'The enrolled devices, in input order.' })
  devices!: ManagedDevice[];

  @Field(() => [EnrollDeviceSuccess], {
    description:
      'Per device, in input order: the device with the MDM certificate issued to it, its private key and device token (returned this once).',
  })
  enrollments!: EnrollDeviceSuccess[];
}

export const EnrollDevicesResult = createUnionType({
  name: 'EnrollDevicesResult',
  description: 'All devices enrolled, or why none was (violations name `input.devices.<index>.<field>`).',
  types: () => [EnrollDevicesSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@Resolver()
export class BulkEnrollmentResolver {
  constructor(private readonly bulk: BulkEnrollmentService) {}

  @Roles(Role.ADMIN)
  @Mutation(() => CreateBulkEnrollmentTokenResult, {
    description: 'Creates a Windows bulk enrollment token (provisioning package) valid `validityDays` days.',
  })
  async createBulkEnrollmentToken(
    @Arg('input', () => CreateBulkEnrollmentTokenInput) input: CreateBulkEnrollmentTokenInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof CreateBulkEnrollmentTokenResult> {
    try {
      return Object.assign(
        new CreateBulkEnrollmentTokenSuccess(),
        await this.bulk.createToken(ctx.em, input),
      );
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(...ENROLL_ROLES)
  @Mutation(() => EnrollDevicesResult, {
    description:
      "Windows bulk enrollment of 1 to 1,000 userless corporate devices with one token. All or nothing: any invalid device or refusal enrolls none. Open to ENROLLER tokens without a user (the bulk token is the administrator's grant); a user token is refused (FORBIDDEN: bulk enrollment is userless).",
  })
  async enrollDevices(
    @Arg('input', () => EnrollDevicesInput) input: EnrollDevicesInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof EnrollDevicesResult> {
    try {
      const outcomes = await this.bulk.enrollDevices(ctx.em, input, ctx.principal);
      return Object.assign(new EnrollDevicesSuccess(), {
        devices: outcomes.map((o) => o.device),
        enrollments: outcomes.map(toEnrollDeviceSuccess),
      });
    } catch (error) {
      return toUserError(error);
    }
  }
}
