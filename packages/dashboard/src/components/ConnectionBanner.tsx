import { useSyncExternalStore } from 'react';
import { formatUtc } from '../lib/format';
import { useConnection } from '../lib/hooks';

/**
 * Says plainly when what is shown is not live: since when the data is stale, that the
 * dashboard is retrying, and a button to retry at once. Nothing while live.
 */
export function ConnectionBanner() {
  const { status, staleSince, retryNow } = useConnection();
  const value = useSyncExternalStore(status.subscribe, status.get);
  const since = useSyncExternalStore(staleSince.subscribe, staleSince.get);
  if (value === 'live' || (value === 'connecting' && !since)) return null;
  return (
    <div className="banner" role="alert" data-testid="connection-banner">
      <strong>{value === 'offline' ? 'Offline.' : 'Not live.'}</strong>{' '}
      {since ? `What you see is stale since ${formatUtc(since)}; ` : ''}
      {value === 'offline' ? 'the browser reports no network; ' : ''}
      reconnecting automatically. <button onClick={retryNow}>Retry now</button>
    </div>
  );
}
