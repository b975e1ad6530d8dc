import { getOperationAST, type ExecutionArgs } from 'graphql';
import type { GatewayMetrics } from './gateway-metrics.js';

/** Why a graphql-ws connection or operation was refused (the `reason` label). */
export type WebSocketRefusal =
  'connections' | 'connections_per_token' | 'operations_per_socket' | 'rate_limited';
/** Why the gateway closed an open graphql-ws connection (the `reason` label). */
export type WebSocketDrop = 'slow_reader' | 'token_invalid';

/**
 * What the graphql-ws server tells observers, one method per server hook (server/websocket.ts
 * calls them). `ctx` is graphql-ws's per-socket context object, used only as an identity.
 */
export interface GraphQLWebSocketObserver {
  /** A socket completed connection_init and was accepted. */
  connected(ctx: object): void;
  /** An accepted socket closed (graphql-ws has already ended its subscriptions). */
  disconnected(ctx: object): void;
  /** An operation started executing; for a subscription `result` is its event stream. */
  operationStarted(ctx: object, id: string, args: ExecutionArgs, result: unknown): void;
  /** One result of operation `id` is about to be sent. */
  resultSent(ctx: object, id: string): void;
  /**
   * A counter of results sent for operation `id`, for senders that deliver many (the shared
   * subscriptions' direct writes): resolved once per operation instead of once per result.
   */
  resultCounter(ctx: object, id: string): () => void;
  /** Operation `id` completed (client `complete`, end of stream, error, or socket close). */
  operationCompleted(ctx: object, id: string): void;
  /** A limit refused a connection or an operation. */
  refused(reason: WebSocketRefusal): void;
  /** The gateway closed an open connection. */
  dropped(reason: WebSocketDrop): void;
}

/** Active connections, active subscriptions by root field, and events delivered by root field. */
export function createWebSocketMetricsObserver(metrics: GatewayMetrics): GraphQLWebSocketObserver {
  /** Per socket: running subscription id → its field label, to decrement on completion. */
  const running = new WeakMap<object, Map<string, string>>();
  /** Deliveries counted by `resultCounter` and not yet added to the Prometheus counter, by field. */
  const unflushed = new Map<string, { count: number }>();
  let flushing = false;
  const flush = () => {
    flushing = false;
    for (const [field, pending] of unflushed) {
      if (pending.count > 0) metrics.eventsDelivered.inc({ field }, pending.count);
      pending.count = 0;
    }
  };
  const fieldOf = (args: ExecutionArgs): string => {
    const operation = getOperationAST(args.document, args.operationName);
    const selection = operation?.selectionSet.selections[0];
    return metrics.labels.field.of(selection?.kind === 'Field' ? selection.name.value : '__unknown__');
  };
  return {
    connected(ctx) {
      metrics.webSocketConnections.inc();
      metrics.webSocketConnectionsOpened.inc();
      running.set(ctx, new Map());
    },
    disconnected(ctx) {
      metrics.webSocketConnections.dec();
      for (const field of running.get(ctx)?.values() ?? []) metrics.subscriptions.dec({ field });
      running.delete(ctx);
    },
    operationStarted(ctx, id, args, result) {
      if (result === null || typeof result !== 'object' || !(Symbol.asyncIterator in result)) return;
      const field = fieldOf(args);
      running.get(ctx)?.set(id, field);
      metrics.subscriptions.inc({ field });
    },
    resultSent(ctx, id) {
      const field = running.get(ctx)?.get(id);
      if (field !== undefined) metrics.eventsDelivered.inc({ field });
    },
    resultCounter(ctx, id) {
      const field = running.get(ctx)?.get(id);
      if (field === undefined) return () => {};
      let pending = unflushed.get(field);
      if (!pending) unflushed.set(field, (pending = { count: 0 }));
      const counted = pending;
      return () => {
        counted.count++;
        if (flushing) return;
        flushing = true;
        // One counter update per field per turn of the event loop, not one per socket write.
        setImmediate(flush);
      };
    },
    refused(reason) {
      metrics.webSocketRefusals.inc({ reason });
    },
    dropped(reason) {
      metrics.webSocketDrops.inc({ reason });
    },
    operationCompleted(ctx, id) {
      const subscriptions = running.get(ctx);
      const field = subscriptions?.get(id);
      if (field === undefined) return;
      subscriptions!.delete(id);
      metrics.subscriptions.dec({ field });
    },
  };
}
