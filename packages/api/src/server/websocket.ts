import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import {
  GraphQLError,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { CloseCode, handleProtocols, type Context } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Config } from '../config/config.js';
import { deniedRootField } from '../modules/auth/operation-roles.js';
import type { Principal } from '../modules/auth/principal.js';
import type { GraphQLWebSocketObserver, WebSocketDrop } from '../observability/websocket.metrics.js';
import type { GraphQLContext } from '../shared/context.js';
import { ErrorCode } from '../shared/error-code.js';
import { sharedResultFields } from '../shared/graphql/shared-results.js';
import { bearerSecret } from './authentication.js';
import { formatClientErrors, type ClientErrorPolicy } from './format-error.js';
import {
  nextFrameSink,
  serveGraphQLWs,
  WebSocketCloseCode,
  type NextFrameSink,
  type SocketExtra,
} from './graphql-ws-adapter.js';
import { OperationDocuments } from './operation-documents.js';
import type { RateLimit } from './rate-limit.js';
import { SubscriptionMultiplexer } from './subscription-multiplexer.js';
import { TokenConnections } from './websocket-connections.js';

export { WebSocketCloseCode } from './graphql-ws-adapter.js';

/** What the WebSocket edge needs from the gateway. */
export interface WebSocketEdge {
  schema: GraphQLSchema;
  createContext: (
    requestId: string,
    principal: Principal | null,
    clientAddress: string | null,
  ) => GraphQLContext;
  authenticate: (secret: string) => Promise<Principal | null>;
  /** Called when a connection or subscription is refused, for the audit trail. */
  onDenied: (
    action: string,
    principal: Principal | null,
    clientAddress: string | null,
    reason: string,
  ) => void;
  validationRules: ValidationRule[];
  /** Serve `__schema`/`__type` (config `introspection`, as Apollo's option over HTTP). */
  introspection: boolean;
  /** Stack traces and suggestions, as over HTTP (production hides both). */
  errorPolicy: ClientErrorPolicy;
  maxTokens: number;
  logger: Logger;
  /** Told of connections, operations, results, refusals and drops (metrics); optional. */
  observer?: GraphQLWebSocketObserver;
  /** Milliseconds a client has to send `connection_init` before close 4408. */
  connectionInitTimeoutMs: number;
  /** Execute identical event subscriptions once per event (default true; false is the benchmark baseline). */
  shareResults?: boolean;
  /** The per-token budget, the same instance HTTP spends from. */
  rateLimit: RateLimit;
  /** Connection and socket limits (config `webSocket`). */
  limits: Omit<Config['webSocket'], 'connectionInitTimeoutMs'>;
  /**
   * Calls `listener` with the id of every token revoked on any instance (the event bus).
   * @returns a function that stops listening
   */
  onTokenRevoked: (listener: (tokenId: string) => void) => () => void;
  /** The ids among `tokenIds` of tokens neither revoked nor expired now (read from the database). */
  stillValid: (tokenIds: readonly string[]) => Promise<Set<string>>;
  /**
   * Milliseconds between two checks of every open connection's token against the database: a
   * revocation no event brought, or an expiry, closes its sockets within this (TOKEN_CACHE_TTL_MS,
   * the bound HTTP's token cache gives).
   */
  revalidateIntervalMs: number;
}

/** `ctx.extra` of each socket: the ws socket and request, and what the hooks learn about it. */
interface GatewaySocket extends SocketExtra {
  /** The principal of connection_init's token, once accepted (the connection's owner). */
  principal?: Principal;
  /** connection_init's token secret: every operation re-authenticates with it. */
  secret?: string;
  /** The gateway closed this socket (see `drop`); set once. */
  dropped?: boolean;
  /** The request id of each running operation, by operation id: its errors carry it (see onError). */
  readonly requestIds: Map<string, string>;
}

type SocketContext = Context<Record<string, unknown> | undefined, GatewaySocket>;

/** Pings every this many milliseconds; a socket that does not answer within as long is cut (graphql-ws's default). */
const KEEP_ALIVE_MS = 12_000;

/**
 * graphql-ws (`graphql-transport-ws` protocol) on the HTTP server's port and `/graphql` path: the
 * protocol is graphql-ws's own core; this file only fills its hooks.
 *
 * - `onConnect`: the token of `connection_init` (`{ "authorization": "Bearer <token>" }`); none or
 *   an invalid one closes 4403 Forbidden, a token over its connection limit closes 1008.
 * - `onSubscribe`: every operation is authorised with the token's state at that moment (revoked or
 *   expired closes the socket 4403) and spends from the same rate limit as HTTP (RATE_LIMITED); a
 *   socket at its limit of running operations gets TOO_MANY_OPERATIONS; then the document's checks
 *   (operation-documents.ts) and the roles the schema declares (operation-roles.ts).
 * - `onNext`/`onError`: errors formatted exactly as over HTTP.
 *
 * A token revoked closes its sockets with 4403 (their subscriptions end) as soon as the revocation
 * event arrives, from any instance; one revoked unseen or expired, within `revalidateIntervalMs`.
 * Connections over WS_MAX_CONNECTIONS close 1013; a socket with more than WS_MAX_BUFFERED_BYTES
 * unsent is dropped (1008). Identical event subscriptions share one execution per event
 * (subscription-multiplexer.ts, for fields the schema declares with `@SharedResults()`).
 *
 * @returns a function that closes every socket and stops accepting new ones
 */
export function attachGraphQLWebSocket(httpServer: Server, edge: WebSocketEdge): () => Promise<void> {
  /** The direct sink of each shared subscription, by its execution context (see SubscriptionMultiplexer). */
  const sinks = new WeakMap<object, NextFrameSink>();
  /** A result whose errors are formatted as over HTTP (see formatClientErrors); undefined when it has none. */
  const formatResult = (
    result: ExecutionResult,
    context: GraphQLContext,
  ): FormattedExecutionResult | undefined =>
    result.errors
      ? {
          ...result,
          errors: formatClientErrors(result.errors, context.requestId, edge.errorPolicy, context.logger),
        }
      : undefined;
  const multiplexer = new SubscriptionMultiplexer(
    edge.shareResults === false ? new Set() : sharedResultFields(edge.schema),
    (args) => (args.contextValue ? sinks.get(args.contextValue) : undefined),
    // A shared result is formatted once, before it is serialised for every subscriber: its errors
    // carry the request id of the execution that produced them (the first subscriber's).
    (result, args) => formatResult(result, args.contextValue as GraphQLContext),
  );
  const documents = new OperationDocuments(edge);
  // Compression off (ws's server default, stated): deflating every frame for every subscriber
  // costs more CPU than the small JSON events save on a LAN.
  const wss = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: 1024 * 1024,
    perMessageDeflate: false,
    handleProtocols,
  });

  const byToken = new TokenConnections<SocketContext>(edge.limits.maxConnectionsPerToken);
  /** Closes a socket the gateway no longer serves; counted once. */
  const drop = (extra: GatewaySocket, reason: WebSocketDrop) => {
    if (extra.dropped) return;
    extra.dropped = true;
    edge.observer?.dropped(reason);
    if (reason === 'token_invalid') {
      extra.socket.close(CloseCode.Forbidden, 'Forbidden');
      return;
    }
    // A reader that does not read will not read the close frame either (it queues behind the
    // unsent data): say why, then cut the connection so its buffers are freed now.
    extra.socket.close(WebSocketCloseCode.PolicyViolation, 'Slow reader');
    extra.socket.terminate();
  };
  const closeTokenSockets = (tokenId: string) => {
    for (const ctx of byToken.of(tokenId)) drop(ctx.extra, 'token_invalid');
  };
  const stopListening = edge.onTokenRevoked(closeTokenSockets);
  let revalidating = false;
  const revalidation = setInterval(
    () => {
      const tokenIds = byToken.tokenIds();
      if (revalidating || tokenIds.length === 0) return;
      revalidating = true;
      edge
        .stillValid(tokenIds)
        .then((valid) => tokenIds.filter((id) => !valid.has(id)).forEach(closeTokenSockets))
        .catch((error: unknown) => edge.logger.warn({ err: error }, 'graphql-ws token revalidation failed'))
        .finally(() => (revalidating = false));
    },
    Math.max(edge.revalidateIntervalMs, 100),
  );
  revalidation.unref();

  const refusal = (message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) => [
    new GraphQLError(message, { extensions: { code, ...extensions } }),
  ];
  const clientAddress = (ctx: SocketContext) => ctx.extra.request.socket.remoteAddress ?? null;

  const dispose = serveGraphQLWs<GatewaySocket>(
    wss,
    {
      schema: edge.schema,
      // Identical subscriptions are executed once per event and their result is sent to each.
      subscribe: multiplexer.subscribe,
      // Close 4408 when connection_init does not arrive in time (WS_CONNECTION_INIT_TIMEOUT_MS).
      connectionInitWaitTimeout: edge.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const secret = bearerSecret(ctx.connectionParams?.['authorization']);
        const principal = secret ? await edge.authenticate(secret) : null;
        if (!secret || !principal) {
          edge.onDenied('subscribe:connect', null, clientAddress(ctx), secret ? 'invalid token' : 'no token');
          return false;
        }
        if (!byToken.add(principal.tokenId, ctx)) {
          edge.observer?.refused('connections_per_token');
          ctx.extra.socket.close(WebSocketCloseCode.PolicyViolation, 'Too many connections for this token');
          return false;
        }
        ctx.extra.principal = principal;
        ctx.extra.secret = secret;
        edge.observer?.connected(ctx);
        return true;
      },
      onDisconnect: (ctx) => edge.observer?.disconnected(ctx),
      onClose: (ctx) => {
        if (ctx.extra.principal) byToken.remove(ctx.extra.principal.tokenId, ctx);
      },
      onSubscribe: async (ctx, id, payload) => {
        // The request id of this operation, also for the errors sent before it has a context.
        const requestId = randomUUID();
        ctx.extra.requestIds.set(id, requestId);
        // This operation is already among the socket's (graphql-ws registers it before this hook).
        if (Object.keys(ctx.subscriptions).length > edge.limits.maxOperationsPerSocket) {
          edge.observer?.refused('operations_per_socket');
          return refusal(
            `this socket already runs ${edge.limits.maxOperationsPerSocket} operations; complete one first`,
            ErrorCode.TOO_MANY_OPERATIONS,
          );
        }
        // The token as it is now, not as it was at connection_init.
        const principal = ctx.extra.secret ? await edge.authenticate(ctx.extra.secret) : null;
        if (!principal) {
          drop(ctx.extra, 'token_invalid');
          return refusal('token revoked or expired', ErrorCode.UNAUTHENTICATED);
        }
        const retryAfter = await edge.rateLimit.consume({ tokenId: principal.tokenId });
        if (retryAfter !== null) {
          edge.observer?.refused('rate_limited');
          return refusal(`rate limit exceeded; retry after ${retryAfter} s`, ErrorCode.RATE_LIMITED, {
            retryAfterSeconds: retryAfter,
          });
        }
        const prepared = documents.prepare(payload.query, payload.operationName);
        if ('errors' in prepared) return prepared.errors;
        const { document } = prepared;
        const denied = deniedRootField(edge.schema, document, payload.operationName ?? undefined, principal);
        if (denied) {
          edge.onDenied(`subscribe:${denied}`, principal, clientAddress(ctx), 'role not allowed');
          return refusal(`role ${principal.role} may not use ${denied}`, ErrorCode.FORBIDDEN);
        }
        const contextValue = edge.createContext(requestId, principal, clientAddress(ctx));
        sinks.set(
          contextValue,
          nextFrameSink(ctx.extra, id, {
            isRunning: (stream) => ctx.subscriptions[id] === stream,
            maxBufferedBytes: edge.limits.maxBufferedBytes,
            onSlowReader: () => drop(ctx.extra, 'slow_reader'),
            counter: () => edge.observer?.resultCounter(ctx, id) ?? (() => {}),
          }),
        );
        return {
          schema: edge.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      onOperation: (ctx, id, _payload, args, result) => {
        const sink = args.contextValue ? sinks.get(args.contextValue) : undefined;
        sink?.started(result);
        edge.observer?.operationStarted(ctx, id, args, result);
      },
      // Results with errors (queries and events alike) are sent formatted as over HTTP; others unchanged.
      onNext: (ctx, id, _payload, args, result) => {
        edge.observer?.resultSent(ctx, id);
        return formatResult(result, args.contextValue as GraphQLContext);
      },
      onComplete: (ctx, id) => {
        ctx.extra.requestIds.delete(id);
        edge.observer?.operationCompleted(ctx, id);
      },
      // Refusals (parse, validation, role, limits) and a stream that failed: formatted as over HTTP.
      onError: (ctx, id, _payload, errors) => {
        const requestId = ctx.extra.requestIds.get(id) ?? randomUUID();
        ctx.extra.requestIds.delete(id);
        edge.logger.warn(
          { operationId: id, requestId, errors: errors.map((e) => e.message) },
          'graphql-ws operation failed',
        );
        return formatClientErrors(errors, requestId, edge.errorPolicy, edge.logger);
      },
    },
    {
      logger: edge.logger,
      keepAliveMs: KEEP_ALIVE_MS,
      // Before graphql-ws sees the socket: one over the limit is closed at once.
      admit: (socket) => {
        if (wss.clients.size <= edge.limits.maxConnections) return true;
        edge.observer?.refused('connections');
        socket.close(WebSocketCloseCode.TryAgainLater, 'Too many connections');
        return false;
      },
      maxBufferedBytes: edge.limits.maxBufferedBytes,
      onSlowReader: (extra) => drop(extra as GatewaySocket, 'slow_reader'),
    },
    (socket: WebSocket, request: IncomingMessage) => ({ socket, request, requestIds: new Map() }),
  );
  return async () => {
    clearInterval(revalidation);
    stopListening();
    await dispose();
  };
}
