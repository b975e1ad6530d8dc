import { Ctx, Field, Float, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { GraphQLContext } from '../../shared/context.js';
import { Role } from '../auth/role.enum.js';
import type { LifecycleSweeper } from './lifecycle-sweeper.service.js';

@ObjectType({ description: 'What one lifecycle sweep did (each transition also published as an event).' })
export class LifecycleSweepReport {
  @Field({ description: 'True when another instance was sweeping at that moment, so this run did nothing.' })
  skipped!: boolean;

  @Field(() => Int, {
    description: 'Certificates that crossed an expiring threshold (certificateExpiring events).',
  })
  expiring!: number;

  @Field(() => Int, { description: 'Certificates that passed notAfter (certificateExpired events).' })
  expired!: number;

  @Field(() => Int, {
    description:
      'Devices removed DEVICE_REMOVAL_AFTER_EXPIRY_DAYS (180) after certificate expiry (deviceRemoved events).',
  })
  removed!: number;

  @Field(() => Int, { description: 'Check-in history rows older than CHECK_IN_HISTORY_DAYS deleted.' })
  prunedCheckIns!: number;

  @Field(() => Date, {
    description: "The gateway clock's now (whole seconds, UTC) the sweep applied the rules at.",
  })
  sweptAt!: Date;

  @Field(() => Float, { description: 'Wall time of the sweep in milliseconds.' })
  durationMs!: number;
}

@Resolver()
export class LifecycleResolver {
  constructor(private readonly sweeper: LifecycleSweeper) {}

  @Roles(Role.ADMIN)
  @Mutation(() => LifecycleSweepReport, {
    description:
      'Runs the certificate lifecycle sweep now (it also runs every LIFECYCLE_SWEEP_INTERVAL_MS): expiring, expired, device removal.',
  })
  async runLifecycleSweep(@Ctx() ctx: GraphQLContext): Promise<LifecycleSweepReport> {
    // Waits for the events to be published too: the report counts them (expiring, expired).
    const committed = await this.sweeper.sweep(ctx.em);
    return Object.assign(new LifecycleSweepReport(), await committed.published);
  }
}
