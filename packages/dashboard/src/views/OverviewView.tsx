import {
  DeviceFreshnessDocument,
  FleetStatsDocument,
  RolloutActivityDocument,
  type FleetStatsSubscription,
} from '@mdm/schema';
import { useEffect, useMemo } from 'react';
import { useQuery, useSubscription } from 'urql';
import { ActivityChart } from '../components/ActivityChart';
import { RangePicker } from '../components/RangePicker';
import { ViewHeading } from '../components/ViewHeading';
import { useHashQuery, usePageVisible, useRefetchOnReconnect, useThrottledEffect } from '../lib/hooks';
import { failureRate, RANGES, rangeOf } from '../lib/ranges';

type Stats = FleetStatsSubscription['fleetStats'];
type Counts = Stats['byPlatform'];

const count = (counts: Counts | undefined, key: string) => counts?.find((c) => c.key === key)?.count ?? 0;

/** The chart refreshes at most this often while live counts keep changing (during a rollout). */
const CHART_REFRESH_MS = 5_000;
/** ...and at least this often otherwise, so the bucket in progress and failures keep moving. */
const CHART_IDLE_REFRESH_MS = 15_000;
/** Not seen for this many days: missing (as Fleet's default). */
const MISSING_DAYS = 30;

/**
 * The rollout at a glance: enrollments, check-ins and failed enrollments over a chosen range
 * (the centrepiece), the failure rate, device freshness, and live tiles from the `fleetStats`
 * subscription; every tile links to the list it counts.
 */
export function OverviewView() {
  const [query, setQuery] = useHashQuery();
  const rangeKey = rangeOf(query.get('range'));
  const range = RANGES[rangeKey];
  const [{ data }] = useSubscription({ query: FleetStatsDocument });
  const stats = data?.fleetStats;
  const [activity, refetchActivity] = useQuery({
    query: RolloutActivityDocument,
    variables: { rangeMinutes: range.minutes, bucketMinutes: range.bucket },
    requestPolicy: 'network-only',
  });
  const [freshness, refetchFreshness] = useQuery({
    query: DeviceFreshnessDocument,
    variables: { onlineMinutes: 60, missingDays: MISSING_DAYS },
    requestPolicy: 'network-only',
  });
  const refresh = () => {
    refetchActivity({ requestPolicy: 'network-only' });
    refetchFreshness({ requestPolicy: 'network-only' });
  };
  useRefetchOnReconnect(refresh);
  // Follow the live counts, throttled: a steady stream of updates never postpones the refresh.
  useThrottledEffect(refresh, stats?.computedAt, CHART_REFRESH_MS);
  const visible = usePageVisible();
  useEffect(() => {
    if (!visible) return;
    const timer = setInterval(refresh, CHART_IDLE_REFRESH_MS);
    return () => clearInterval(timer);
    // refresh closes over refetchers that urql keeps stable.
  }, [visible, rangeKey]);

  const points = activity.data?.rolloutActivity;
  const totals = useMemo(
    () =>
      (points ?? []).reduce(
        (sum, p) => ({
          enrollments: sum.enrollments + p.enrollments,
          checkIns: sum.checkIns + p.checkIns,
          failures: sum.failures + p.failures,
        }),
        { enrollments: 0, checkIns: 0, failures: 0 },
      ),
    [points],
  );
  const fresh = freshness.data?.deviceFreshness;

  return (
    <section aria-labelledby="overview-title">
      <ViewHeading id="overview-title" title="Overview">
        Overview
      </ViewHeading>
      <p className="muted" data-testid="overview-total">
        {stats
          ? `${stats.total} device records · counts as of ${stats.computedAt.slice(11, 19)} UTC`
          : 'Waiting for live counts…'}
      </p>
      <div className="card">
        <div className="card-head">
          <h2>Rollout: enrollments, check-ins and failures, {range.label}</h2>
          <RangePicker
            value={rangeKey}
            onChange={(next) => setQuery({ range: next === '1h' ? undefined : next })}
          />
        </div>
        <div className="tiles" data-testid="tiles-rollout">
          <Tile
            label={`Enrollments, ${range.label}`}
            value={points && totals.enrollments}
            href="#/activity"
          />
          <Tile label={`Check-ins, ${range.label}`} value={points && totals.checkIns} href="#/activity" />
          <Tile
            label={`Failed enrollments, ${range.label}`}
            value={points && totals.failures}
            tone={totals.failures > 0 ? 'bad' : undefined}
            href={`#/failures?range=${rangeKey}`}
          />
          <Tile
            label="Failure rate"
            value={points && failureRate(totals.enrollments, totals.failures)}
            tone={totals.failures > 0 ? 'bad' : undefined}
            href={`#/failures?range=${rangeKey}`}
          />
        </div>
        {points && <ActivityChart points={points} bucketLabel={range.bucketLabel} rangeLabel={range.label} />}
        {activity.error && <p role="alert">The chart could not be loaded: {activity.error.message}</p>}
      </div>
      <TileGroup title="Device freshness" testId="tiles-freshness">
        <Tile
          label="Online (checked in within 1 h)"
          value={fresh?.online}
          href="#/devices?sort=lastSyncDateTime&dir=DESC"
        />
        <Tile
          label="Offline"
          value={fresh?.offline}
          tone="warn"
          href="#/devices?sort=lastSyncDateTime&dir=ASC"
        />
        <Tile
          label={`Missing (not seen for ${MISSING_DAYS} days)`}
          value={fresh?.missing}
          tone="bad"
          href="#/devices?sort=lastSyncDateTime&dir=ASC"
        />
        <Tile
          label="Certificate due for removal"
          value={stats?.devicesDueForRemoval}
          tone="bad"
          href="#/certificates"
        />
      </TileGroup>
      <TileGroup title="Certificates" testId="tiles-certificates">
        <Tile
          label="Valid"
          value={stats && count(stats.byCertificateStatus, 'valid')}
          href="#/devices?certificate=VALID"
        />
        <Tile
          label="Expiring in 30 days"
          value={stats && count(stats.byCertificateStatus, 'expiring')}
          tone="warn"
          href="#/devices?certificate=EXPIRING"
        />
        <Tile
          label="Expiring in 7 days"
          value={stats?.certificatesExpiringWithin7Days}
          tone="warn"
          href="#/certificates"
        />
        <Tile
          label="Expired"
          value={stats && count(stats.byCertificateStatus, 'expired')}
          tone="bad"
          href="#/devices?certificate=EXPIRED"
        />
      </TileGroup>
      <TileGroup title="By platform" testId="tiles-platform">
        {['IOS', 'MACOS', 'WINDOWS', 'ANDROID'].map((p) => (
          <Tile
            key={p}
            label={p}
            value={stats && count(stats.byPlatform, p)}
            href={`#/devices?platform=${p}`}
          />
        ))}
      </TileGroup>
      <TileGroup title="By owner" testId="tiles-owner">
        {['company', 'personal'].map((o) => (
          <Tile
            key={o}
            label={o}
            value={stats && count(stats.byOwnerType, o)}
            href={`#/devices?owner=${o}`}
          />
        ))}
      </TileGroup>
      <TileGroup title="By management state" testId="tiles-state">
        {(stats?.byManagementState ?? []).map((c) => (
          <Tile key={c.key} label={c.key} value={c.count} href={`#/devices?state=${c.key}`} />
        ))}
      </TileGroup>
      <TileGroup title="By enrollment method" testId="tiles-method">
        {(stats?.byEnrollmentMethod ?? []).map((c) => (
          <Tile key={c.key} label={c.key} value={c.count} href={`#/devices?method=${c.key}`} />
        ))}
      </TileGroup>
    </section>
  );
}

function TileGroup({
  title,
  testId,
  children,
}: {
  title: string;
  testId: string;
  children: React.ReactNode;
}) {
  return (
    <div className="tile-group">
      <h2>{title}</h2>
      <div className="tiles" data-testid={testId}>
        {children}
      </div>
    </div>
  );
}

/** A count that opens the list it counts. */
function Tile({
  label,
  value,
  tone,
  href,
}: {
  label: string;
  value: number | string | undefined;
  tone?: 'warn' | 'bad';
  href: string;
}) {
  return (
    <a className={`tile${tone ? ` tile-${tone}` : ''}`} data-label={label} href={href}>
      <span className="tile-value">{value ?? '…'}</span>
      <span>{label}</span>
    </a>
  );
}
