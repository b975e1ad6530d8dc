import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { GatewayConnection } from './gateway-client';

export const ConnectionContext = createContext<GatewayConnection | null>(null);

/** The gateway connection of the signed-in session. */
export function useConnection(): GatewayConnection {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error('useConnection outside a signed-in session');
  return connection;
}

/** Calls `refetch` after every reconnect, so nothing shown stays stale after an outage. */
export function useRefetchOnReconnect(refetch: () => void): void {
  const { reconnects } = useConnection();
  const count = useSyncExternalStore(reconnects.subscribe, reconnects.get);
  useEffect(() => {
    if (count > 0) refetch();
  }, [count, refetch]);
}

/** The current time, updated every `intervalMs` (for "3 min ago" and days left). */
export function useNow(intervalMs = 15_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** The hash route, e.g. `#/devices/abc` → `['devices', 'abc']`. */
export function useRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
