import { Arg, Authorized, Ctx, Field, Mutation, ObjectType, Resolver, createUnionType } from 'type-graphql';
import { ENROLL_ROLES } from '../auth/role.enum.js';
import type { GraphQLContext } from '../../shared/context.js';
import { InvalidInputError, NotFoundErrorType, OperationRefusedError, toUserError } from '../../shared/graphql/user-error.types.js';
import { ManagedDevice } from '../device/device.entity.js';
import { EnrollDeviceInput } from './enrollment.input.js';
import type { EnrollmentService } from './enrollment.service.js';

@ObjectType({ description: 'The device was enrolled (or its existing record re-enrolled).' })
export class EnrollDeviceSuccess {
  @Field(() => ManagedDevice)
  device!: ManagedDevice;
}

export const EnrollDeviceResult = createUnionType({
  name: 'EnrollDeviceResult',
  description: 'The enrolled device, or why it was not enrolled (nothing is written then).',
  types: () => [EnrollDeviceSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@Resolver()
export class EnrollmentResolver {
  constructor(private readonly enrollment: EnrollmentService) {}

  @Authorized(...ENROLL_ROLES)
  @Mutation(() => EnrollDeviceResult, {
    description:
      'Enrolls a device with a method of its platform\'s seed table. Refusals (unknown method for the platform, user affinity broken, bad identifiers) are typed results.',
  })
  async enrollDevice(@Arg('input', () => EnrollDeviceInput) input: EnrollDeviceInput, @Ctx() ctx: GraphQLContext): Promise<typeof EnrollDeviceResult> {
    try {
      const device = await this.enrollment.enroll(ctx.em, input);
      return Object.assign(new EnrollDeviceSuccess(), { device });
    } catch (error) {
      return toUserError(error);
    }
  }
}
