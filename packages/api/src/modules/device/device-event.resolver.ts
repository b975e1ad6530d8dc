import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Authorized, Field, ID, InputType, Resolver, Root, Subscription } from 'type-graphql';
import { Topic, type DeviceEventPayload } from '../../events/topics.js';
import { READ_ROLES } from '../auth/role.enum.js';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { DeviceEvent } from './device-event.type.js';
import { ManagedDevice } from './device.entity.js';
import { ManagedDeviceOwnerType } from './device.enums.js';

@InputType({ description: 'Server-side filter of device events; all given fields must match.' })
export class DeviceEventFilter {
  @Field(() => DevicePlatform, { nullable: true })
  platform?: DevicePlatform;

  @Field(() => ManagedDeviceOwnerType, { nullable: true })
  managedDeviceOwnerType?: ManagedDeviceOwnerType;

  @Field(() => ID, { nullable: true, description: 'Only events of this device.' })
  deviceId?: string;

  @Field(() => String, { nullable: true, description: 'Only events of devices affine to this UPN (case-insensitive).' })
  userPrincipalName?: string;
}

/** Whether an event passes a subscriber's filter; applied on the server before anything is sent. */
export function matchesDeviceFilter(payload: DeviceEventPayload, filter?: DeviceEventFilter | null): boolean {
  if (!filter) return true;
  return (
    (!filter.platform || filter.platform === payload.platform) &&
    (!filter.managedDeviceOwnerType || filter.managedDeviceOwnerType === payload.managedDeviceOwnerType) &&
    (!filter.deviceId || filter.deviceId === payload.deviceId) &&
    (!filter.userPrincipalName || filter.userPrincipalName.toLowerCase() === payload.userPrincipalName)
  );
}

type FilterArgs = { payload: DeviceEventPayload; args: { filter?: DeviceEventFilter | null } };

@Resolver()
export class DeviceEventResolver {
  /** @param forkEntityManager a fresh EntityManager for each subscription event (events outlive any request) */
  constructor(private readonly forkEntityManager: () => EntityManager) {}

  @Authorized(...READ_ROLES)
  @Subscription(() => DeviceEvent, {
    topics: Topic.DeviceCheckedIn,
    filter: ({ payload, args }: FilterArgs) => matchesDeviceFilter(payload, args.filter),
    description: 'Each committed device check-in, filtered on the server.',
  })
  deviceCheckedIn(
    @Root() payload: DeviceEventPayload,
    @Arg('filter', () => DeviceEventFilter, { nullable: true }) _filter?: DeviceEventFilter,
  ): Promise<DeviceEvent> {
    return this.toEvent(payload);
  }

  @Authorized(...READ_ROLES)
  @Subscription(() => DeviceEvent, {
    topics: Topic.DeviceEnrolled,
    filter: ({ payload, args }: FilterArgs) => matchesDeviceFilter(payload, args.filter),
    description: 'Each committed enrollment (new or re-enrollment), filtered on the server.',
  })
  deviceEnrolled(
    @Root() payload: DeviceEventPayload,
    @Arg('filter', () => DeviceEventFilter, { nullable: true }) _filter?: DeviceEventFilter,
  ): Promise<DeviceEvent> {
    return this.toEvent(payload);
  }

  private async toEvent(payload: DeviceEventPayload): Promise<DeviceEvent> {
    const device = await this.forkEntityManager().findOne(ManagedDevice, payload.deviceId, { populate: ['user'] });
    return Object.assign(new DeviceEvent(), { ...payload, occurredAt: new Date(payload.occurredAt), device });
  }
}
