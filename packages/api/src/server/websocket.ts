import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
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

/**
 * graphql-ws (`graphql-transport-ws` protocol) on the HTTP server's port and `/graphql` path.
 * Each subscription operation gets its own context; each event is then resolved by the
 * subscription resolver with its own EntityManager fork.
 * @returns a function that closes every socket and stops accepting new ones
 */
export function attachGraphQLWebSocket(
  httpServer: Server,
  schema: GraphQLSchema,
  createContext: (requestId: string) => GraphQLContext,
  logger: Logger,
  options: { connectionInitTimeoutMs: number; shareResults?: boolean } = { connectionInitTimeoutMs: 3_000 },
): () => Promise<void> {
  const multiplexer = new SubscriptionMultiplexer(options.shareResults === false ? new Set() : SHARED_SUBSCRIPTIONS);
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  const disposable = useServer(
    {
      schema,
      // Identical subscriptions are executed once per event and their result is sent to each.
      subscribe: multiplexer.subscribe,
      // Close 4408 when connection_init does not arrive in time (WS_CONNECTION_INIT_TIMEOUT_MS).
      connectionInitWaitTimeout: options.connectionInitTimeoutMs,
      context: () => createContext(randomUUID()),
      onConnect: () => {
        logger.debug('graphql-ws connection accepted');
        return true;
      },
      onError: (_ctx, id, _payload, errors) => {
        logger.warn({ operationId: id, errors: errors.map((e) => e.message) }, 'graphql-ws operation failed');
      },
    },
    wss,
  );
  return async () => {
    await disposable.dispose();
  };
}
