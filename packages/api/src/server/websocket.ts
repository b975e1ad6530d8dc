import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { GraphQLError, Kind, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { operationRoles } from '../modules/auth/operation-roles.js';
import type { Principal } from '../modules/auth/principal.js';
import { Role } from '../modules/auth/role.enum.js';
import { ErrorCode } from '../shared/error-code.js';
import type { GraphQLWebSocketObserver } from '../observability/websocket.metrics.js';
import type { GraphQLContext } from '../shared/context.js';
import { SubscriptionMultiplexer } from './subscription-multiplexer.js';

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
import { checkTokenLimit } from './query-limits.js';

/** What the WebSocket edge needs from the gateway. */
export interface WebSocketEdge {
  schema: GraphQLSchema;
  createContext: (requestId: string, principal: Principal | null, clientAddress: string | null) => GraphQLContext;
  authenticate: (secret: string) => Promise<Principal | null>;
  /** Called when a connection or subscription is refused, for the audit trail. */
  onDenied: (action: string, principal: Principal | null, clientAddress: string | null, reason: string) => void;
  validationRules: ValidationRule[];
  maxTokens: number;
  logger: Logger;
  /** Told of connections, operations and results (metrics); optional. */
  observer?: GraphQLWebSocketObserver;
  /** Milliseconds a client has to send `connection_init` before close 4408. */
  connectionInitTimeoutMs: number;
  /** Execute identical event subscriptions once per event (default true; false is the benchmark baseline). */
  shareResults?: boolean;
}

/** What graphql-ws/use/ws puts in `ctx.extra`, plus the principal found at connection time. */
type SocketExtra = {
  principal?: Principal | null;
  request: { socket: { remoteAddress?: string } };
} & Record<PropertyKey, unknown>;

/**
 * graphql-ws (`graphql-transport-ws` protocol) on the HTTP server's port and `/graphql` path.
 * The connection authenticates once, in `connection_init` (`{ "authorization": "Bearer <token>" }`);
 * without a valid token it is closed with 4403 Forbidden. Every subscription document passes the
 * same validation and limits as over HTTP; each gets its own context.
 * @returns a function that closes every socket and stops accepting new ones
 */
export function attachGraphQLWebSocket(httpServer: Server, edge: WebSocketEdge): () => Promise<void> {
  const multiplexer = new SubscriptionMultiplexer(edge.shareResults === false ? new Set() : SHARED_SUBSCRIPTIONS);
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  const rules = [...specifiedRules, ...edge.validationRules];
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
          edge.onDenied('subscribe:connect', null, ctx.extra.request.socket.remoteAddress ?? null, secret ? 'invalid token' : 'no token');
          return false;
        }
        ctx.extra.principal = principal;
        edge.observer?.connected(ctx);
        return true;
      },
      onDisconnect: (ctx) => edge.observer?.disconnected(ctx),
      onOperation: (ctx, id, _payload, args, result) => {
        edge.observer?.operationStarted(ctx, id, args, result);
      },
      onNext: (ctx, id) => {
        edge.observer?.resultSent(ctx, id);
      },
      onComplete: (ctx, id) => edge.observer?.operationCompleted(ctx, id),
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          checkTokenLimit(payload.query, edge.maxTokens);
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('document could not be parsed')];
        }
        const errors = validate(edge.schema, document, rules);
        if (errors.length > 0) return errors;
        const principal = ctx.extra.principal ?? null;
        const denied = deniedRootField(document, payload.operationName ?? undefined, principal);
        if (denied) {
          edge.onDenied(`subscribe:${denied}`, principal, ctx.extra.request.socket.remoteAddress ?? null, 'role not allowed');
          return [new GraphQLError(`role ${principal?.role ?? 'anonymous'} may not use ${denied}`, { extensions: { code: ErrorCode.FORBIDDEN } })];
        }
        return {
          schema: edge.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: edge.createContext(randomUUID(), ctx.extra.principal ?? null, ctx.extra.request.socket.remoteAddress ?? null),
        };
      },
      onError: (_ctx, id, _payload, errors) => {
        edge.logger.warn({ operationId: id, errors: errors.map((e) => e.message) }, 'graphql-ws operation failed');
      },
    },
    wss,
  );
  return async () => {
    await disposable.dispose();
  };
}

/**
 * The first root field of the operation that the principal's role may not use. type-graphql
 * checks `@Authorized` when it resolves each event; checking here as well refuses the
 * subscription at once instead of sending an error per event.
 */
function deniedRootField(document: DocumentNode, operationName: string | undefined, principal: Principal | null): string | undefined {
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return undefined;
  const kind = operation.operation === 'subscription' ? 'Subscription' : operation.operation === 'mutation' ? 'Mutation' : 'Query';
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value.startsWith('__')) continue;
    const roles = operationRoles(kind, selection.name.value) ?? [];
    if (roles.includes(Role.DEVICE)) continue;
    if (!principal || !roles.includes(principal.role)) return selection.name.value;
  }
  return undefined;
}
