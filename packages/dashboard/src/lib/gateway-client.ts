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

/** The urql client, its graphql-ws connection, and the live state views react to. */
export interface GatewayConnection {
  client: Client;
  ws: WsClient;
  status: Observable<ConnectionStatus>;
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
  let wasConnected = false;
  const ws = createWsClient({
    url: `${origin.replace(/^http/, 'ws')}/graphql`,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Infinity,
    shouldRetry: (event) => (event as CloseEvent).code !== 4403,
    retryWait: async (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** retries, 15_000))),
    on: {
      connecting: () => status.set(wasConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        if (wasConnected) reconnects.set(reconnects.get() + 1);
        wasConnected = true;
        status.set('live');
      },
      closed: (event) => {
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
  return { client, ws, status, reconnects, forbidden, dispose: () => void ws.dispose() };
}
