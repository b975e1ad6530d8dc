import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  ObjectType,
  Resolver,
  Root,
  createUnionType,
} from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { ENROLL_ROLES, OPERATE_ROLES } from '../auth/role.enum.js';
import { ManagedDevice } from '../device/device.entity.js';
import { ManagedDeviceOwnerType } from '../device/device.enums.js';
import { DeviceAction } from './device-action.entity.js';
import type { DeviceActionService } from './device-action.service.js';

@ObjectType({ description: 'The action was recorded; the device shows its new (pending) management state.' })
export class DeviceActionSuccess {
  @Field(() => ManagedDevice)
  device!: ManagedDevice;
}

export const DeviceActionResult = createUnionType({
  name: 'DeviceActionResult',
  description: 'The device after the action, or why the action was refused (nothing is written then).',
  types: () => [DeviceActionSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@ObjectType({ description: 'The device record was deleted.' })
export class DeleteDeviceSuccess {
  @Field(() => ID, { description: 'Id of the deleted device (its action history is kept).' })
  deletedDeviceId!: string;
}

export const DeleteDeviceResult = createUnionType({
  name: 'DeleteDeviceResult',
  description: 'The deleted device id, or why nothing was deleted.',
  types: () => [DeleteDeviceSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

/** Runs a device action and maps its outcome. */
async function act(run: () => Promise<ManagedDevice>): Promise<typeof DeviceActionResult> {
  try {
    return Object.assign(new DeviceActionSuccess(), { device: await run() });
  } catch (error) {
    return toUserError(error);
  }
}

/**
 * Who asked, as the action history records it (`requestedBy`): the caller's user principal name
 * for a user token, else the API token's name (Graph's deviceActionResult has the initiating
 * user; tokens stand for integrations here).
 */
const requestedBy = (ctx: GraphQLContext): string | null =>
  ctx.principal?.userPrincipalName ?? ctx.principal?.name ?? null;

@Resolver(() => ManagedDevice)
export class DeviceActionResolver {
  constructor(private readonly deviceActions: DeviceActionService) {}

  @Roles(...OPERATE_ROLES)
  @Mutation(() => DeviceActionResult, {
    description:
      'Graph `retire`: managementState → retirePending, then retired at the next check-in (company data removed, record kept). Allowed on locked enrollments.',
  })
  retireDevice(
    @Arg('deviceId', () => ID) deviceId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof DeviceActionResult> {
    return act(() => this.deviceActions.retire(ctx.em, deviceId, requestedBy(ctx)));
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => DeviceActionResult, {
    description:
      'Graph `wipe`: managementState → wipePending, then wiped at the next check-in (factory reset, user unlinked, certificate not renewed). Allowed on locked enrollments.',
  })
  wipeDevice(
    @Arg('deviceId', () => ID) deviceId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof DeviceActionResult> {
    return act(() => this.deviceActions.wipe(ctx.em, deviceId, requestedBy(ctx)));
  }

  @Roles(...ENROLL_ROLES)
  @Mutation(() => DeviceActionResult, {
    description:
      'The user removes the device from management (→ retirePending). Refused with ENROLLMENT_LOCKED for a locked enrollment (Intune’s column "Locked"). A user token unenrolls its own devices only (any other is NOT_FOUND); an ENROLLER token without a user is refused (FORBIDDEN).',
  })
  unenrollDevice(
    @Arg('deviceId', () => ID) deviceId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof DeviceActionResult> {
    return act(() => this.deviceActions.unenroll(ctx.em, deviceId, requestedBy(ctx), ctx.principal));
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => DeleteDeviceResult, {
    description: 'Graph `delete`: removes the device record now; its action history is kept.',
  })
  async deleteDevice(
    @Arg('deviceId', () => ID) deviceId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof DeleteDeviceResult> {
    try {
      return Object.assign(new DeleteDeviceSuccess(), {
        deletedDeviceId: await this.deviceActions.delete(ctx.em, deviceId, requestedBy(ctx)),
      });
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => DeviceActionResult, {
    description:
      "Sets `managedDeviceOwnerType` (company or personal); recorded in the device's action history.",
  })
  changeDeviceOwnership(
    @Arg('deviceId', () => ID) deviceId: string,
    @Arg('ownerType', () => ManagedDeviceOwnerType, { description: 'company or personal.' })
    ownerType: ManagedDeviceOwnerType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof DeviceActionResult> {
    return act(() => this.deviceActions.changeOwnership(ctx.em, deviceId, ownerType, requestedBy(ctx)));
  }

  @FieldResolver(() => [DeviceAction], {
    description:
      "Actions on this device and their states, newest first (audit history). Callers that do not read the whole fleet (user tokens, ENROLLER) see the current enrollment's actions only.",
  })
  actions(@Root() device: ManagedDevice, @Ctx() ctx: GraphQLContext): Promise<DeviceAction[]> {
    return this.deviceActions.history(ctx.em, device, ctx.principal);
  }
}
