import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';

/** What the connection indicator shows. */
export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** A tiny observable value for `useSyncExternalStore`. */
export class Observable<T> {
  private readonly listeners = new Set<() => void>();
  constructor(private value: T) {}
  get = (): T => this.value;
  set(value: T): void {
    if (value === this.value) return;
    this.value = value;
    for (const listener of this.listeners) listener();
  }
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** A time the live connection was down: events of that span were not received. */
export interface ConnectionGap {
  /** ISO instant the connection was lost. */
  from: string;
  /** ISO instant it was back. */
  to: string;
}

/** The urql client, its graphql-ws connection, and the live state views react to. */
export interface GatewayConnection {
  client: Client;
  ws: WsClient;
  status: Observable<ConnectionStatus>;
  /** ISO instant live data stopped arriving (the connection was lost), null while live. */
  staleSince: Observable<string | null>;
  /** The latest outage once it is over (each reconnect sets a new object). */
  lastGap: Observable<ConnectionGap | null>;
  /** Ends the wait before the next reconnect attempt and tries at once. */
  retryNow(): void;
  /** Increases after each reconnect, so views refetch what they show. */
  reconnects: Observable<number>;
  /** The server refused the token (graphql-ws close 4403). */
  forbidden: Observable<boolean>;
  dispose(): void;
}

/**
 * Connects to the gateway on the page's origin: HTTP POST for queries and mutations (Apollo's
 * CSRF prevention refuses simple GETs), graphql-ws for subscriptions, both with the token.
 */
export function connectGateway(token: string, origin = location.origin): GatewayConnection {
  const status = new Observable<ConnectionStatus>('connecting');
  const reconnects = new Observable(0);
  const forbidden = new Observable(false);
  const staleSince = new Observable<string | null>(null);
  const lastGap = new Observable<ConnectionGap | null>(null);
  let wasConnected = false;
  // The pending back-off wait, if any: coming back online or to the tab ends it early.
  let wake: (() => void) | null = null;
  const retryNow = () => wake?.();
  const onVisible = () => {
    if (document.visibilityState !== 'hidden') retryNow();
  };
  const onOffline = () => {
    if (status.get() !== 'live') status.set('offline');
  };
  window.addEventListener('online', retryNow);
  window.addEventListener('focus', retryNow);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  const ws = createWsClient({
    url: `${origin.replace(/^http/, 'ws')}/graphql`,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Infinity,
    shouldRetry: (event) => (event as CloseEvent).code !== 4403,
    // Exponential back-off (1 s doubling to 15 s), cut short by `retryNow`.
    retryWait: async (retries) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(1_000 * 2 ** retries, 15_000));
        function done() {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = done;
      }),
    on: {
      connecting: () => status.set(wasConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        const since = staleSince.get();
        if (since) lastGap.set({ from: since, to: new Date().toISOString() });
        staleSince.set(null);
        if (wasConnected) reconnects.set(reconnects.get() + 1);
        wasConnected = true;
        status.set('live');
      },
      closed: (event) => {
        if (wasConnected && !staleSince.get()) staleSince.set(new Date().toISOString());
        if ((event as CloseEvent).code === 4403) {
          forbidden.set(true);
          status.set('offline');
        } else {
          status.set(navigator.onLine === false ? 'offline' : 'reconnecting');
        }
      },
    },
  });
  const client = new Client({
    url: `${origin}/graphql`,
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink),
          }),
        }),
      }),
    ],
  });
  return {
    client,
    ws,
    status,
    staleSince,
    lastGap,
    retryNow,
    reconnects,
    forbidden,
    dispose: () => {
      window.removeEventListener('online', retryNow);
      window.removeEventListener('focus', retryNow);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
      void ws.dispose();
    },
  };
}
