import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { InputValidationError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import type {
  ActivityRow,
  FailureAttemptRow,
  FailureFilter,
  FailureGroupRow,
  FreshnessRow,
  RolloutStore,
} from './rollout.store.js';

const MINUTE_MS = 60_000;
/** The longest window the dashboard offers: 7 days. */
export const MAX_RANGE_MINUTES = 7 * 24 * 60;
/** At most this many buckets per answer (one per minute for a day). */
const MAX_BUCKETS = 1_440;

/** One bucket of {@link RolloutService.activity}. */
export interface RolloutBucket extends ActivityRow {
  /** The bucket contains `now`: its counts are still growing. */
  partial: boolean;
}

/**
 * The rollout read model: enrollments, check-ins and failed enrollment attempts over time, and
 * the failed attempts grouped by why they failed. Failures come from the audit trail, which
 * records every refused, denied or failed mutation (modules/audit/audit-mutations.ts).
 */
export class RolloutService {
  constructor(
    private readonly clock: Clock,
    private readonly store: RolloutStore,
  ) {}

  /**
   * Counts per `bucketMinutes` over the last `rangeMinutes`, oldest first, buckets aligned to
   * multiples of their size since the Unix epoch (UTC); the last one holds now and is `partial`.
   * @throws InputValidationError unless 1 <= rangeMinutes <= 10080, 1 <= bucketMinutes <= 1440 and
   *   the range holds at most 1,440 buckets
   */
  async activity(em: EntityManager, rangeMinutes: number, bucketMinutes: number): Promise<RolloutBucket[]> {
    const range = validateInput(z.number().int().min(1).max(MAX_RANGE_MINUTES), rangeMinutes, 'rangeMinutes');
    const bucket = validateInput(z.number().int().min(1).max(1_440), bucketMinutes, 'bucketMinutes');
    if (Math.ceil(range / bucket) > MAX_BUCKETS) {
      throw new InputValidationError([
        { field: 'bucketMinutes', rule: 'maxBuckets', message: `gives more than ${MAX_BUCKETS} buckets` },
      ]);
    }
    const now = this.clock.now().getTime();
    const size = bucket * MINUTE_MS;
    const last = Math.floor(now / size) * size;
    const first = last - (Math.ceil(range / bucket) - 1) * size;
    const rows = await this.store.activity(em, new Date(first), new Date(last), bucket);
    return rows.map((row) => ({ ...row, partial: row.start.getTime() === last }));
  }

  /**
   * Failed enrollment attempts of the last `sinceMinutes`, grouped by code, platform, method and
   * restriction, largest group first (at most 100 groups).
   * @throws InputValidationError unless 1 <= sinceMinutes <= 10080
   */
  failureGroups(em: EntityManager, sinceMinutes: number): Promise<FailureGroupRow[]> {
    return this.store.failureGroups(em, this.since(sinceMinutes), 100);
  }

  /**
   * The failed enrollment attempts of one group (keys left out match any value), newest first.
   * @throws InputValidationError unless 1 <= sinceMinutes <= 10080 and 1 <= first <= 500
   */
  failureAttempts(
    em: EntityManager,
    sinceMinutes: number,
    group: Omit<FailureFilter, 'since'>,
    first: number,
  ): Promise<FailureAttemptRow[]> {
    const limit = validateInput(z.number().int().min(1).max(500), first, 'first');
    return this.store.failureAttempts(em, { ...group, since: this.since(sinceMinutes) }, limit);
  }

  /**
   * Active devices as online (checked in within `onlineMinutes`), offline, or missing (not seen
   * for `missingDays` days), like Fleet's host status.
   * @throws InputValidationError unless 1 <= onlineMinutes <= 10080 and 1 <= missingDays <= 3650
   */
  freshness(em: EntityManager, onlineMinutes: number, missingDays: number): Promise<FreshnessRow> {
    const online = validateInput(
      z.number().int().min(1).max(MAX_RANGE_MINUTES),
      onlineMinutes,
      'onlineMinutes',
    );
    const days = validateInput(z.number().int().min(1).max(3650), missingDays, 'missingDays');
    const now = this.clock.now().getTime();
    return this.store.freshness(
      em,
      new Date(now - online * MINUTE_MS),
      new Date(now - days * 1_440 * MINUTE_MS),
    );
  }

  private since(sinceMinutes: number): Date {
    const minutes = validateInput(
      z.number().int().min(1).max(MAX_RANGE_MINUTES),
      sinceMinutes,
      'sinceMinutes',
    );
    return new Date(this.clock.now().getTime() - minutes * MINUTE_MS);
  }
}
