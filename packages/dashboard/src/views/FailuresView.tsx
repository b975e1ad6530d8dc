import {
  EnrollmentFailureAttemptsDocument,
  EnrollmentFailuresDocument,
  RolloutActivityDocument,
  type EnrollmentFailureGroupInput,
} from '@mdm/schema';
import { useEffect, useMemo } from 'react';
import { useQuery } from 'urql';
import { RangePicker } from '../components/RangePicker';
import { ViewHeading } from '../components/ViewHeading';
import { formatUtc } from '../lib/format';
import { useHashQuery, usePageVisible, useRefetchOnReconnect } from '../lib/hooks';
import { failureRate, RANGES, rangeOf } from '../lib/ranges';

/** How often the view asks again while visible: a refusal shows within this time. */
const POLL_MS = 1_500;
/** The group keys in the URL; `-` stands for "none" (e.g. no restriction involved). */
const KEYS = ['code', 'platform', 'method', 'restriction'] as const;
const NONE = '-';

/**
 * Failed enrollment attempts (refused by a rule or a restriction, denied, or failed) from the
 * gateway's audit trail: the failure rate, a table grouped by code, platform, method and
 * restriction, and the attempts of the group chosen. Refreshed every 1.5 s while visible.
 */
export function FailuresView() {
  const [query, setQuery] = useHashQuery();
  const rangeKey = rangeOf(query.get('range'));
  const range = RANGES[rangeKey];
  const selected: EnrollmentFailureGroupInput | null = query.get('code')
    ? Object.fromEntries(
        KEYS.map((k) => [k, query.get(k) === NONE ? null : (query.get(k) ?? undefined)] as const),
      )
    : null;
  const [groups, refetchGroups] = useQuery({
    query: EnrollmentFailuresDocument,
    variables: { sinceMinutes: range.minutes },
    requestPolicy: 'network-only',
  });
  const [activity, refetchActivity] = useQuery({
    query: RolloutActivityDocument,
    variables: { rangeMinutes: range.minutes, bucketMinutes: range.bucket },
    requestPolicy: 'network-only',
  });
  const visible = usePageVisible();
  const refresh = () => {
    refetchGroups({ requestPolicy: 'network-only' });
    refetchActivity({ requestPolicy: 'network-only' });
  };
  useRefetchOnReconnect(refresh);
  useEffect(() => {
    if (!visible) return;
    const timer = setInterval(refresh, POLL_MS);
    return () => clearInterval(timer);
    // refresh closes over refetchers that change with the range.
  }, [visible, rangeKey]);
  const totals = useMemo(
    () =>
      (activity.data?.rolloutActivity ?? []).reduce(
        (sum, p) => ({ enrollments: sum.enrollments + p.enrollments, failures: sum.failures + p.failures }),
        { enrollments: 0, failures: 0 },
      ),
    [activity.data],
  );
  const rows = groups.data?.enrollmentFailures ?? [];
  const isSelected = (g: (typeof rows)[number]) =>
    !!selected && KEYS.every((k) => (selected[k] ?? null) === (g[k] ?? null));

  return (
    <section aria-labelledby="failures-title">
      <ViewHeading id="failures-title" title="Failed enrollments">
        Failed enrollments
      </ViewHeading>
      <div className="filters">
        <RangePicker value={rangeKey} onChange={(next) => setQuery({ range: next })} />
        <span className="muted" role="status" data-testid="failure-summary">
          {activity.data
            ? `${totals.failures} failed of ${totals.enrollments + totals.failures} attempts, ${range.label}: failure rate ${failureRate(totals.enrollments, totals.failures)}`
            : 'Loading…'}
        </span>
      </div>
      {groups.error && <p role="alert">The failures could not be loaded: {groups.error.message}</p>}
      <div className="table-wrap">
        <table data-testid="failure-groups">
          <caption className="visually-hidden">
            Failed enrollment attempts by cause; choose one to list them
          </caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Platform</th>
              <th scope="col">Method</th>
              <th scope="col">Restriction</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((g) => {
              const key = KEYS.map((k) => g[k] ?? NONE).join('|');
              return (
                <tr key={key} aria-selected={isSelected(g)} data-code={g.code}>
                  <td>
                    <button
                      className="link"
                      aria-pressed={isSelected(g)}
                      onClick={() =>
                        setQuery(
                          Object.fromEntries(KEYS.map((k) => [k, g[k] ?? NONE])) as Record<string, string>,
                        )
                      }
                    >
                      {g.code}
                    </button>
                  </td>
                  <td>{g.platform ?? '—'}</td>
                  <td>{g.method ?? '—'}</td>
                  <td>{g.restriction ?? '—'}</td>
                  <td>{g.count}</td>
                  <td>{formatUtc(g.lastOccurredDateTime)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {groups.data && rows.length === 0 && <p className="muted">No failed enrollment {range.label}.</p>}
      {selected && (
        <Attempts
          group={selected}
          sinceMinutes={range.minutes}
          poll={visible}
          onClose={() => setQuery(Object.fromEntries(KEYS.map((k) => [k, undefined])))}
        />
      )}
    </section>
  );
}

function Attempts({
  group,
  sinceMinutes,
  poll,
  onClose,
}: {
  group: EnrollmentFailureGroupInput;
  sinceMinutes: number;
  poll: boolean;
  onClose: () => void;
}) {
  const [result, refetch] = useQuery({
    query: EnrollmentFailureAttemptsDocument,
    variables: { sinceMinutes, group, first: 100 },
    requestPolicy: 'network-only',
  });
  useEffect(() => {
    if (!poll) return;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), POLL_MS * 2);
    return () => clearInterval(timer);
  }, [poll, refetch]);
  const attempts = result.data?.enrollmentFailureAttempts ?? [];
  return (
    <div className="card" data-testid="failure-attempts">
      <div className="card-head">
        <h2>
          {group.code}
          {group.restriction ? ` by "${group.restriction}"` : ''}
          {group.method ? ` · ${group.platform ?? ''} ${group.method}` : ''}: latest {attempts.length}{' '}
          attempts
        </h2>
        <button onClick={onClose}>Close</button>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Outcome</th>
              <th scope="col">Device</th>
              <th scope="col">Serial</th>
              <th scope="col">User</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((a) => (
              <tr key={a.id}>
                <td>{formatUtc(a.occurredDateTime)}</td>
                <td>{a.outcome}</td>
                <td>{a.deviceName ?? '—'}</td>
                <td className="nowrap">{a.serialNumber ?? '—'}</td>
                <td>{a.userPrincipalName ?? '—'}</td>
                <td>{a.reason ?? a.code}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
