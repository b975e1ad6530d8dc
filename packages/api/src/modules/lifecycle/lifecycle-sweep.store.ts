import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';
import { Topic } from '../../events/topics.js';
import type { DevicePlatform } from '../catalog/platform.enum.js';
import type { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import { DeviceStore } from '../device/device.store.js';
import type { ManagedDeviceOwnerType } from '../device/device.enums.js';
import { liveSql, plusDays, questionMarks, type LifecyclePolicy } from './lifecycle.policy.js';

/** Stateless; one serves every sweep. */
const deviceStore = new DeviceStore();

/**
 * The SQL of the lifecycle sweep (lifecycle-sweeper.service.ts runs it, in one REPEATABLE READ
 * transaction): {@link LifecycleSweepStore} runs the statements, which the functions below build
 * (pure: statement text with `?` parameters, in the order they appear, from the sweep's instant,
 * the policy's rules and the marks).
 *
 * Why marks instead of a status per row: writing 400,000 certificate rows (new tuple
 * versions, every index of the table) was most of a 60 s sweep over 1,000,000 devices. A
 * certificate's status is a function of its notAfter and the time (lifecycle.policy.ts); what a
 * sweep must know is only what earlier sweeps already reported. The rule (report a threshold when
 * the certificate is seen inside a smaller one than before; report expiry once) depends only on the
 * largest instant M among the sweeps that saw the certificate, because thresholds and expiry only
 * move forward with time. A sweep "saw" a certificate when the transaction that created it
 * (`created_xid`) is visible in the sweep's snapshot, which is exact whatever the order of commits
 * and clocks. Marks form a staircase: a mark is dropped once a later sweep has an instant at least
 * as large (every certificate the old one saw, the new one saw too), so with a monotonic clock there
 * is one mark; a clock moved back (tests, demos) keeps a few.
 */

/** A sweep mark: the instant of an earlier sweep and the snapshot its transitions were found in. */
export interface SweepMark {
  sweptAt: Date;
  /** `pg_snapshot` text (xmin:xmax:xip,...). */
  snapshot: string;
}

/** One statement: its text (`?` placeholders) and its parameters in their order. */
export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * An event row of the sweep's cursors, as an array in the column order both cursors select (topic,
 * device id, certificate id, serial number, notAfter as ISO text, threshold days, platform, owner
 * type, enrollment method, user principal name).
 */
export type SweepEventRow = [
  topic: string,
  deviceId: string,
  certificateId: string | null,
  serialNumber: string | null,
  notAfter: string | null,
  thresholdDays: number | null,
  platform: DevicePlatform,
  ownerType: ManagedDeviceOwnerType,
  enrollmentMethod: EnrollmentMethodKind,
  userPrincipalName: string | null,
];

/** The sweep's two event cursors, in the order their events are published. */
export const SWEEP_CURSORS = ['sweep_certificates', 'sweep_removals'] as const;
export type SweepCursor = (typeof SWEEP_CURSORS)[number];

/** Certificates whose status can still move with time (lifecycle.policy.ts LIVE_STATUSES). */
const LIVE = liveSql('c.status');
const CANDIDATE_COLUMNS = `c.id, c.device_id, c.serial_number, c.not_after, c.created_xid`;

/** An instant as the ISO-8601 UTC text events carry (cheaper than a Date parsed by the driver, then formatted). */
const ISO = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The certificate transitions since the marks, with their event payloads (a SELECT: the sweeper
 * declares it as a holdable cursor and streams it after commit).
 *
 * Candidates (index scans, never the whole fleet once a mark exists): certificates the latest mark
 * (smallest instant P) did not see (created_xid at or above its xmax, or in its list of transactions in
 * progress), and
 * seen ones whose notAfter lies where a transition can have happened between P and now S: [P, S)
 * for expiry and [P + t, S + t) for each threshold t. For each candidate, M = the largest instant
 * among the marks that saw it (null: unseen). Expired when notAfter < S (valid at notAfter, expired
 * one second later) and (M is null or notAfter >= M). Expiring when notAfter >= S, t(S) = the
 * smallest threshold with notAfter − S < t days exists, and (M is null or no threshold held at M or
 * t(S) < t(M)); the event carries t(S), so a certificate first seen with 3 days left reports 7 once.
 */
export function certificateTransitions(
  now: Date,
  policy: LifecyclePolicy,
  marks: readonly SweepMark[],
): Statement {
  const values: unknown[] = [];
  // Every `?` is bound where it appears: the text is built left to right, so `values` follows it.
  const p = questionMarks(values);
  const thresholdsDays = policy.thresholdsDays;
  const latest = marks.reduce<SweepMark | undefined>(
    (min, m) => (!min || m.sweptAt < min.sweptAt ? m : min),
    undefined,
  );
  const horizon = () => `${p(policy.expiringWindow(now).until)}::timestamptz`;
  const branches = (): string => {
    if (!latest)
      return `select ${CANDIDATE_COLUMNS} from mdm_certificate c where ${LIVE} and c.not_after < ${horizon()}`;
    // Unseen: created by a transaction at or after the snapshot's xmax, or by one in progress then
    // (its xip list, usually short), both index scans of created_xid. Not `>= xmin`: xmin is
    // cluster-wide, so a long transaction in any database would turn that into a scan of the fleet.
    const [, xmax, xip] = latest.snapshot.split(':');
    const union = [
      `select ${CANDIDATE_COLUMNS} from mdm_certificate c
        where ${LIVE} and c.created_xid >= ${p(xmax)}::xid8 and c.not_after < ${horizon()}`,
    ];
    if (xip) {
      union.push(
        `select ${CANDIDATE_COLUMNS} from mdm_certificate c
          where ${LIVE} and c.created_xid = any(${p(`{${xip}}`)}::xid8[]) and c.not_after < ${horizon()}`,
      );
    }
    if (latest.sweptAt < now) {
      const ranges = mergeRanges(
        [0, ...thresholdsDays].map((t) => [
          plusDays(latest.sweptAt, t).getTime(),
          plusDays(now, t).getTime(),
        ]),
      );
      for (const [from, to] of ranges) {
        // `created_xid < xmax` is implied by the visibility test but lets the planner see, from the
        // column's statistics, when few certificates were seen (a sweep after a mass enrollment:
        // an index scan of created_xid instead of the notAfter range, 0.14-0.32 s on 1,000,000).
        union.push(
          `select ${CANDIDATE_COLUMNS} from mdm_certificate c
            where ${LIVE} and c.not_after >= ${p(new Date(from))} and c.not_after < ${p(new Date(to))}
              and c.created_xid < ${p(xmax)}::xid8 and pg_visible_in_snapshot(c.created_xid, ${p(latest.snapshot)}::pg_snapshot)`,
        );
      }
    }
    return union.join('\n              union all\n              ');
  };
  // The smallest threshold the certificate is inside at an instant, as a CASE chain (smallest first).
  const thresholdAt = (instant: string) => policy.sql.thresholdAt('c.not_after', instant);
  // M: the first mark (largest instant first) whose snapshot sees the certificate.
  const lastSeen = () =>
    marks.length
      ? `case ${[...marks]
          .sort((a, b) => b.sweptAt.getTime() - a.sweptAt.getTime())
          .map(
            (m) =>
              `when pg_visible_in_snapshot(c.created_xid, ${p(m.snapshot)}::pg_snapshot) then ${p(m.sweptAt)}::timestamptz`,
          )
          .join(' ')} end`
      : 'null::timestamptz';
  // S, the sweep's instant, is bound once as column `s` of the candidates.
  const text = `
select case when x.expired then '${Topic.CertificateExpired}' else '${Topic.CertificateExpiring}' end as topic,
       x.device_id, x.id as certificate_id, x.serial_number, ${ISO('x.not_after')} as not_after, case when x.expired then null else x.t_now end as threshold_days,
       d.platform, d.managed_device_owner_type, d.enrollment_method, u.user_principal_name
  from (
    select c.*, ${thresholdAt('c.m')} as t_prev
      from (select c.*, ${policy.sql.expired('c.not_after', now, p)} as expired, ${thresholdAt('c.s')} as t_now, ${lastSeen()} as m
              from (select c.*, ${p(now)}::timestamptz as s
                      from (${branches()}) c) c) c
     where c.m is null or c.m < c.s
  ) x
  join managed_device d on d.id = x.device_id left join app_user u on u.id = d.user_id
 where case when x.expired then x.m is null or x.not_after >= x.m
            else x.t_now is not null and (x.m is null or x.t_prev is null or x.t_now < x.t_prev) end`;
  return { text, values };
}

/**
 * Devices due for removal at `now` (lifecycle.policy.ts `removalDue`; Intune: "removed ... 180 days
 * after the MDM certificate expires"): the certificate expired more than the removal delay ago (and, {@link KEEP_DEVICES_WITH_LIVE_CERTIFICATE},
 * no live certificate remains). Kept in a
 * temporary table (dropped at commit) with their physical addresses, so the removal events and the
 * delete read the same rows without computing the set twice, and the delete visits them in
 * physical order.
 */
export function collectDueDevices(now: Date, policy: LifecyclePolicy): Statement {
  const values: unknown[] = [];
  const due = policy.sql.removalDue('d.management_certificate_expiration_date', now, questionMarks(values));
  const text = `
create temp table lifecycle_due_device on commit drop as
select d.ctid as tid, d.id from managed_device d where ${due}`;
  return { text, values };
}

/**
 * The certificates of the due devices, in one pass over the certificates (a hash join with the due
 * devices, or index probes when few are due), with their physical addresses and whether each is
 * live at now. After ANALYZE of the due devices, so the plan follows their real number (none in most
 * sweeps). The one pass serves both {@link KEEP_DEVICES_WITH_LIVE_CERTIFICATE} and
 * {@link REMOVE_DUE_CERTIFICATES}: an anti-join for the first and a join for the second scanned the
 * certificates twice (0.78 s of database CPU against 0.52-0.62 s, 1,000,000 devices, 100,000 due).
 */
export function collectDueCertificates(now: Date, policy: LifecyclePolicy): Statement {
  const values: unknown[] = [];
  const expired = policy.sql.expired('c.not_after', now, questionMarks(values));
  const text = `
create temp table lifecycle_due_certificate on commit drop as
select c.ctid as tid, c.device_id, (${LIVE} and not (${expired})) as live
  from mdm_certificate c join lifecycle_due_device k on k.id = c.device_id`;
  return { text, values };
}

/** Keeps a due device only when no live certificate remains (one still valid at now, e.g. after a re-enrollment). */
export const KEEP_DEVICES_WITH_LIVE_CERTIFICATE = `delete from lifecycle_due_device k using lifecycle_due_certificate x where x.device_id = k.id and x.live`;

/** Deletes the certificates of the devices still due, by physical address (DEVICE_CHILD_TABLES in device.store.ts: no foreign key). */
export const REMOVE_DUE_CERTIFICATES = `
delete from mdm_certificate c
 where c.ctid = any(array(select x.tid from lifecycle_due_certificate x join lifecycle_due_device k on k.id = x.device_id))`;

/** The removal events: every due device with its payload (a SELECT, declared as a holdable cursor before the delete). */
export const REMOVAL_EVENTS = `
select '${Topic.DeviceRemoved}' as topic, d.id as device_id, null::uuid as certificate_id, null as serial_number, null::text as not_after,
       null::int as threshold_days, d.platform, d.managed_device_owner_type, d.enrollment_method, u.user_principal_name
  from managed_device d left join app_user u on u.id = d.user_id
 where d.ctid = any(array(select tid from lifecycle_due_device))`;

/**
 * Deletes the due devices in physical order, after their certificates and check-in history
 * (DEVICE_CHILD_TABLES in device.store.ts: set-based, no foreign key). With the former `ON DELETE CASCADE` keys this
 * statement fired a trigger per device and key (one SPI `DELETE` each): 1.39 s, against 0.26 s for
 * it now plus 0.48 s for the set-based child deletes (1,000,000-device benchmark, 100,000 due).
 * In the sweep's REPEATABLE READ transaction a row changed concurrently fails the sweep (retried)
 * rather than being deleted without its event.
 */
export const REMOVE_DUE_DEVICES = `delete from managed_device d where d.ctid = any(array(select tid from lifecycle_due_device))`;

/**
 * Records this sweep's mark with the transaction's snapshot (REPEATABLE READ: the same snapshot the
 * cursors were declared in), keeping only the earlier marks with a later instant (the staircase).
 * One row (`lifecycle_sweep_state`) holds the list.
 */
export function recordMark(now: Date, marks: readonly SweepMark[]): Statement {
  const kept = marks
    .filter((m) => m.sweptAt > now)
    .map((m) => ({ sweptAt: m.sweptAt.toISOString(), snapshot: m.snapshot }));
  const text = `
insert into lifecycle_sweep_state (id, marks)
values (1, ?::jsonb || jsonb_build_array(jsonb_build_object('sweptAt', ?::text, 'snapshot', pg_current_snapshot()::text)))
on conflict (id) do update set marks = excluded.marks`;
  return { text, values: [JSON.stringify(kept), now.toISOString()] };
}

/** The marks stored by {@link recordMark}. */
export const READ_MARKS = `select marks from lifecycle_sweep_state where id = 1`;

/** Parses the stored marks (`[{ sweptAt, snapshot }]`). */
export function parseMarks(stored: unknown): SweepMark[] {
  if (!Array.isArray(stored)) return [];
  return stored.map((m: { sweptAt: string; snapshot: string }) => ({
    sweptAt: new Date(m.sweptAt),
    snapshot: m.snapshot,
  }));
}

/** Half-open [from, to) millisecond ranges, overlapping ones merged. */
function mergeRanges(ranges: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [from, to] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

/** Key of the transaction-scoped advisory lock that lets one sweep run at a time across instances. */
const SWEEP_LOCK_KEY = 0x6d646d01; // "mdm" + 1

/**
 * The statements of a lifecycle sweep, each run in the sweep's transaction `tx` (REPEATABLE READ,
 * `em.transactional`): the order the sweeper calls them in is in lifecycle-sweeper.service.ts. The
 * event cursors are declared WITH HOLD: the server materialises them at commit (no table writes)
 * and they outlive it, on the transaction's connection, until {@link closeCursors}.
 */
export class LifecycleSweepStore {
  /**
   * Takes the sweep lock until `tx` ends (`pg_try_advisory_xact_lock`, never waits).
   * @returns false when another transaction (another instance's sweep) holds it
   */
  async tryLock(tx: EntityManager): Promise<boolean> {
    const row = await sqlOf(tx).first<{ locked: boolean }>('select pg_try_advisory_xact_lock(?) as locked', [
      SWEEP_LOCK_KEY,
    ]);
    return row?.locked === true;
  }

  /**
   * Settings of the sweep's transaction: room for the hash joins of a large sweep; JIT compilation
   * off (it costs more than it saves on these plans); cursor_tuple_fraction 1, because the event
   * cursors are read to the end (materialised at commit), so they are planned for all their rows,
   * not the default first 10 % (hash joins, not probes: 1.2-1.9 s instead of 1.8-2.3 s for the
   * commit of the 1,000,000-device benchmark).
   */
  async tune(tx: EntityManager): Promise<void> {
    await sqlOf(tx).run(
      `set local work_mem = '64MB'; set local jit = off; set local cursor_tuple_fraction = 1`,
    );
  }

  /** The marks recorded by earlier sweeps (none before the first). */
  async marks(tx: EntityManager): Promise<SweepMark[]> {
    const row = await sqlOf(tx).first<{ marks: unknown }>(READ_MARKS);
    return parseMarks(row?.marks);
  }

  /** Declares the cursor `sweep_certificates` of the certificate transitions at `now` since `marks` ({@link certificateTransitions}). */
  async declareTransitions(
    tx: EntityManager,
    now: Date,
    policy: LifecyclePolicy,
    marks: readonly SweepMark[],
  ): Promise<void> {
    const { text, values } = certificateTransitions(now, policy, marks);
    await sqlOf(tx).run(`declare sweep_certificates no scroll cursor with hold for ${text}`, values);
  }

  /**
   * Finds the devices due for removal at `now` that have no live certificate left, and declares
   * the cursor `sweep_removals` of their events; {@link removeDue} then deletes them (temporary
   * tables dropped at commit hold them in between).
   */
  async collectDue(tx: EntityManager, now: Date, policy: LifecyclePolicy): Promise<void> {
    const sql = sqlOf(tx);
    await sql.run('drop table if exists pg_temp.lifecycle_due_device, pg_temp.lifecycle_due_certificate');
    const devices = collectDueDevices(now, policy);
    await sql.run(devices.text, devices.values);
    await sql.run('analyze lifecycle_due_device');
    const certificates = collectDueCertificates(now, policy);
    await sql.run(certificates.text, certificates.values);
    await sql.run(KEEP_DEVICES_WITH_LIVE_CERTIFICATE);
    await sql.run(`declare sweep_removals no scroll cursor with hold for ${REMOVAL_EVENTS}`);
  }

  /**
   * Deletes the devices {@link collectDue} found, after their certificates and the rest of their
   * children (DeviceStore.childDeletesOf: set-based, no cascading foreign key).
   * @returns how many devices were deleted
   */
  async removeDue(tx: EntityManager): Promise<number> {
    const sql = sqlOf(tx);
    for (const statement of deviceStore.childDeletesOf('lifecycle_due_device', {
      mdm_certificate: REMOVE_DUE_CERTIFICATES,
    }))
      await sql.run(statement);
    return (await sql.run(REMOVE_DUE_DEVICES)).rowCount;
  }

  /** Records this sweep's mark ({@link recordMark}) with the snapshot of `tx`. */
  async recordMark(tx: EntityManager, now: Date, marks: readonly SweepMark[]): Promise<void> {
    const { text, values } = recordMark(now, marks);
    await sqlOf(tx).run(text, values);
  }

  /** Deletes the check-in history recorded before `before`. @returns how many rows */
  async pruneCheckIns(tx: EntityManager, before: Date): Promise<number> {
    return (await sqlOf(tx).run('delete from device_check_in where checked_in_date_time < ?', [before]))
      .rowCount;
  }

  /**
   * Ends abandoned SCEP enrollments: a certificate issued over SCEP whose device never completed
   * its check-in (Apple's Authenticate, or a renewed identity's first message) before `cutoff` is
   * revoked (RFC 5280 cessationOfOperation, as a refused enrollment's) and its pending enrollment
   * refused with PENDING_ENROLLMENT_EXPIRED. One statement.
   * @param cutoff enrollments created before this instant are abandoned
   * @returns how many pending enrollments were expired
   */
  async expireAbandonedEnrollments(tx: EntityManager, now: Date, cutoff: Date): Promise<number> {
    const row = await sqlOf(tx).first<{ expired: number }>(
      `with stale as (
         update pending_enrollment
            set status = 'refused', refusal_code = 'PENDING_ENROLLMENT_EXPIRED', resolved_date_time = ?
          where status = 'pending' and created_date_time < ?
         returning certificate_id
       ), revoked as (
         update mdm_certificate c
            set status = 'revoked', revoked_date_time = ?, revocation_reason = 'cessationOfOperation'
           from stale
          where c.id = stale.certificate_id and ${liveSql('c.status')}
         returning c.id
       )
       select (select count(*) from stale)::int as expired, (select count(*) from revoked)::int as revoked`,
      [now, cutoff, now],
    );
    return row?.expired ?? 0;
  }

  /**
   * Commits the sweep's work now and goes on in a new transaction on the same connection
   * (`commit and chain`), where the WITH HOLD cursors are read after the commit; READ COMMITTED, so
   * reading them holds no snapshot back. The entity manager's own commit then ends that one.
   */
  async commitKeepingCursors(tx: EntityManager): Promise<void> {
    await sqlOf(tx).run('commit and chain; set transaction isolation level read committed');
  }

  /** The next `count` rows of an event cursor (fewer at its end, none once read). */
  fetchEvents(tx: EntityManager, cursor: SweepCursor, count: number): Promise<SweepEventRow[]> {
    return sqlOf(tx).arrays<SweepEventRow>(`fetch ${Math.trunc(count)} from ${cursor}`);
  }

  /** Closes every cursor of the connection (the held event cursors: they would outlive the sweep). */
  async closeCursors(tx: EntityManager): Promise<void> {
    await sqlOf(tx).run('close all');
  }
}
