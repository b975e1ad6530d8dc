import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import { READ_ROLES } from '../auth/role.enum.js';
import { ManagedDevice } from '../device/device.entity.js';
import type { ActivityBucket, CertificateWatchItem, FleetInsightsService } from './fleet-insights.service.js';

@ObjectType({ description: 'Enrollments and check-ins in one minute.' })
export class ActivityBucketType implements ActivityBucket {
  @Field(() => Date, { description: 'Start of the minute (UTC).' })
  minute!: Date;

  @Field(() => Int)
  enrollments!: number;

  @Field(() => Int, { description: 'Accepted check-ins.' })
  checkIns!: number;
}

@ObjectType('CertificateWatchItem', {
  description: 'A device whose MDM certificate expires soon or has expired.',
})
export class CertificateWatchItemType implements CertificateWatchItem {
  @Field(() => ManagedDevice)
  device!: ManagedDevice;

  @Field(() => Date, { description: 'notAfter of the current certificate (UTC).' })
  notAfter!: Date;

  @Field(() => Int, { description: 'Whole days until notAfter; negative once expired.' })
  daysLeft!: number;

  @Field(() => Date, {
    description:
      'When the device is removed if it never renews: notAfter + DEVICE_REMOVAL_AFTER_EXPIRY_DAYS (Intune: 180 days).',
  })
  removalDateTime!: Date;
}

@Resolver()
export class FleetInsightsResolver {
  constructor(private readonly insights: FleetInsightsService) {}

  @Roles(...READ_ROLES)
  @Query(() => [ActivityBucketType], {
    description:
      'Enrollments and check-ins per minute over the last `minutes` minutes (1-1440, default 60), oldest first.',
  })
  fleetActivity(
    @Ctx() ctx: GraphQLContext,
    @Arg('minutes', () => Int, { defaultValue: 60 }) minutes: number,
  ): Promise<ActivityBucket[]> {
    return this.insights.activity(ctx.em, minutes);
  }

  @Roles(...READ_ROLES)
  @Query(() => [CertificateWatchItemType], {
    description:
      'Devices whose current MDM certificate expires within `withinDays` days (default 30) or, unless `includeExpired` is false, has expired; soonest first (most overdue first), with their removal date (expiry + 180 days).',
  })
  certificateWatchlist(
    @Ctx() ctx: GraphQLContext,
    @Arg('withinDays', () => Int, { defaultValue: 30 }) withinDays: number,
    @Arg('first', () => Int, { defaultValue: 100, description: 'At most this many, 1-500.' }) first: number,
    @Arg('includeExpired', () => Boolean, {
      defaultValue: true,
      description:
        'Whether certificates already past notAfter are listed (default true); false lists only those still valid.',
    })
    includeExpired: boolean,
  ): Promise<CertificateWatchItem[]> {
    return this.insights.certificateWatchlist(ctx.em, withinDays, first, includeExpired);
  }
}
