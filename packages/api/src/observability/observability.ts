import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { EventBus } from '../events/event-bus.js';
import { registerDatabasePoolMetrics } from './db-pool.metrics.js';
import { instrumentEventBus } from './event-bus.metrics.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { createGraphQLMetricsPlugin, recordMutationResults } from './graphql-metrics.plugin.js';
import type { GraphQLSchema } from 'graphql';
import {
  createMetricsHandler,
  METRICS_PATH,
  startMetricsServer,
  type MetricsServer,
} from './metrics.endpoint.js';
import { createWebSocketMetricsObserver, type GraphQLWebSocketObserver } from './websocket.metrics.js';

/** Everything the server edge wires in for metrics (and the trace flush on stop). */
export interface Observability {
  /** This gateway's metrics; `recordSweep` is the sweeper's entry point. */
  metrics: GatewayMetrics;
  /** The event bus to build services and the schema on (counting when metrics are on). */
  events: EventBus;
  /** Plugins for Apollo Server. */
  apolloPlugins: ApolloServerPlugin<BaseContext>[];
  /** Instruments the built schema (results of root mutation fields); a no-op when metrics are off. */
  instrumentSchema(schema: GraphQLSchema): void;
  /** Hooks for the graphql-ws server; undefined when metrics are off. */
  webSocketObserver?: GraphQLWebSocketObserver;
  /** Handler for `GET /metrics` on the main port; undefined when off or on its own port. */
  metricsRoute?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Starts the separate metrics listener if METRICS_PORT is set. */
  listen(): Promise<void>;
  /** URL of the exposition given the main listener's base URL; undefined when metrics are off. */
  metricsUrl(baseUrl: string): string | undefined;
  /** Closes the metrics listener and flushes pending spans. */
  stop(): Promise<void>;
}

/**
 * Sets up metrics for one gateway from its configuration. With METRICS_ENABLED=false nothing is
 * hooked in (no plugin, no wrappers, no process collectors); `metrics` still accepts
 * `recordSweep` calls so callers need no branch.
 */
export function createObservability(config: Config, database: Database, events: EventBus): Observability {
  const { enabled, port } = config.metrics;
  const metrics = new GatewayMetrics(enabled);
  let server: MetricsServer | undefined;
  const flushSpans = async () => {
    // The provider registered by observability/tracing.ts, if tracing is on; the API's proxy otherwise.
    const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
    const delegate = (provider.getDelegate?.() ?? provider) as { forceFlush?: () => Promise<void> };
    await delegate.forceFlush?.();
  };
  if (!enabled) {
    return {
      metrics,
      events,
      apolloPlugins: [],
      instrumentSchema: () => {},
      listen: async () => {},
      metricsUrl: () => undefined,
      stop: flushSpans,
    };
  }
  registerDatabasePoolMetrics(metrics, database.orm);
  return {
    metrics,
    events: instrumentEventBus(events, metrics),
    apolloPlugins: [createGraphQLMetricsPlugin(metrics)],
    instrumentSchema: (schema) => recordMutationResults(schema, metrics),
    webSocketObserver: createWebSocketMetricsObserver(metrics),
    metricsRoute: port === undefined ? createMetricsHandler(metrics) : undefined,
    async listen() {
      if (port !== undefined) server = await startMetricsServer(metrics, config.http.host, port);
    },
    metricsUrl: (baseUrl) => server?.url ?? (port === undefined ? `${baseUrl}${METRICS_PATH}` : undefined),
    async stop() {
      await server?.close();
      await flushSpans();
    },
  };
}
