import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Resolver, createUnionType } from 'type-graphql';
import { Role } from '../auth/role.enum.js';
import type { GraphQLContext } from '../../shared/context.js';
import { InvalidInputError, NotFoundErrorType, OperationRefusedError, toUserError } from '../../shared/graphql/user-error.types.js';
import { ManagedDevice } from '../device/device.entity.js';
import type { CheckInService } from './check-in.service.js';

@ObjectType({ description: 'The check-in was recorded.' })
export class CheckInSuccess {
  @Field(() => ManagedDevice, { description: 'The device with its new `lastSyncDateTime`.' })
  device!: ManagedDevice;
}

export const CheckInResult = createUnionType({
  name: 'CheckInResult',
  description: 'The checked-in device, or why the check-in was refused (nothing is written then).',
  types: () => [CheckInSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@Resolver()
export class CheckInResolver {
  constructor(
private readonly checkIns: CheckInService) {}

  @Authorized(Role.DEVICE)
  @Mutation(() => CheckInResult, { description: 'Records a device check-in: updates `lastSyncDateTime` and publishes `deviceCheckedIn` after commit.' })
  async checkIn(@Arg('deviceId', () => ID) deviceId: string, @Ctx() ctx: GraphQLContext): Promise<typeof CheckInResult> {
    try {
      const device = await this.checkIns.checkIn(ctx.em, deviceId);
      return Object.assign(new CheckInSuccess(), { device });
    } catch (error) {
      return toUserError(error);
    }
  }
}
