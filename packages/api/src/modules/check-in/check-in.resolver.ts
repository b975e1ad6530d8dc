import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  createUnionType,
} from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import { READ_ROLES, Role } from '../auth/role.enum.js';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { ManagedDevice } from '../device/device.entity.js';
import { CheckInInput } from './check-in.input.js';
import type { CheckInService } from './check-in.service.js';
import { DeviceCheckIn } from './device-check-in.entity.js';

@ObjectType({ description: 'The check-in was recorded.' })
export class CheckInSuccess {
  @Field(() => ManagedDevice, {
    description: 'The device with its new `lastSyncDateTime` (and completed pending action, if any).',
  })
  device!: ManagedDevice;

  @Field(() => MdmCertificate, {
    nullable: true,
    description:
      'The new certificate when this check-in renewed it (inside CERT_RENEWAL_WINDOW_DAYS); the old one is superseded. Null otherwise.',
  })
  renewedCertificate!: MdmCertificate | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Private key (PKCS#8 PEM) of the renewed certificate, once, when no CSR was sent; never stored.',
  })
  privateKeyPem!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Device token (HMAC check-ins) bound to the renewed certificate; null without renewal.',
  })
  deviceToken!: string | null;
}

export const CheckInResult = createUnionType({
  name: 'CheckInResult',
  description:
    'The checked-in device, or why the check-in was refused (nothing is written then): DEVICE_CREDENTIAL_INVALID (one answer for every failed proof, unknown device or certificate included), then, to the holder of the credential, INVALID_DEVICE_STATE, CERTIFICATE_REVOKED, CERTIFICATE_EXPIRED, CHECK_IN_REPLAYED; BAD_USER_INPUT.',
  types: () => [CheckInSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@Resolver()
export class CheckInResolver {
  constructor(private readonly checkIns: CheckInService) {}

  @Roles(Role.DEVICE)
  @Mutation(() => CheckInResult, {
    description:
      'A device checks in as itself, proving possession of its MDM certificate credential: updates `lastSyncDateTime`, completes a pending retire/wipe, renews the certificate inside the renewal window, and publishes `deviceCheckedIn` after commit.',
  })
  async checkIn(
    @Arg('input', () => CheckInInput) input: CheckInInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof CheckInResult> {
    try {
      const { device, renewal } = await this.checkIns.checkIn(ctx.em, input, ctx.inlineAudit);
      return Object.assign(new CheckInSuccess(), {
        device,
        renewedCertificate: renewal?.certificate ?? null,
        privateKeyPem: renewal?.privateKeyPem ?? null,
        deviceToken: renewal?.deviceToken ?? null,
      });
    } catch (error) {
      return toUserError(error);
    }
  }
}

@Resolver(() => DeviceCheckIn)
export class DeviceCheckInResolver {
  constructor(private readonly checkIns: CheckInService) {}

  @Roles(...READ_ROLES)
  @Query(() => [DeviceCheckIn], {
    description:
      'Recent accepted check-ins, newest first: of one device, or of the fleet. Kept CHECK_IN_HISTORY_DAYS (30) days.',
  })
  recentCheckIns(
    @Arg('deviceId', () => ID, { nullable: true, description: 'Only this device.' }) deviceId: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'How many, 1-100; default 20.' })
    first: number | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DeviceCheckIn[]> {
    return this.checkIns.recent(ctx.em, { deviceId, first });
  }

  @FieldResolver(() => ID, { description: 'The device that checked in.' })
  deviceId(@Root() checkIn: DeviceCheckIn): string {
    return checkIn.device.id;
  }
}
