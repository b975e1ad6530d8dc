import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { GraphQLWebSocketObserver } from '../observability/websocket.metrics.js';
import type { GraphQLContext } from '../shared/context.js';

/**
 * graphql-ws (`graphql-transport-ws` protocol) on the HTTP server's port and `/graphql` path.
 * Each subscription operation gets its own context; each event is then resolved by the
 * subscription resolver with its own EntityManager fork.
 * @param observer told of connections, operations and results (metrics); optional
 * @returns a function that closes every socket and stops accepting new ones
 */
export function attachGraphQLWebSocket(
  httpServer: Server,
  schema: GraphQLSchema,
  createContext: (requestId: string) => GraphQLContext,
  logger: Logger,
  observer?: GraphQLWebSocketObserver,
): () => Promise<void> {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  const disposable = useServer(
    {
      schema,
      context: () => createContext(randomUUID()),
      onConnect: (ctx) => {
        logger.debug('graphql-ws connection accepted');
        observer?.connected(ctx);
        return true;
      },
      onDisconnect: (ctx) => observer?.disconnected(ctx),
      onOperation: (ctx, id, _payload, args, result) => {
        observer?.operationStarted(ctx, id, args, result);
      },
      onNext: (ctx, id) => {
        observer?.resultSent(ctx, id);
      },
      onComplete: (ctx, id) => observer?.operationCompleted(ctx, id),
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
