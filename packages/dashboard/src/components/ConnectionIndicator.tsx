import { useSyncExternalStore } from 'react';
import { useConnection } from '../lib/hooks';

const LABELS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
} as const;

/** Live / reconnecting / offline, from the graphql-ws connection. */
export function ConnectionIndicator() {
  const { status } = useConnection();
  const value = useSyncExternalStore(status.subscribe, status.get);
  return (
    <span
      className={`connection connection-${value}`}
      role="status"
      aria-live="polite"
      data-testid="connection"
    >
      <span className="dot" aria-hidden="true" />
      {LABELS[value]}
    </span>
  );
}
