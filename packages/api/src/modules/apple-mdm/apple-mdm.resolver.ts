import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  ObjectType,
  Resolver,
  Root,
  createUnionType,
} from 'type-graphql';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { OPERATE_ROLES } from '../auth/role.enum.js';
import { Roles } from '../auth/roles.decorator.js';
import { ManagedDevice } from '../device/device.entity.js';
import type { AppleMdmEnrollment } from './apple-mdm-enrollment.entity.js';
import type { DeviceProtocolService } from './device-protocol.service.js';
import { MdmCommand, MdmCommandStatus } from './mdm-command.entity.js';

@ObjectType({
  description: "An Apple device's MDM check-in state (Apple's protocol: Authenticate, TokenUpdate).",
})
export class AppleMdmState {
  @Field({ description: 'Whether a TokenUpdate gave the gateway a push token (the device can be woken).' })
  pushTokenPresent!: boolean;

  @Field({ description: 'The APNs topic the device listens on.' })
  topic!: string;

  @Field(() => Date, { description: 'The latest Authenticate (UTC).' })
  authenticatedDateTime!: Date;

  @Field(() => Date, { nullable: true, description: 'The latest TokenUpdate (UTC); null before the first.' })
  lastTokenUpdateDateTime!: Date | null;

  @Field({
    description: 'DEP: the device waits in Setup Assistant until the gateway sends DeviceConfigured.',
  })
  awaitingConfiguration!: boolean;

  @Field(() => Date, { nullable: true, description: 'When the device sent CheckOut (removed its profile).' })
  checkedOutDateTime!: Date | null;
}

@ObjectType({ description: 'The device was asked to connect now.' })
export class SyncDeviceSuccess {
  @Field(() => ManagedDevice)
  device!: ManagedDevice;

  @Field({
    description:
      'The push: sent, retried (sent after retries), failed, unregistered (APNs no longer knows the token), or skipped (no push certificate or no push token: the device connects at its own pace).',
  })
  push!: string;
}

export const SyncDeviceResult = createUnionType({
  name: 'SyncDeviceResult',
  description: 'The push outcome, or why nothing was sent.',
  types: () => [SyncDeviceSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

const toState = (enrollment: AppleMdmEnrollment): AppleMdmState => ({
  pushTokenPresent: enrollment.pushToken !== null,
  topic: enrollment.topic,
  authenticatedDateTime: enrollment.authenticatedDateTime,
  lastTokenUpdateDateTime: enrollment.lastTokenUpdateDateTime,
  awaitingConfiguration: enrollment.awaitingConfiguration,
  checkedOutDateTime: enrollment.checkedOutDateTime,
});

/** Apple MDM protocol state and commands on ManagedDevice, and the Sync action. */
@Resolver(() => ManagedDevice)
export class AppleMdmDeviceResolver {
  constructor(private readonly protocol: DeviceProtocolService) {}

  @FieldResolver(() => AppleMdmState, {
    nullable: true,
    description: 'Apple MDM check-in state; null for a device that never checked in over Apple’s protocol.',
  })
  async appleMdm(@Root() device: ManagedDevice, @Ctx() ctx: GraphQLContext): Promise<AppleMdmState | null> {
    const enrollment = await this.protocol.enrollmentOf(ctx.em, device.id);
    return enrollment && toState(enrollment);
  }

  @FieldResolver(() => [MdmCommand], {
    description: "The device's Apple MDM commands and their answers, newest first (empty for other devices).",
  })
  mdmCommands(
    @Root() device: ManagedDevice,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, 1-100. Default 20.' }) first: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<MdmCommand[]> {
    return this.protocol.commandsOf(ctx.em, device.id, first);
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => SyncDeviceResult, {
    description:
      'Intune "Sync": wakes an Apple device through APNs so it connects now and fetches its queued commands. Nothing is queued or written.',
  })
  async syncDevice(
    @Arg('deviceId', () => ID) deviceId: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof SyncDeviceResult> {
    try {
      return Object.assign(new SyncDeviceSuccess(), await this.protocol.sync(ctx.em, deviceId));
    } catch (error) {
      return toUserError(error);
    }
  }
}

/** The error chain of a command the device answered Error or CommandFormatError. */
@Resolver(() => MdmCommand)
export class MdmCommandResolver {
  @FieldResolver(() => [String], {
    description:
      'Error or CommandFormatError: the ErrorChain, one "domain code: description" line per item; empty otherwise.',
  })
  errorChain(@Root() command: MdmCommand): string[] {
    const failed = [MdmCommandStatus.error, MdmCommandStatus.commandFormatError].includes(command.status);
    return failed && command.answer ? command.answer.split('\n') : [];
  }
}
