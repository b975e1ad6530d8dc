import { FleetActivityDocument, FleetStatsDocument, type FleetStatsSubscription } from '@mdm/schema';
import { useEffect } from 'react';
import { useQuery, useSubscription } from 'urql';
import { ActivityChart } from '../components/ActivityChart';
import { useRefetchOnReconnect } from '../lib/hooks';

type Stats = FleetStatsSubscription['fleetStats'];
type Counts = Stats['byPlatform'];

const count = (counts: Counts | undefined, key: string) => counts?.find((c) => c.key === key)?.count ?? 0;

/** Live tiles from the `fleetStats` subscription, and enrollments/check-ins per minute over the last hour. */
export function OverviewView() {
  const [{ data }] = useSubscription({ query: FleetStatsDocument });
  const stats = data?.fleetStats;
  const [activity, refetchActivity] = useQuery({
    query: FleetActivityDocument,
    variables: { minutes: 60 },
    requestPolicy: 'network-only',
  });
  useRefetchOnReconnect(() => refetchActivity({ requestPolicy: 'network-only' }));
  // The chart follows the live counts: refresh it when they change, at most every 10 s.
  useEffect(() => {
    const timer = setTimeout(() => refetchActivity({ requestPolicy: 'network-only' }), 10_000);
    return () => clearTimeout(timer);
  }, [stats?.computedAt, refetchActivity]);

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <p className="muted" data-testid="overview-total">
        {stats
          ? `${stats.total} device records · counts as of ${stats.computedAt.slice(11, 19)} UTC`
          : 'Waiting for live counts…'}
      </p>
      <TileGroup title="Certificates" testId="tiles-certificates">
        <Tile label="Valid" value={stats && count(stats.byCertificateStatus, 'valid')} />
        <Tile
          label="Expiring in 30 days"
          value={stats && count(stats.byCertificateStatus, 'expiring')}
          tone="warn"
        />
        <Tile label="Expiring in 7 days" value={stats?.certificatesExpiringWithin7Days} tone="warn" />
        <Tile label="Expired" value={stats && count(stats.byCertificateStatus, 'expired')} tone="bad" />
        <Tile label="Due for removal" value={stats?.devicesDueForRemoval} tone="bad" />
      </TileGroup>
      <TileGroup title="By platform" testId="tiles-platform">
        {['IOS', 'MACOS', 'WINDOWS', 'ANDROID'].map((p) => (
          <Tile key={p} label={p} value={stats && count(stats.byPlatform, p)} />
        ))}
      </TileGroup>
      <TileGroup title="By owner" testId="tiles-owner">
        {['company', 'personal'].map((o) => (
          <Tile key={o} label={o} value={stats && count(stats.byOwnerType, o)} />
        ))}
      </TileGroup>
      <TileGroup title="By management state" testId="tiles-state">
        {(stats?.byManagementState ?? []).map((c) => (
          <Tile key={c.key} label={c.key} value={c.count} />
        ))}
      </TileGroup>
      <TileGroup title="By enrollment method" testId="tiles-method">
        {(stats?.byEnrollmentMethod ?? []).map((c) => (
          <Tile key={c.key} label={c.key} value={c.count} />
        ))}
      </TileGroup>
      <div className="card">
        <h2>Enrollments and check-ins per minute, last hour</h2>
        {activity.data && <ActivityChart points={activity.data.fleetActivity} />}
        {activity.error && <p role="alert">{activity.error.message}</p>}
      </div>
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

function Tile({ label, value, tone }: { label: string; value: number | undefined; tone?: 'warn' | 'bad' }) {
  return (
    <div className={`tile${tone ? ` tile-${tone}` : ''}`} data-label={label}>
      <span className="tile-value">{value ?? '…'}</span>
      <span>{label}</span>
    </div>
  );
}
