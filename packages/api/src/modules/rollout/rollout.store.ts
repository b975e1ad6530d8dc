import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';

/**
 * Mutations whose refused attempts count as failed enrollments: one device (`enrollDevice`) or a
 * Windows bulk batch (`enrollDevices`).
 */
export const ENROLLMENT_ACTIONS = ['enrollDevice', 'enrollDevices'] as const;

/** Audit outcomes that mean the attempt enrolled nothing: a domain refusal, an access refusal, a fault. */
const FAILED_OUTCOMES = ['refused', 'denied', 'error'] as const;

/**
 * The restriction named by a refusal's message. EnrollmentRestrictedError
 * (modules/enrollment/enrollment.errors.ts) writes `refused by enrollment restriction "<name>": …`
 * and the audit keeps that message as `details.refusal`.
 */
const RESTRICTION_SQL = `substring(details->>'refusal' from 'enrollment restriction "([^"]*)"')`;
const PLATFORM_SQL = `coalesce(details->'input'->>'platform', case when action = 'enrollDevices' then 'WINDOWS' end)`;
const METHOD_SQL = `coalesce(details->'input'->>'method', case when action = 'enrollDevices' then 'BULK_ENROLL' end)`;
const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
/** Constants of this file only, so inlining them is safe (and the text is the same for every call). */
const FAILED_WHERE = `action in (${quoted(ENROLLMENT_ACTIONS)}) and outcome in (${quoted(FAILED_OUTCOMES)})`;

/** One row of {@link RolloutStore.activity}: a bucket's start and its counts. */
export interface ActivityRow {
  start: Date;
  enrollments: number;
  checkIns: number;
  failures: number;
}

/** Failed enrollment attempts with the same code, platform, method and restriction. */
export interface FailureGroupRow {
  code: string;
  platform: string | null;
  method: string | null;
  restriction: string | null;
  count: number;
  lastOccurredDateTime: Date;
}

/** One failed enrollment attempt as the audit trail recorded it. */
export interface FailureAttemptRow {
  id: string;
  occurredDateTime: Date;
  outcome: string;
  code: string;
  platform: string | null;
  method: string | null;
  restriction: string | null;
  reason: string | null;
  userPrincipalName: string | null;
  deviceName: string | null;
  serialNumber: string | null;
}

/** Which failed attempts to read: a time window and, optionally, one group's keys (null matches null). */
export interface FailureFilter {
  since: Date;
  code?: string | null;
  platform?: string | null;
  method?: string | null;
  restriction?: string | null;
}

/** Active devices by how recently they checked in, as Fleet's online / offline / missing. */
export interface FreshnessRow {
  /** Checked in at or after the online cutoff. */
  online: number;
  /** Checked in before the online cutoff, at or after the missing cutoff. */
  offline: number;
  /** Not seen since before the missing cutoff. */
  missing: number;
}

/** The SQL of the rollout read model: enrollments, check-ins and refused enrollment attempts over time. */
export class RolloutStore {
  /**
   * Counts per bucket of `bucketMinutes` for the buckets starting at `first` up to the one
   * starting at `last` (both aligned to the bucket), empty buckets included, oldest first; one statement. Enrollments by `enrolled_date_time`, accepted
   * check-ins by `checked_in_date_time`, failures from the audit trail.
   */
  async activity(em: EntityManager, first: Date, last: Date, bucketMinutes: number): Promise<ActivityRow[]> {
    const step = `${bucketMinutes} minutes`;
    const end = new Date(last.getTime() + bucketMinutes * 60_000);
    const rows = await sqlOf(em).rows<{
      start: Date;
      enrollments: number;
      check_ins: number;
      failures: number;
    }>(
      `with buckets as (select generate_series(?::timestamptz, ?::timestamptz, ?::interval) as start),
            e as (select date_bin(?::interval, enrolled_date_time, ?::timestamptz) as start, count(*)::int as n
                    from managed_device where enrolled_date_time >= ? and enrolled_date_time < ? group by 1),
            c as (select date_bin(?::interval, checked_in_date_time, ?::timestamptz) as start, count(*)::int as n
                    from device_check_in where checked_in_date_time >= ? and checked_in_date_time < ? group by 1),
            f as (select date_bin(?::interval, occurred_date_time, ?::timestamptz) as start, count(*)::int as n
                    from audit_record where occurred_date_time >= ? and occurred_date_time < ? and ${FAILED_WHERE} group by 1)
       select b.start, coalesce(e.n, 0) as enrollments, coalesce(c.n, 0) as check_ins, coalesce(f.n, 0) as failures
         from buckets b left join e on e.start = b.start left join c on c.start = b.start left join f on f.start = b.start
        order by b.start`,
      [
        first,
        last,
        step,
        ...[step, first, first, end],
        ...[step, first, first, end],
        ...[step, first, first, end],
      ],
    );
    return rows.map((r) => ({
      start: new Date(r.start),
      enrollments: Number(r.enrollments),
      checkIns: Number(r.check_ins),
      failures: Number(r.failures),
    }));
  }

  /**
   * Devices not retired, wiped or deleted, counted by their `last_sync_date_time` (the enrollment
   * time until the first check-in) against two cutoffs; one statement.
   */
  async freshness(em: EntityManager, onlineSince: Date, missingBefore: Date): Promise<FreshnessRow> {
    const row = await sqlOf(em).first<{ online: number; offline: number; missing: number }>(
      `select count(*) filter (where last_sync_date_time >= ?)::int as online,
              count(*) filter (where last_sync_date_time < ? and last_sync_date_time >= ?)::int as offline,
              count(*) filter (where last_sync_date_time < ?)::int as missing
         from managed_device where management_state not in ('retired', 'wiped', 'deletePending')`,
      [onlineSince, onlineSince, missingBefore, missingBefore],
    );
    return {
      online: Number(row?.online ?? 0),
      offline: Number(row?.offline ?? 0),
      missing: Number(row?.missing ?? 0),
    };
  }

  /** Failed enrollment attempts since `since`, grouped; largest group first, at most `limit`. */
  async failureGroups(em: EntityManager, since: Date, limit: number): Promise<FailureGroupRow[]> {
    const rows = await sqlOf(em).rows<{
      code: string | null;
      platform: string | null;
      method: string | null;
      restriction: string | null;
      count: number;
      last: string;
    }>(
      `select code, ${PLATFORM_SQL} as platform, ${METHOD_SQL} as method, ${RESTRICTION_SQL} as restriction,
              count(*)::int as count, max(occurred_date_time) as last
         from audit_record where occurred_date_time >= ? and ${FAILED_WHERE}
        group by 1, 2, 3, 4 order by count desc, last desc limit ?`,
      [since, limit],
    );
    return rows.map((r) => ({
      code: r.code ?? 'UNKNOWN',
      platform: r.platform,
      method: r.method,
      restriction: r.restriction,
      count: Number(r.count),
      lastOccurredDateTime: new Date(r.last),
    }));
  }

  /** Failed enrollment attempts matching `filter`, newest first, at most `limit`. */
  async failureAttempts(
    em: EntityManager,
    filter: FailureFilter,
    limit: number,
  ): Promise<FailureAttemptRow[]> {
    const where: string[] = ['occurred_date_time >= ?', FAILED_WHERE];
    const params: unknown[] = [filter.since];
    const key = (sql: string, value: string | null | undefined) => {
      if (value === undefined) return;
      if (value === null) where.push(`${sql} is null`);
      else {
        where.push(`${sql} = ?`);
        params.push(value);
      }
    };
    key('code', filter.code);
    key(PLATFORM_SQL, filter.platform);
    key(METHOD_SQL, filter.method);
    key(RESTRICTION_SQL, filter.restriction);
    const rows = await sqlOf(em).rows<{
      id: string;
      occurred_date_time: string;
      outcome: string;
      code: string | null;
      platform: string | null;
      method: string | null;
      restriction: string | null;
      reason: string | null;
      upn: string | null;
      device_name: string | null;
      serial_number: string | null;
    }>(
      `select id, occurred_date_time, outcome, code, ${PLATFORM_SQL} as platform, ${METHOD_SQL} as method,
              ${RESTRICTION_SQL} as restriction, details->>'refusal' as reason,
              details->'input'->>'userPrincipalName' as upn, details->'input'->>'deviceName' as device_name,
              details->'input'->>'serialNumber' as serial_number
         from audit_record where ${where.join(' and ')}
        order by occurred_date_time desc, id desc limit ?`,
      [...params, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      occurredDateTime: new Date(r.occurred_date_time),
      outcome: r.outcome,
      code: r.code ?? 'UNKNOWN',
      platform: r.platform,
      method: r.method,
      restriction: r.restriction,
      reason: r.reason,
      userPrincipalName: r.upn,
      deviceName: r.device_name,
      serialNumber: r.serial_number,
    }));
  }
}
