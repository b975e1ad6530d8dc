import {
  CertificateExpiredDocument,
  CertificateExpiringDocument,
  CertificateRenewedDocument,
  DeviceCheckedInDocument,
  DeviceEnrolledDocument,
  DeviceRemovedDocument,
  type DevicePlatform,
  type ManagedDeviceOwnerType,
} from '@mdm/schema';
import { useMemo, useState, useSyncExternalStore } from 'react';
import { useSubscription } from 'urql';
import { EventBuffer } from '../lib/event-buffer';
import { formatUtc } from '../lib/format';

/** One line of the live stream. */
export interface ActivityEvent {
  key: string;
  kind: EventKind;
  deviceId: string;
  deviceName: string;
  platform: DevicePlatform;
  owner: ManagedDeviceOwnerType;
  user: string | null;
  at: string;
}

/** The kinds of event the stream shows, with their labels. */
const KIND_LABELS = {
  checkIn: 'Check-in',
  enrollment: 'Enrolled',
  renewal: 'Certificate renewed',
  expiring: 'Certificate expiring',
  expired: 'Certificate expired',
  removal: 'Removed',
} as const;
type EventKind = keyof typeof KIND_LABELS;

/** The fields every device or certificate event has. */
interface StreamedEvent {
  deviceId: string;
  platform: DevicePlatform;
  managedDeviceOwnerType: ManagedDeviceOwnerType;
  userPrincipalName?: string | null;
  occurredAt: string;
  device?: { deviceName?: string } | null;
}

let sequence = 0;

const toActivity = (kind: EventKind, e: StreamedEvent): ActivityEvent => ({
  key: `${kind}${sequence++}`,
  kind,
  deviceId: e.deviceId,
  deviceName: e.device?.deviceName ?? e.deviceId,
  platform: e.platform,
  owner: e.managedDeviceOwnerType,
  user: e.userPrincipalName ?? null,
  at: e.occurredAt,
});

/**
 * The live stream of fleet events, newest first, with pause and filters. Events go through an
 * {@link EventBuffer}, so bursts render once per animation frame.
 */
export function ActivityView() {
  const buffer = useMemo(() => new EventBuffer<ActivityEvent>(500), []);
  const events = useSyncExternalStore(buffer.subscribe, buffer.snapshot);
  const [paused, setPaused] = useState(false);
  const [kind, setKind] = useState<'' | ActivityEvent['kind']>('');
  const [platform, setPlatform] = useState<'' | DevicePlatform>('');
  const [owner, setOwner] = useState<'' | ManagedDeviceOwnerType>('');

  const push = (kind: EventKind, e: StreamedEvent) => {
    buffer.push(toActivity(kind, e));
    return undefined;
  };
  useSubscription({ query: DeviceCheckedInDocument, variables: {} }, (_p: undefined, d) =>
    push('checkIn', d.deviceCheckedIn),
  );
  useSubscription({ query: DeviceEnrolledDocument, variables: {} }, (_p: undefined, d) =>
    push('enrollment', d.deviceEnrolled),
  );
  useSubscription({ query: CertificateRenewedDocument, variables: {} }, (_p: undefined, d) =>
    push('renewal', d.certificateRenewed),
  );
  useSubscription({ query: CertificateExpiringDocument, variables: {} }, (_p: undefined, d) =>
    push('expiring', d.certificateExpiring),
  );
  useSubscription({ query: CertificateExpiredDocument, variables: {} }, (_p: undefined, d) =>
    push('expired', d.certificateExpired),
  );
  useSubscription({ query: DeviceRemovedDocument, variables: {} }, (_p: undefined, d) =>
    push('removal', d.deviceRemoved),
  );

  const shown = events.filter(
    (e) =>
      (!kind || e.kind === kind) && (!platform || e.platform === platform) && (!owner || e.owner === owner),
  );
  return (
    <section aria-labelledby="activity-title">
      <h1 id="activity-title">Live activity</h1>
      <div className="filters">
        <button
          aria-pressed={paused}
          onClick={() => {
            buffer.setPaused(!paused);
            setPaused(!paused);
          }}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <select aria-label="Event kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="">All events</option>
          {Object.entries(KIND_LABELS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        <select
          aria-label="Platform"
          value={platform}
          onChange={(e) => setPlatform(e.target.value as typeof platform)}
        >
          <option value="">All platforms</option>
          {['IOS', 'MACOS', 'WINDOWS', 'ANDROID'].map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
        <select aria-label="Owner" value={owner} onChange={(e) => setOwner(e.target.value as typeof owner)}>
          <option value="">All owners</option>
          <option value="company">company</option>
          <option value="personal">personal</option>
        </select>
        <span className="muted">
          {events.length} of the last {buffer.capacity} kept{paused ? ' · paused' : ''}
        </span>
      </div>
      {shown.length === 0 && (
        <p className="muted">
          Waiting for events: enrollments, check-ins, renewals, expiries and removals appear here as they
          happen.
        </p>
      )}
      <ol className="stream" data-testid="activity-stream">
        {shown.map((e) => (
          <li key={e.key} data-kind={e.kind} data-device-id={e.deviceId}>
            <span className={`badge badge-${e.kind}`}>{KIND_LABELS[e.kind]}</span>
            <a href={`#/devices/${e.deviceId}`}>{e.deviceName}</a>
            <span className="muted">
              {e.platform} · {e.owner}
              {e.user ? ` · ${e.user}` : ''}
            </span>
            <time dateTime={e.at}>{formatUtc(e.at)}</time>
          </li>
        ))}
      </ol>
    </section>
  );
}
