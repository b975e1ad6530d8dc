import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import { READ_ROLES } from '../auth/role.enum.js';
import type { RolloutService } from './rollout.service.js';
import {
  DeviceFreshness,
  EnrollmentFailureAttempt,
  EnrollmentFailureGroup,
  EnrollmentFailureGroupInput,
  RolloutBucketType,
} from './rollout.types.js';

@Resolver()
export class RolloutResolver {
  constructor(private readonly rollout: RolloutService) {}

  @Roles(...READ_ROLES)
  @Query(() => [RolloutBucketType], {
    description:
      'Enrollments, check-ins and failed enrollment attempts per `bucketMinutes` (1-1440, default 1) over the last `rangeMinutes` (1-10080, default 60), oldest first; at most 1,440 buckets; the last is partial.',
  })
  rolloutActivity(
    @Ctx() ctx: GraphQLContext,
    @Arg('rangeMinutes', () => Int, { defaultValue: 60 }) rangeMinutes: number,
    @Arg('bucketMinutes', () => Int, { defaultValue: 1 }) bucketMinutes: number,
  ): Promise<RolloutBucketType[]> {
    return this.rollout.activity(ctx.em, rangeMinutes, bucketMinutes);
  }

  @Roles(...READ_ROLES)
  @Query(() => [EnrollmentFailureGroup], {
    description:
      'Failed enrollment attempts of the last `sinceMinutes` (1-10080, default 60) grouped by code, platform, method and restriction, largest first; at most 100 groups.',
  })
  enrollmentFailures(
    @Ctx() ctx: GraphQLContext,
    @Arg('sinceMinutes', () => Int, { defaultValue: 60 }) sinceMinutes: number,
  ): Promise<EnrollmentFailureGroup[]> {
    return this.rollout.failureGroups(ctx.em, sinceMinutes);
  }

  @Roles(...READ_ROLES)
  @Query(() => [EnrollmentFailureAttempt], {
    description:
      'Failed enrollment attempts of the last `sinceMinutes` (1-10080, default 60), optionally of one group, newest first; `first` 1-500 (default 50).',
  })
  enrollmentFailureAttempts(
    @Ctx() ctx: GraphQLContext,
    @Arg('sinceMinutes', () => Int, { defaultValue: 60 }) sinceMinutes: number,
    @Arg('group', () => EnrollmentFailureGroupInput, { nullable: true })
    group: EnrollmentFailureGroupInput | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
  ): Promise<EnrollmentFailureAttempt[]> {
    return this.rollout.failureAttempts(ctx.em, sinceMinutes, group ?? {}, first);
  }

  @Roles(...READ_ROLES)
  @Query(() => DeviceFreshness, {
    description:
      'Active devices as online (checked in within `onlineMinutes`, 1-10080, default 60), offline, or missing (not seen for `missingDays`, 1-3650, default 30).',
  })
  deviceFreshness(
    @Ctx() ctx: GraphQLContext,
    @Arg('onlineMinutes', () => Int, { defaultValue: 60 }) onlineMinutes: number,
    @Arg('missingDays', () => Int, { defaultValue: 30 }) missingDays: number,
  ): Promise<DeviceFreshness> {
    return this.rollout.freshness(ctx.em, onlineMinutes, missingDays);
  }
}
