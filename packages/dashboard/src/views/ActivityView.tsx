import {
  CertificateExpiredDocument,
  CertificateExpiringDocument,
  CertificateRenewedDocument,
  DeviceCheckedInDocument,
  DeviceEnrolledDocument,
  DeviceRemovedDocument,
  EnrollmentFailureAttemptsDocument,
  type DevicePlatform,
  type ManagedDeviceOwnerType,
} from '@mdm/schema';
import { memo, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useClient, useSubscription } from 'urql';
import { ViewHeading } from '../components/ViewHeading';
import { EventBuffer } from '../lib/event-buffer';
import { formatUtc } from '../lib/format';
import { useConnection, usePageVisible } from '../lib/hooks';

/** One line of the live stream. */
export interface ActivityEvent {
  key: string;
  kind: EventKind;
  deviceId: string;
  deviceName: string;
  platform: DevicePlatform | null;
  owner: ManagedDeviceOwnerType | null;
  user: string | null;
  at: string;
  /** For a refusal: its code and reason; for a gap: the span not received. */
  note?: string;
}

/** The kinds of event the stream shows, with their labels. */
const KIND_LABELS = {
  checkIn: 'Check-in',
  enrollment: 'Enrolled',
  renewal: 'Certificate renewed',
  expiring: 'Certificate expiring',
  expired: 'Certificate expired',
  removal: 'Removed',
  refusal: 'Enrollment refused',
  gap: 'Not received',
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

/** Height of one row of the stream (px); rows are fixed-height so only the visible ones render. */
const ROW_HEIGHT = 36;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 8;
/** How often refused enrollments are read from the audit trail while the view is visible. */
const REFUSAL_POLL_MS = 1_500;

/**
 * The live stream of fleet events, newest first, with pause and filters. Events go through an
 * {@link EventBuffer}, so bursts render once per animation frame, and the list is virtualised:
 * only the rows in view are in the DOM, so a frame costs the same with 5 or 500 rows. Refused
 * enrollments (from the audit trail) join the stream, and a lost connection leaves a marked gap.
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
  useGapMarkers(buffer);
  useRefusals(buffer);

  const shown = useMemo(
    () =>
      events.filter(
        (e) =>
          e.kind === 'gap' ||
          ((!kind || e.kind === kind) &&
            (!platform || e.platform === platform) &&
            (!owner || e.owner === owner)),
      ),
    [events, kind, platform, owner],
  );
  return (
    <section aria-labelledby="activity-title">
      <ViewHeading id="activity-title" title="Live activity">
        Live activity
      </ViewHeading>
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
          {Object.entries(KIND_LABELS)
            .filter(([k]) => k !== 'gap')
            .map(([k, label]) => (
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
        <span className="muted" data-testid="activity-kept">
          {events.length} of the last {buffer.capacity} kept{paused ? ' · paused' : ''}
        </span>
      </div>
      {shown.length === 0 && (
        <p className="muted">
          Waiting for events: enrollments, refusals, check-ins, renewals, expiries and removals appear here as
          they happen.
        </p>
      )}
      <VirtualStream events={shown} />
    </section>
  );
}

/** Marks each outage of the live connection in the stream: events of that span never arrived. */
function useGapMarkers(buffer: EventBuffer<ActivityEvent>) {
  const { lastGap } = useConnection();
  const gap = useSyncExternalStore(lastGap.subscribe, lastGap.get);
  const initial = useRef(gap);
  useEffect(() => {
    if (!gap || gap === initial.current) return;
    buffer.push({
      key: `gap${sequence++}`,
      kind: 'gap',
      deviceId: '',
      deviceName: '',
      platform: null,
      owner: null,
      user: null,
      at: gap.to,
      note: `Connection lost from ${formatUtc(gap.from)} to ${formatUtc(gap.to)}: events of that time are not shown here.`,
    });
  }, [gap, buffer]);
}

/**
 * Adds refused enrollments to the stream. The gateway records them in its audit trail (there is
 * no refusal subscription), so they are read from there every 1.5 s while the view is visible.
 */
function useRefusals(buffer: EventBuffer<ActivityEvent>) {
  const client = useClient();
  const visible = usePageVisible();
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!visible) return;
    let stopped = false;
    const poll = async () => {
      const result = await client
        .query(
          EnrollmentFailureAttemptsDocument,
          { sinceMinutes: 10, first: 100 },
          { requestPolicy: 'network-only' },
        )
        .toPromise();
      const attempts = result.data?.enrollmentFailureAttempts;
      if (stopped || !attempts) return;
      // The first answer only sets what was already there: the stream shows what happens from now.
      const first = seen.current === null;
      seen.current ??= new Set();
      for (const a of [...attempts].reverse()) {
        if (seen.current.has(a.id)) continue;
        seen.current.add(a.id);
        if (first) continue;
        buffer.push({
          key: `refusal${a.id}`,
          kind: 'refusal',
          deviceId: '',
          deviceName: a.deviceName ?? a.serialNumber ?? 'unnamed device',
          platform: (a.platform as DevicePlatform | null) ?? null,
          owner: null,
          user: a.userPrincipalName ?? null,
          at: a.occurredDateTime,
          note: a.restriction ? `${a.code} by "${a.restriction}"` : a.code,
        });
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), REFUSAL_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [visible, client, buffer]);
}

/** The stream as a fixed-row-height virtual list: only rows in (or near) view are rendered. */
function VirtualStream({ events }: { events: readonly ActivityEvent[] }) {
  const viewport = useRef<HTMLOListElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(events.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  return (
    <ol
      ref={viewport}
      className="stream"
      data-testid="activity-stream"
      aria-label="Events, newest first"
      tabIndex={0}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      style={{ position: 'relative' }}
    >
      <li aria-hidden="true" className="stream-spacer" style={{ height: events.length * ROW_HEIGHT }} />
      {events.slice(first, last).map((e, i) => (
        <StreamRow key={e.key} event={e} top={(first + i) * ROW_HEIGHT} />
      ))}
    </ol>
  );
}

const StreamRow = memo(function StreamRow({ event: e, top }: { event: ActivityEvent; top: number }) {
  return (
    <li
      data-kind={e.kind}
      data-device-id={e.deviceId || undefined}
      className={`stream-row stream-${e.kind}`}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
    >
      <span className={`badge badge-${e.kind}`}>{KIND_LABELS[e.kind]}</span>
      {e.kind === 'gap' ? (
        <span>{e.note}</span>
      ) : (
        <>
          {e.deviceId ? <a href={`#/devices/${e.deviceId}`}>{e.deviceName}</a> : <span>{e.deviceName}</span>}
          <span className="muted">{[e.platform, e.owner, e.user, e.note].filter(Boolean).join(' · ')}</span>
          <time dateTime={e.at}>{formatUtc(e.at)}</time>
        </>
      )}
    </li>
  );
});
