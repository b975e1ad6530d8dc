import { ArgsType, Field, InputType, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../../shared/graphql/page-info.type.js';
import { AppleDevice, AppleDeviceSource } from '../apple-enrollment/apple-device.entity.js';
import { AutopilotDevice } from '../imports/autopilot-device.entity.js';

@InputType({ description: 'Filters of the imported Apple serials; all given filters must match (AND).' })
export class AppleDeviceFilter {
  @Field(() => AppleDeviceSource, {
    nullable: true,
    description: 'DEP (Apple Business Manager) or CONFIGURATOR.',
  })
  source?: AppleDeviceSource;

  @Field(() => String, {
    nullable: true,
    description: 'Part of the serial number (case-insensitive), 1-128 characters.',
  })
  search?: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only serials with an enrollment profile assigned; false: only those without.',
  })
  profileAssigned?: boolean;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only serials an active managed device reports; false: only those none reports yet.',
  })
  enrolled?: boolean;
}

@ArgsType()
export class AppleDevicesArgs {
  @Field(() => Int, { nullable: true, description: 'Page size (default and maximum as for managedDevices).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string;

  @Field(() => AppleDeviceFilter, { nullable: true })
  filter?: AppleDeviceFilter;
}

@ObjectType({ description: 'An edge of the imported Apple serials.', simpleResolvers: true })
export class AppleDeviceEdge {
  @Field({ description: 'Opaque cursor of this serial (order: serial number, then id).' })
  cursor!: string;

  @Field(() => AppleDevice)
  node!: AppleDevice;
}

@ObjectType({
  description:
    'A page of the Apple serials imported from Apple Business Manager or Apple Configurator lists.',
  simpleResolvers: true,
})
export class AppleDeviceConnection {
  @Field(() => [AppleDeviceEdge])
  edges!: AppleDeviceEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Serials matching the filter, over all pages.' })
  totalCount!: number;
}

@InputType({ description: 'Filters of the Autopilot registrations; all given filters must match (AND).' })
export class AutopilotDeviceFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Part of the serial number (case-insensitive), 1-128 characters.',
  })
  search?: string;

  @Field(() => String, { nullable: true, description: 'Exactly this group tag.' })
  groupTag?: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'true: only registrations an active managed device reports; false: only those none reports yet.',
  })
  enrolled?: boolean;
}

@ArgsType()
export class AutopilotDevicesArgs {
  @Field(() => Int, { nullable: true, description: 'Page size (default and maximum as for managedDevices).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'The `endCursor` of the previous page.' })
  after?: string;

  @Field(() => AutopilotDeviceFilter, { nullable: true })
  filter?: AutopilotDeviceFilter;
}

@ObjectType({ description: 'An edge of the Autopilot registrations.', simpleResolvers: true })
export class AutopilotDeviceEdge {
  @Field({ description: 'Opaque cursor of this registration (order: serial number, then id).' })
  cursor!: string;

  @Field(() => AutopilotDevice)
  node!: AutopilotDevice;
}

@ObjectType({ description: 'A page of Windows Autopilot registrations.', simpleResolvers: true })
export class AutopilotDeviceConnection {
  @Field(() => [AutopilotDeviceEdge])
  edges!: AutopilotDeviceEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Registrations matching the filter, over all pages.' })
  totalCount!: number;
}
