import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
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

/** Tells hash listeners that the query part changed (replaceState fires no hashchange). */
const HASH_QUERY_EVENT = 'mdm:hashquery';

function readHash(): { path: string[]; query: URLSearchParams } {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?', 2);
  return { path: path.split('/').filter(Boolean), query: new URLSearchParams(query) };
}

/** The hash route without its query, e.g. `#/devices/abc?x=1` → `['devices', 'abc']`. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(() => readHash().path);
  useEffect(() => {
    const onChange = () =>
      setRoute((previous) => {
        const next = readHash().path;
        return next.join('/') === previous.join('/') ? previous : next;
      });
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/**
 * The query part of the hash route (`#/devices?search=abc&page=2`) as a view's state, so a
 * filtered page survives a reload and can be shared. Updates replace the history entry.
 * Returns the current values and a setter that merges (undefined or '' removes a key).
 */
export function useHashQuery(): [URLSearchParams, (next: Record<string, string | undefined>) => void] {
  const [query, setQuery] = useState(() => readHash().query);
  useEffect(() => {
    const onChange = () => setQuery(readHash().query);
    window.addEventListener('hashchange', onChange);
    window.addEventListener(HASH_QUERY_EVENT, onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
      window.removeEventListener(HASH_QUERY_EVENT, onChange);
    };
  }, []);
  const update = useCallback((next: Record<string, string | undefined>) => {
    const { path, query: current } = readHash();
    for (const [key, value] of Object.entries(next)) {
      if (value === undefined || value === '') current.delete(key);
      else current.set(key, value);
    }
    const text = current.toString();
    history.replaceState(history.state, '', `#/${path.join('/')}${text ? `?${text}` : ''}`);
    window.dispatchEvent(new Event(HASH_QUERY_EVENT));
  }, []);
  return [query, update];
}

/** `value`, once it has stopped changing for `delayMs` (default 300 ms). */
export function useDebounced<T>(value: T, delayMs = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/**
 * Calls `callback` at most once per `intervalMs` while `trigger` keeps changing: the first
 * change runs it at once, later ones within the interval run it once when the interval ends
 * (a throttle, not a debounce: steady updates never postpone it).
 */
export function useThrottledEffect(callback: () => void, trigger: unknown, intervalMs: number): void {
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => {
    if (trigger === undefined) return;
    const wait = last.current + intervalMs - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      latest.current();
    } else {
      timer.current ??= setTimeout(() => {
        timer.current = null;
        last.current = Date.now();
        latest.current();
      }, wait);
    }
  }, [trigger, intervalMs]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
}

/** Whether the page is visible (false in a background tab). */
export function usePageVisible(): boolean {
  return useSyncExternalStore(
    (listener) => {
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    },
    () => document.visibilityState !== 'hidden',
  );
}
