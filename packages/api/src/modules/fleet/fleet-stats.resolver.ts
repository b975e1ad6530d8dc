import type { GraphQLSchema } from 'graphql';
import { Resolver, Root, Subscription } from 'type-graphql';
import { Roles } from '../auth/roles.decorator.js';
import { READ_ROLES } from '../auth/role.enum.js';
import type { FleetStatsService } from './fleet-stats.service.js';
import { FleetStats } from './fleet-stats.type.js';

/**
 * The fleet-stats service of each built schema. A subscription's `subscribe` function is class
 * metadata shared by every gateway in the process, so it finds its gateway's service through
 * the executing schema (build-schema.ts registers it).
 */
export const fleetStatsBySchema = new WeakMap<GraphQLSchema, FleetStatsService>();

@Resolver()
export class FleetStatsResolver {
  @Roles(...READ_ROLES)
  @Subscription(() => FleetStats, {
    subscribe: ({ info }) => {
      const stats = fleetStatsBySchema.get(info.schema);
      if (!stats) throw new Error('fleet stats are not running in this schema');
      return stats.subscribe();
    },
    description:
      'Live fleet counts by platform, owner type, enrollment method, management state and certificate status: the current counts first, then after each change, coalesced to at most one push per FLEET_STATS_MIN_INTERVAL_MS (250 ms). Computed once per change for all subscribers.',
  })
  fleetStats(@Root() stats: FleetStats): FleetStats {
    return stats;
  }
}
