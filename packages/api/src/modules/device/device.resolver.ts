import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import { READ_ROLES } from '../auth/role.enum.js';
import type { GraphQLContext } from '../../shared/context.js';
import { NotFoundError } from '../../shared/domain-error.js';
import { User } from '../user/user.entity.js';
import { ManagedDeviceConnection, ManagedDevicesArgs } from './device.connection.js';
import { ManagedDevice } from './device.entity.js';
import type { DeviceService } from './device.service.js';
import { devicePageSelection } from './device-page-selection.js';

@Resolver(() => ManagedDevice)
export class DeviceResolver {
  constructor(private readonly devices: DeviceService) {}

  @Roles(...READ_ROLES)
  @Query(() => ManagedDevice, {
    nullable: true,
    description:
      'The managed device with this id, or null when there is none. A malformed id is a BAD_USER_INPUT error.',
  })
  async managedDevice(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ManagedDevice | null> {
    try {
      return await this.devices.getById(ctx.em, id);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  @Roles(...READ_ROLES)
  @Query(() => ManagedDeviceConnection, {
    description: 'Managed devices, filtered and sorted, one cursor page at a time (Relay connection).',
  })
  managedDevices(
    @Args() args: ManagedDevicesArgs,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ManagedDeviceConnection> {
    return this.devices.list(ctx.em, args, (properties, orderProperty) =>
      devicePageSelection(info, properties, orderProperty),
    );
  }

  @FieldResolver(() => User, {
    nullable: true,
    description: 'The affine user (Intune: User Affinity); null for userless devices.',
  })
  user(@Root() device: ManagedDevice): User | null | Promise<User | null> {
    return this.devices.userOf(device);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Graph `userPrincipalName` of the affine user.',
  })
  userPrincipalName(@Root() device: ManagedDevice): string | null | Promise<string | null> {
    const user = this.devices.userOf(device);
    return user instanceof Promise
      ? user.then((u) => u?.userPrincipalName ?? null)
      : (user?.userPrincipalName ?? null);
  }
}
