import { Field, InputType, Int, ObjectType } from 'type-graphql';
import type { RolloutBucket } from './rollout.service.js';
import type { FailureAttemptRow, FailureGroupRow, FreshnessRow } from './rollout.store.js';

@ObjectType({ description: 'Enrollments, check-ins and failed enrollment attempts in one time bucket.' })
export class RolloutBucketType implements RolloutBucket {
  @Field(() => Date, { description: 'Start of the bucket (UTC).' })
  start!: Date;

  @Field(() => Int, { description: 'Devices enrolled (by enrolledDateTime).' })
  enrollments!: number;

  @Field(() => Int, { description: 'Accepted check-ins.' })
  checkIns!: number;

  @Field(() => Int, {
    description:
      'Enrollment attempts refused, denied or failed (enrollDevice, enrollDevices), from the audit trail.',
  })
  failures!: number;

  @Field({ description: 'The bucket holds the current instant: its counts are still growing.' })
  partial!: boolean;
}

@ObjectType({
  description: 'Failed enrollment attempts that share a code, platform, method and restriction.',
})
export class EnrollmentFailureGroup implements FailureGroupRow {
  @Field({ description: 'Error code, e.g. `ENROLLMENT_RESTRICTED`, `FORBIDDEN`.' })
  code!: string;

  @Field(() => String, { nullable: true, description: 'Platform asked for; null when the input had none.' })
  platform!: string | null;

  @Field(() => String, { nullable: true, description: 'Enrollment method asked for.' })
  method!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Display name of the enrollment restriction that refused them; null for other refusals.',
  })
  restriction!: string | null;

  @Field(() => Int)
  count!: number;

  @Field(() => Date)
  lastOccurredDateTime!: Date;
}

@ObjectType({ description: 'One failed enrollment attempt, as the audit trail recorded it.' })
export class EnrollmentFailureAttempt implements FailureAttemptRow {
  @Field({ description: 'Id of its audit record.' })
  id!: string;

  @Field(() => Date)
  occurredDateTime!: Date;

  @Field({ description: '`refused` (a rule), `denied` (access) or `error` (a fault).' })
  outcome!: string;

  @Field()
  code!: string;

  @Field(() => String, { nullable: true })
  platform!: string | null;

  @Field(() => String, { nullable: true })
  method!: string | null;

  @Field(() => String, { nullable: true })
  restriction!: string | null;

  @Field(() => String, { nullable: true, description: 'The refusal message the caller received.' })
  reason!: string | null;

  @Field(() => String, { nullable: true })
  userPrincipalName!: string | null;

  @Field(() => String, { nullable: true })
  deviceName!: string | null;

  @Field(() => String, { nullable: true })
  serialNumber!: string | null;
}

@InputType({
  description:
    'One group of failed enrollment attempts; a key left out matches any value, null matches none.',
})
export class EnrollmentFailureGroupInput {
  @Field(() => String, { nullable: true })
  code?: string | null;

  @Field(() => String, { nullable: true })
  platform?: string | null;

  @Field(() => String, { nullable: true })
  method?: string | null;

  @Field(() => String, { nullable: true })
  restriction?: string | null;
}

@ObjectType({
  description:
    "Devices not retired, wiped or deleted, by when they last checked in (as Fleet's online / offline / missing).",
})
export class DeviceFreshness implements FreshnessRow {
  @Field(() => Int, { description: 'Checked in within `onlineMinutes`.' })
  online!: number;

  @Field(() => Int, { description: 'Seen before `onlineMinutes` ago but within `missingDays`.' })
  offline!: number;

  @Field(() => Int, { description: 'Not seen for `missingDays` days or more.' })
  missing!: number;
}
