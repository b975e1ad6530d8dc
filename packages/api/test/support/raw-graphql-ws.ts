import WebSocket from 'ws';

/** A message of the graphql-transport-ws protocol as the server sends it. */
export interface ServerMessage {
  id?: string;
  type: string;
  payload?: unknown;
}

/**
 * A graphql-transport-ws socket spoken by hand, for tests that need what a library client hides:
 * close codes, and what arrives for each operation id. Every wait is a promise on a message or on
 * the close, never a sleep.
 */
export class RawGraphQLSocket {
  readonly socket: WebSocket;
  /** Resolves with the close code and reason, whoever closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Every message received, in order. */
  readonly messages: ServerMessage[] = [];
  private waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];

  /**
   * @param url the gateway's base URL (`http://...`)
   * @param connectionParams the payload of `connection_init` (sent once the socket opens), or
   *   undefined to send none
   */
  constructor(url: string, connectionParams?: Record<string, unknown>) {
    this.socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    this.closed = new Promise((resolve) =>
      this.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.socket.on('error', () => {});
    this.socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => (w.test(message) ? (w.resolve(message), false) : true));
    });
    if (connectionParams)
      this.socket.on('open', () =>
        this.socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })),
      );
  }

  /** A socket that sent `connection_init` with `Authorization: Bearer <secret>`. */
  static withToken(url: string, secret: string): RawGraphQLSocket {
    return new RawGraphQLSocket(url, { authorization: `Bearer ${secret}` });
  }

  /** Resolves with the first message (already received or to come) that passes `test`. */
  waitFor(test: (m: ServerMessage) => boolean): Promise<ServerMessage> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Resolves once the server acknowledged `connection_init`. */
  acknowledged(): Promise<ServerMessage> {
    return this.waitFor((m) => m.type === 'connection_ack');
  }

  /** Sends a `subscribe` message (a query, mutation or subscription) under `id`. */
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
  }

  /** Sends `complete` for operation `id`. */
  complete(id: string): void {
    this.socket.send(JSON.stringify({ id, type: 'complete' }));
  }

  /**
   * Resolves with the first `next` or `error` of operation `id`: what a query or mutation
   * answered, or a subscription's refusal or first event.
   */
  answerOf(id: string): Promise<ServerMessage> {
    return this.waitFor((m) => m.id === id && (m.type === 'next' || m.type === 'error'));
  }

  /** Closes the socket from the client's side and waits for the close. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING)
      this.socket.close();
    await this.closed;
  }
}

/** The `extensions.code` values of an `error` message or of a `next` payload's errors. */
export function codesOf(message: ServerMessage): string[] {
  const errors =
    message.type === 'error'
      ? (message.payload as { extensions?: { code?: string } }[])
      : ((message.payload as { errors?: { extensions?: { code?: string } }[] }).errors ?? []);
  return errors.map((e) => e.extensions?.code ?? 'NONE');
}
