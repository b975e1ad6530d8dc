import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  GraphQLError,
  getOperationAST,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { operationRoles } from '../modules/auth/operation-roles.js';
import type { Principal } from '../modules/auth/principal.js';
import { Role } from '../modules/auth/role.enum.js';
import { ErrorCode } from '../shared/error-code.js';
import type { GraphQLWebSocketObserver, WebSocketDrop } from '../observability/websocket.metrics.js';
import type { Config } from '../config/config.js';
import type { GraphQLContext } from '../shared/context.js';
import { SubscriptionMultiplexer, type SubscriberSink } from './subscription-multiplexer.js';

/** Event subscriptions whose executed results are shared by identical subscriptions (see SubscriptionMultiplexer). */
const SHARED_SUBSCRIPTIONS = new Set([
  'deviceCheckedIn',
  'deviceEnrolled',
  'deviceRemoved',
  'certificateRenewed',
  'certificateExpiring',
  'certificateExpired',
  'importCompleted',
]);

import { bearerSecret } from './authentication.js';
import {
  formatClientErrors,
  noIntrospectionRule,
  parseFailure,
  validationFailures,
  type ClientErrorPolicy,
} from './format-error.js';
import { checkTokenLimit } from './query-limits.js';
import type { RateLimit } from './rate-limit.js';
import { TokenConnections } from './websocket-connections.js';

/**
 * WebSocket close codes of RFC 6455 (section 7.4.1) that graphql-ws does not name: the
 * protocol's own codes come from graphql-ws's `CloseCode`.
 */
export const WebSocketCloseCode = {
  /** A client broke a limit of this server (its token holds too many connections; it does not read). */
  PolicyViolation: 1008,
  /** The server is at its connection limit; the client may retry later. */
  TryAgainLater: 1013,
} as const;

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
  /** Told of connections, operations and results (metrics); optional. */
  observer?: GraphQLWebSocketObserver;
  /** Milliseconds a client has to send `connection_init` before close 4408. */
  connectionInitTimeoutMs: number;
  /** Execute identical event subscriptions once per event (default true; false is the benchmark baseline). */
  shareResults?: boolean;
  /** The per-token (and per-address) budget, the same instance HTTP spends from. */
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

/** What graphql-ws/use/ws puts in `ctx.extra`, plus the principal found at connection time. */
type SocketExtra = {
  principal?: Principal | null;
  /** The token secret of connection_init: every operation re-authenticates with it. */
  secret?: string;
  /** The gateway closed this socket (see `drop`); set once. */
  dropped?: boolean;
  /** The request id of each running operation, by operation id: its errors carry it (see onError). */
  requestIds?: Map<string, string>;
  socket: WebSocket;
  request: { socket: { remoteAddress?: string } };
} & Record<PropertyKey, unknown>;

/** The end of a `next` frame around its payload. */
const FRAME_END = Buffer.from('}');

/**
 * graphql-ws (`graphql-transport-ws` protocol) on the HTTP server's port and `/graphql` path.
 * The connection presents its token in `connection_init` (`{ "authorization": "Bearer <token>" }`);
 * without a valid token it is closed with 4403 Forbidden. Every operation is authorised with the
 * token's state at that moment and spends from the same rate limit as HTTP; a token revoked or
 * expired closes its sockets with 4403 (their subscriptions end): at once when the revocation
 * event arrives, else within `revalidateIntervalMs`. Every document passes the same validation
 * and limits as over HTTP; each operation gets its own context. Limits (`edge.limits`): connections
 * in all (close 1013) and per token (close 1008), operations at once per socket (refused with
 * TOO_MANY_OPERATIONS), bytes queued to a socket that does not read (dropped: close 1008).
 * @returns a function that closes every socket and stops accepting new ones
 */
export function attachGraphQLWebSocket(httpServer: Server, edge: WebSocketEdge): () => Promise<void> {
  /** The direct sink of each shared subscription, by its execution context (see SubscriptionMultiplexer). */
  const sinks = new WeakMap<object, SubscriberSink & { stream?: unknown }>();
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
    edge.shareResults === false ? new Set() : SHARED_SUBSCRIPTIONS,
    (args) => (args.contextValue ? sinks.get(args.contextValue) : undefined),
    // A shared result is formatted once, before it is serialised for every subscriber: its errors
    // carry the request id of the execution that produced them (the first subscriber's).
    (result, args) => formatResult(result, args.contextValue as GraphQLContext),
  );
  // Compression off (ws's server default, stated): deflating every frame for every subscriber
  // costs more CPU than the small JSON events save on a LAN.
  const wss = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: 1024 * 1024,
    perMessageDeflate: false,
  });
  const byToken = new TokenConnections<{ extra: SocketExtra }>(edge.limits.maxConnectionsPerToken);
  /** Closes a socket the gateway no longer serves; counted once. */
  const drop = (extra: SocketExtra, reason: WebSocketDrop) => {
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
  /** Drops a socket whose unsent bytes passed the limit; true when it did. */
  const droppedForSlowness = (extra: SocketExtra) => {
    if (extra.socket.bufferedAmount <= edge.limits.maxBufferedBytes) return false;
    drop(extra, 'slow_reader');
    return true;
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
  // Before graphql-ws sees the socket: one over the limit is closed at once, nothing allocated for it.
  wss.on('connection', (socket) => {
    if (wss.clients.size <= edge.limits.maxConnections) return;
    edge.observer?.refused('connections');
    socket.close(WebSocketCloseCode.TryAgainLater, 'Too many connections');
  });
  const rules = [
    ...specifiedRules,
    ...edge.validationRules,
    ...(edge.introspection ? [] : [noIntrospectionRule]),
  ];
  const requestIdsOf = (extra: SocketExtra) => (extra.requestIds ??= new Map());
  // Documents that passed the limits and validation, by their text (like Apollo's document
  // cache over HTTP): thousands of dashboards subscribe with the same few documents.
  const validDocuments = new LRUCache<string, DocumentNode>({
    maxSize: 4 * 1024 * 1024,
    sizeCalculation: (_document, source) => Math.max(1, source.length),
  });
  const disposable = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema: edge.schema,
      // Identical subscriptions are executed once per event and their result is sent to each.
      subscribe: multiplexer.subscribe,
      // Close 4408 when connection_init does not arrive in time (WS_CONNECTION_INIT_TIMEOUT_MS).
      connectionInitWaitTimeout: edge.connectionInitTimeoutMs,
      onConnect: async (ctx) => {
        const secret = bearerSecret(ctx.connectionParams?.['authorization']);
        const principal = secret ? await edge.authenticate(secret) : null;
        if (!principal) {
          edge.onDenied(
            'subscribe:connect',
            null,
            ctx.extra.request.socket.remoteAddress ?? null,
            secret ? 'invalid token' : 'no token',
          );
          return false;
        }
        if (!byToken.add(principal.tokenId, ctx)) {
          edge.observer?.refused('connections_per_token');
          ctx.extra.socket.close(WebSocketCloseCode.PolicyViolation, 'Too many connections for this token');
          return false;
        }
        ctx.extra.principal = principal;
        ctx.extra.secret = secret!;
        edge.observer?.connected(ctx);
        return true;
      },
      onDisconnect: (ctx) => edge.observer?.disconnected(ctx),
      onClose: (ctx) => {
        if (ctx.extra.principal) byToken.remove(ctx.extra.principal.tokenId, ctx);
      },
      onOperation: (ctx, id, _payload, args, result) => {
        const sink = args.contextValue ? sinks.get(args.contextValue) : undefined;
        if (sink) sink.stream = result;
        edge.observer?.operationStarted(ctx, id, args, result);
      },
      // Results with errors (queries and events alike) are sent formatted as over HTTP; others unchanged.
      onNext: (ctx, id, _payload, args, result) => {
        if (droppedForSlowness(ctx.extra)) return undefined;
        edge.observer?.resultSent(ctx, id);
        return formatResult(result, args.contextValue as GraphQLContext);
      },
      onComplete: (ctx, id) => {
        ctx.extra.requestIds?.delete(id);
        edge.observer?.operationCompleted(ctx, id);
      },
      onSubscribe: async (ctx, id, payload) => {
        // The request id of this operation, also for the errors sent before it has a context.
        const requestId = randomUUID();
        requestIdsOf(ctx.extra).set(id, requestId);
        // This operation is already among the socket's (graphql-ws registers it before this hook).
        if (Object.keys(ctx.subscriptions).length > edge.limits.maxOperationsPerSocket) {
          edge.observer?.refused('operations_per_socket');
          return [
            new GraphQLError(
              `this socket already runs ${edge.limits.maxOperationsPerSocket} operations; complete one first`,
              { extensions: { code: ErrorCode.TOO_MANY_OPERATIONS } },
            ),
          ];
        }
        // The token as it is now, not as it was at connection_init: revoked or expired closes the socket.
        const principal = ctx.extra.secret ? await edge.authenticate(ctx.extra.secret) : null;
        if (!principal) {
          drop(ctx.extra, 'token_invalid');
          return [
            new GraphQLError('token revoked or expired', { extensions: { code: ErrorCode.UNAUTHENTICATED } }),
          ];
        }
        const retryAfter = await edge.rateLimit.consume({ tokenId: principal.tokenId });
        if (retryAfter !== null) {
          edge.observer?.refused('rate_limited');
          return [
            new GraphQLError(`rate limit exceeded; retry after ${retryAfter} s`, {
              extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds: retryAfter },
            }),
          ];
        }
        let document = validDocuments.get(payload.query);
        if (!document) {
          try {
            checkTokenLimit(payload.query, edge.maxTokens);
            document = parse(payload.query);
          } catch (error) {
            return [
              error instanceof GraphQLError
                ? parseFailure(error)
                : new GraphQLError('document could not be parsed'),
            ];
          }
          const errors = validate(edge.schema, document, rules);
          if (errors.length > 0) return validationFailures(errors, edge.errorPolicy);
          validDocuments.set(payload.query, document);
        }
        if (!getOperationAST(document, payload.operationName))
          return [operationResolutionFailure(document, payload.operationName ?? undefined)];
        const denied = deniedRootField(document, payload.operationName ?? undefined, principal);
        if (denied) {
          edge.onDenied(
            `subscribe:${denied}`,
            principal,
            ctx.extra.request.socket.remoteAddress ?? null,
            'role not allowed',
          );
          return [
            new GraphQLError(`role ${principal?.role ?? 'anonymous'} may not use ${denied}`, {
              extensions: { code: ErrorCode.FORBIDDEN },
            }),
          ];
        }
        const contextValue = edge.createContext(
          requestId,
          principal,
          ctx.extra.request.socket.remoteAddress ?? null,
        );
        // Results of a shared stream are written straight to the socket: the payload's JSON is
        // made once per event, only this frame's id around it is per subscriber. graphql-ws still
        // runs the subscription (its stream yields nothing) and sends its `complete`.
        const socket = ctx.extra.socket;
        const frameStart = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
        let delivered: (() => void) | undefined;
        const sink: SubscriberSink & { stream?: unknown } = {
          send(payload) {
            // Only while this very operation runs (not after the client completed it, or an id reused since).
            if (
              sink.stream === undefined ||
              ctx.subscriptions[id] !== sink.stream ||
              socket.readyState !== WebSocket.OPEN
            )
              return;
            if (droppedForSlowness(ctx.extra)) return;
            // A text frame from bytes: the payload was UTF-8 encoded once for every subscriber.
            socket.send(
              Buffer.concat([frameStart, payload, FRAME_END], frameStart.length + payload.length + 1),
              { binary: false },
            );
            (delivered ??= edge.observer?.resultCounter(ctx, id) ?? (() => {}))();
          },
        };
        sinks.set(contextValue, sink);
        return {
          schema: edge.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
      },
      // Refusals (parse, validation, role) and a stream that failed: formatted as over HTTP.
      onError: (ctx, id, _payload, errors) => {
        const requestId = ctx.extra.requestIds?.get(id) ?? randomUUID();
        ctx.extra.requestIds?.delete(id);
        edge.logger.warn(
          { operationId: id, requestId, errors: errors.map((e) => e.message) },
          'graphql-ws operation failed',
        );
        return formatClientErrors(errors, requestId, edge.errorPolicy, edge.logger);
      },
    },
    wss,
  );
  return async () => {
    clearInterval(revalidation);
    stopListening();
    await disposable.dispose();
  };
}

/**
 * The document has no operation to run under that name: graphql-js's message, with the code Apollo
 * gives it over HTTP (OPERATION_RESOLUTION_FAILURE) rather than graphql-ws's uncoded one.
 */
function operationResolutionFailure(document: DocumentNode, operationName: string | undefined): GraphQLError {
  const count = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
  const message = operationName
    ? `Unknown operation named "${operationName}".`
    : count === 0
      ? 'Must provide an operation.'
      : 'Must provide operation name if query contains multiple operations.';
  return new GraphQLError(message, {
    extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE },
  });
}

/**
 * The first root field of the operation that the principal's role may not use. type-graphql
 * checks `@Authorized` when it resolves each event; checking here as well refuses the
 * subscription at once instead of sending an error per event.
 */
function deniedRootField(
  document: DocumentNode,
  operationName: string | undefined,
  principal: Principal | null,
): string | undefined {
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return undefined;
  const kind =
    operation.operation === 'subscription'
      ? 'Subscription'
      : operation.operation === 'mutation'
        ? 'Mutation'
        : 'Query';
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
    const roles = operationRoles(kind, selection.name.value) ?? [];
    if (roles.includes(Role.DEVICE)) continue;
    if (!principal || !roles.includes(principal.role)) return selection.name.value;
  }
  return undefined;
}
