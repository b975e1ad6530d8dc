import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import { READ_ROLES } from '../auth/role.enum.js';
import type { ImportedDevicesService } from './imported-devices.service.js';
import {
  AppleDeviceConnection,
  AppleDevicesArgs,
  AutopilotDeviceConnection,
  AutopilotDevicesArgs,
} from './imported-devices.types.js';

@Resolver()
export class ImportedDevicesResolver {
  constructor(private readonly importedDevices: ImportedDevicesService) {}

  @Roles(...READ_ROLES)
  @Query(() => AppleDeviceConnection, {
    description:
      'The Apple serials imported from Apple Business Manager (DEP) or Apple Configurator lists, with their profile status; Relay pages ordered by serial number.',
  })
  appleDevices(@Args() args: AppleDevicesArgs, @Ctx() ctx: GraphQLContext): Promise<AppleDeviceConnection> {
    return this.importedDevices.appleDevices(ctx.em, args);
  }

  @Roles(...READ_ROLES)
  @Query(() => AutopilotDeviceConnection, {
    description:
      'The Windows Autopilot registrations imported from CSV files; Relay pages ordered by serial number.',
  })
  autopilotDevices(
    @Args() args: AutopilotDevicesArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AutopilotDeviceConnection> {
    return this.importedDevices.autopilotDevices(ctx.em, args);
  }
}
