import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { GraphQLContext } from '../shared/context.js';

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
  options: { connectionInitTimeoutMs: number } = { connectionInitTimeoutMs: 3_000 },
): () => Promise<void> {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  const disposable = useServer(
    {
      schema,
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
