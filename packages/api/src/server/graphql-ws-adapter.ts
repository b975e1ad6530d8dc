import type { IncomingMessage } from 'node:http';
import { CloseCode, makeServer, MessageType, type ServerOptions } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocket, type WebSocketServer } from 'ws';

/**
 * WebSocket close codes of RFC 6455 (section 7.4.1) that graphql-ws does not name: the
 * protocol's own codes come from graphql-ws's `CloseCode`.
 */
export const WebSocketCloseCode = {
  /** Server shutdown (RFC 6455 "going away"). */
  GoingAway: 1001,
  /** A client broke a limit of this server (its token holds too many connections; it does not read). */
  PolicyViolation: 1008,
  /** The server is at its connection limit; the client may retry later. */
  TryAgainLater: 1013,
} as const;

/** What graphql-ws's hooks find in `ctx.extra`: the ws socket and its upgrade request. */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

/** How sockets are admitted and watched, on top of graphql-ws's protocol. */
export interface AdapterOptions {
  logger: Logger;
  /** Milliseconds between pings; a socket that does not answer one within this is cut. 0: none. */
  keepAliveMs: number;
  /** Called before graphql-ws sees a new socket; false: it was closed, graphql-ws never sees it. */
  admit: (socket: WebSocket) => boolean;
  /** Bytes a socket may hold unsent before `onSlowReader` is told (after the write that passed it). */
  maxBufferedBytes: number;
  /** A socket passed `maxBufferedBytes`: drop it. Called for each write while it is over. */
  onSlowReader: (extra: SocketExtra) => void;
}

/**
 * Serves graphql-ws's transport-free protocol core (`makeServer`, with the caller's hooks) on a
 * `ws` server: the thin adapter graphql-ws's own `use/ws` is, plus admission before the protocol
 * starts and a watch on each socket's unsent bytes after every frame it is sent. A write that fails
 * because the socket was dropped meanwhile is not an error of the operation (the socket is gone).
 * @returns a function that closes every socket (1001) and the server
 */
export function serveGraphQLWs<E extends SocketExtra>(
  wss: WebSocketServer,
  options: ServerOptions<Record<string, unknown> | undefined, E>,
  adapter: AdapterOptions,
  extraOf: (socket: WebSocket, request: IncomingMessage) => E,
): () => Promise<void> {
  const server = makeServer(options);
  // ws re-emits the HTTP server's errors (e.g. a port in use at listen): the gateway handles those
  // on the HTTP server; without a listener here they would crash the process instead.
  wss.on('error', (error) => adapter.logger.warn({ err: error }, 'graphql-ws server error'));
  wss.on('connection', (socket, request) => {
    if (!adapter.admit(socket)) return;
    const extra = extraOf(socket, request);
    socket.once('error', (error) => {
      adapter.logger.warn({ err: error }, 'graphql-ws socket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    let pongWait: NodeJS.Timeout | undefined;
    const ping =
      adapter.keepAliveMs > 0
        ? setInterval(() => {
            if (socket.readyState !== WebSocket.OPEN) return;
            pongWait ??= setTimeout(() => socket.terminate(), adapter.keepAliveMs);
            socket.ping();
          }, adapter.keepAliveMs)
        : undefined;
    socket.on('pong', () => {
      clearTimeout(pongWait);
      pongWait = undefined;
    });
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== WebSocket.OPEN) return resolve();
            socket.send(data, () => resolve());
            if (socket.bufferedAmount > adapter.maxBufferedBytes) adapter.onSlowReader(extra);
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(String(data)).catch((error: unknown) => {
              adapter.logger.error({ err: error }, 'graphql-ws message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      extra,
    );
    socket.once('close', (code, reason) => {
      clearInterval(ping);
      clearTimeout(pongWait);
      void closed(code, String(reason));
    });
  });
  return async () => {
    for (const client of wss.clients) client.close(WebSocketCloseCode.GoingAway, 'Going away');
    wss.removeAllListeners('connection');
    await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
  };
}

/** Where a shared subscription's results go straight to its socket (see SubscriptionMultiplexer's sinks). */
export interface NextFrameSink {
  /** Sends one result; `payload` is the UTF-8 JSON of the `next` message's payload. */
  send(payload: Buffer): void;
  /** graphql-ws started the operation: `stream` is what it iterates (and ends on `complete`). */
  started(stream: unknown): void;
}

/** The end of a `next` frame around its payload. */
const FRAME_END = Buffer.from('}');

/**
 * A `next` frame writer for operation `id` of a socket, for results shared by many subscribers:
 * the payload's JSON is made once per event for all of them, only the frame's id around it is
 * per subscriber, and no promise per subscriber per event. graphql-ws still owns the operation
 * (its stream yields nothing; it sends `complete` and ends it on close). Frames are written only
 * while that very operation runs (not after the client completed it, or an id reused since).
 */
export function nextFrameSink(
  extra: SocketExtra,
  id: string,
  options: {
    /** Whether graphql-ws still runs `stream` under this id. */
    isRunning: (stream: unknown) => boolean;
    maxBufferedBytes: number;
    onSlowReader: () => void;
    /** A counter of delivered results, asked for at the first one. */
    counter: () => () => void;
  },
): NextFrameSink {
  const socket = extra.socket;
  const frameStart = Buffer.from(`{"id":${JSON.stringify(id)},"type":"${MessageType.Next}","payload":`);
  let stream: unknown;
  let delivered: (() => void) | undefined;
  return {
    started(value) {
      stream = value;
    },
    send(payload) {
      if (stream === undefined || !options.isRunning(stream) || socket.readyState !== WebSocket.OPEN) return;
      // A text frame from bytes: the payload was UTF-8 encoded once for every subscriber.
      socket.send(Buffer.concat([frameStart, payload, FRAME_END], frameStart.length + payload.length + 1), {
        binary: false,
      });
      if (socket.bufferedAmount > options.maxBufferedBytes) options.onSlowReader();
      (delivered ??= options.counter())();
    },
  };
}
