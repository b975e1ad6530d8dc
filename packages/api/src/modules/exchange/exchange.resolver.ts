import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver, createUnionType } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import {
  InvalidInputError,
  NotFoundErrorType,
  OperationRefusedError,
  toUserError,
} from '../../shared/graphql/user-error.types.js';
import { OPERATE_ROLES, READ_ROLES, Role } from '../auth/role.enum.js';
import {
  EasDevice,
  ExchangeAccessState,
  ExchangeConnector,
  ExchangeConnectorStatus,
  ExchangeConnectorType,
} from './exchange.entity.js';
import type { ExchangeService } from './exchange.service.js';

@ObjectType()
export class ExchangeConnectorSuccess {
  @Field(() => ExchangeConnector)
  connector!: ExchangeConnector;
}

export const ExchangeConnectorResult = createUnionType({
  name: 'ExchangeConnectorResult',
  types: () =>
    [ExchangeConnectorSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@ObjectType()
export class EasDeviceSuccess {
  @Field(() => EasDevice)
  easDevice!: EasDevice;
}

export const EasDeviceResult = createUnionType({
  name: 'EasDeviceResult',
  types: () => [EasDeviceSuccess, InvalidInputError, NotFoundErrorType, OperationRefusedError] as const,
});

@Resolver()
export class ExchangeResolver {
  constructor(private readonly exchange: ExchangeService) {}

  @Roles(...READ_ROLES)
  @Query(() => [ExchangeConnector], { description: 'Exchange connectors.' })
  exchangeConnectors(@Ctx() ctx: GraphQLContext): Promise<ExchangeConnector[]> {
    return this.exchange.connectors(ctx.em);
  }

  @Roles(...READ_ROLES)
  @Query(() => [EasDevice], {
    description:
      'Devices known through Exchange ActiveSync (managementAgent eas), optionally of one connector; at most 5,000.',
  })
  easDevices(
    @Arg('connectorId', () => ID, { nullable: true }) connectorId: string | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<EasDevice[]> {
    return this.exchange.devices(ctx.em, connectorId);
  }

  @Roles(Role.ADMIN)
  @Mutation(() => ExchangeConnectorResult, {
    description: 'Registers an Exchange connector (on-premises or hosted).',
  })
  async createExchangeConnector(
    @Arg('serverName') serverName: string,
    @Arg('exchangeConnectorType', () => ExchangeConnectorType) type: ExchangeConnectorType,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof ExchangeConnectorResult> {
    try {
      return Object.assign(new ExchangeConnectorSuccess(), {
        connector: await this.exchange.createConnector(ctx.em, serverName, type),
      });
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(Role.ADMIN)
  @Mutation(() => ExchangeConnectorResult, {
    description: 'Records the connector status (connected / disconnected).',
  })
  async setExchangeConnectorStatus(
    @Arg('connectorId', () => ID) connectorId: string,
    @Arg('status', () => ExchangeConnectorStatus) status: ExchangeConnectorStatus,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof ExchangeConnectorResult> {
    try {
      return Object.assign(new ExchangeConnectorSuccess(), {
        connector: await this.exchange.setConnectorStatus(ctx.em, connectorId, status),
      });
    } catch (error) {
      return toUserError(error);
    }
  }

  @Roles(...OPERATE_ROLES)
  @Mutation(() => EasDeviceResult, {
    description: "Sets a device's access state under the EAS MDM policy (allowed, blocked, quarantined).",
  })
  async setEasDeviceAccessState(
    @Arg('id', () => ID) id: string,
    @Arg('accessState', () => ExchangeAccessState) accessState: ExchangeAccessState,
    @Ctx() ctx: GraphQLContext,
  ): Promise<typeof EasDeviceResult> {
    try {
      return Object.assign(new EasDeviceSuccess(), {
        easDevice: await this.exchange.setAccessState(ctx.em, id, accessState),
      });
    } catch (error) {
      return toUserError(error);
    }
  }
}
