import { Arg, Field, ID, InputType, Resolver, Root, Subscription } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import { SharedResults } from '../../shared/graphql/shared-results.js';
import { Topic, type DeviceEventPayload, type DeviceUpdatedPayload } from '../../events/topics.js';
import { READ_ROLES } from '../auth/role.enum.js';
import { DevicePlatform } from '../catalog/platform.enum.js';
import { DeviceChange, DeviceEvent, DeviceUpdatedEvent } from './device-event.type.js';
import type { EventDevices } from './device-event.loader.js';
import { ManagedDeviceOwnerType } from './device.enums.js';

@InputType({ description: 'Server-side filter of device events; all given fields must match.' })
export class DeviceEventFilter {
  @Field(() => DevicePlatform, { nullable: true })
  platform?: DevicePlatform;

  @Field(() => ManagedDeviceOwnerType, { nullable: true })
  managedDeviceOwnerType?: ManagedDeviceOwnerType;

  @Field(() => ID, { nullable: true, description: 'Only events of this device.' })
  deviceId?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Only events of devices affine to this UPN (case-insensitive).',
  })
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
const byFilter = ({ payload, args }: FilterArgs) => matchesDeviceFilter(payload, args.filter);

/**
 * An update passes a filter when the device matches it after the change or matched it before
 * (owner type, user): a list filtered on the old value learns that the device left it.
 */
export function matchesDeviceUpdateFilter(
  payload: DeviceUpdatedPayload,
  filter?: DeviceEventFilter | null,
): boolean {
  if (matchesDeviceFilter(payload, filter)) return true;
  return matchesDeviceFilter(
    {
      ...payload,
      managedDeviceOwnerType: payload.previousManagedDeviceOwnerType ?? payload.managedDeviceOwnerType,
      userPrincipalName: payload.previousUserPrincipalName ?? payload.userPrincipalName,
    },
    filter,
  );
}
type UpdateFilterArgs = { payload: DeviceUpdatedPayload; args: { filter?: DeviceEventFilter | null } };
const byUpdateFilter = ({ payload, args }: UpdateFilterArgs) =>
  matchesDeviceUpdateFilter(payload, args.filter);

@Resolver()
export class DeviceEventResolver {
  /** @param eventDevices the events' devices, read as events arrive and shared by their subscribers */
  constructor(private readonly eventDevices: EventDevices) {}

  @SharedResults()
  @Roles(...READ_ROLES)
  @Subscription(() => DeviceEvent, {
    topics: Topic.DeviceCheckedIn,
    filter: byFilter,
    description: 'Each committed device check-in, filtered on the server.',
  })
  /**
   * A check-in's event. Its `device` is the device as the check-in committed it when the event
   * was published on this instance by the common check-in path or an Apple Idle report (the
   * row their statement returned, its user preloaded: no read between publication and
   * delivery), with `lastSyncDateTime` this check-in's; otherwise (events from other instances
   * through Redis, check-ins that ran in their own transaction) as read when the event arrived.
   * A change committed after the check-in has its own event, delivered after this one.
   */
  deviceCheckedIn(
    @Root() payload: DeviceEventPayload,
    @Arg('filter', () => DeviceEventFilter, { nullable: true }) _filter?: DeviceEventFilter,
  ): Promise<DeviceEvent> {
    return this.toEvent(payload);
  }

  @SharedResults()
  @Roles(...READ_ROLES)
  @Subscription(() => DeviceEvent, {
    topics: Topic.DeviceEnrolled,
    filter: byFilter,
    description: 'Each committed enrollment (new or re-enrollment), filtered on the server.',
  })
  deviceEnrolled(
    @Root() payload: DeviceEventPayload,
    @Arg('filter', () => DeviceEventFilter, { nullable: true }) _filter?: DeviceEventFilter,
  ): Promise<DeviceEvent> {
    return this.toEvent(payload);
  }

  @SharedResults()
  @Roles(...READ_ROLES)
  @Subscription(() => DeviceEvent, {
    topics: Topic.DeviceRemoved,
    filter: byFilter,
    description:
      'Each committed removal of a device record: by an admin (`deleteDevice`) or by the lifecycle sweeper (Intune: 180 days after its MDM certificate expired); `device` is null since the record is gone.',
  })
  deviceRemoved(
    @Root() payload: DeviceEventPayload,
    @Arg('filter', () => DeviceEventFilter, { nullable: true }) _filter?: DeviceEventFilter,
  ): DeviceEvent {
    return Object.assign(new DeviceEvent(), {
      ...payload,
      occurredAt: new Date(payload.occurredAt),
      device: null,
    });
  }

  @SharedResults()
  @Roles(...READ_ROLES)
  @Subscription(() => DeviceUpdatedEvent, {
    topics: Topic.DeviceUpdated,
    filter: byUpdateFilter,
    description:
      'Each committed change of a device outside enrollment and check-in: ownership changes, retire/wipe/unenroll requests and their completion at a check-in. `change` says why, `changedFields` what; filtered on the server (a device matching the filter before or after the change).',
  })
  async deviceUpdated(
    @Root() payload: DeviceUpdatedPayload,
    @Arg('filter', () => DeviceEventFilter, { nullable: true }) _filter?: DeviceEventFilter,
  ): Promise<DeviceUpdatedEvent> {
    const event = await this.toEvent(payload);
    return Object.assign(new DeviceUpdatedEvent(), event, { change: payload.change as DeviceChange });
  }

  private async toEvent(payload: DeviceEventPayload): Promise<DeviceEvent> {
    const device = await this.eventDevices.of(payload);
    return Object.assign(new DeviceEvent(), { ...payload, occurredAt: new Date(payload.occurredAt), device });
  }
}
