import type { IncomingMessage } from 'node:http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Config } from '../config/config.js';
import { setGraphQLTraced } from './tracing-state.js';

/** Paths whose requests get no span: scrapes and probes would drown the operations. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

/** Options beyond the configuration. */
export interface TracingOptions {
  /** Further request paths to leave untraced (an in-process collector's own `/v1/traces`). */
  untracedPaths?: readonly string[];
}

/** A running tracer provider. */
export interface Tracing {
  /** Exports every span ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops exporting and removes the instrumentation hooks. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing: an HTTP server span per request, with graphql-js child spans
 * (parse, validate, execute named `<type> <OperationName>`, and resolver spans for the first two
 * levels of fields)
 * and a span per SQL statement from node-postgres; batches go to `<otlpEndpoint>/v1/traces` as
 * OTLP/HTTP JSON. Must run before `graphql`, `pg` and `http` are first loaded (the hooks patch
 * modules as they load): main.ts imports ./register-tracing.js first for that reason.
 */
export function startTracing(config: Required<Config['tracing']>, options: TracingOptions = {}): Tracing {
  const untraced = new Set([...UNTRACED_PATHS, ...(options.untracedPaths ?? [])]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${config.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` }),
      ),
    ],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) =>
          untraced.has(new URL(req.url ?? '/', 'http://x.invalid').pathname),
        // The gateway makes no outgoing HTTP calls of its own; the exporter's are not traced.
        ignoreOutgoingRequestHook: () => true,
      }),
      // type-graphql gives every field a resolver, so without a depth limit a page of 500 devices
      // would add 500 × fields spans. Depth 2: the root field and its direct children
      // (`enrollDevice`, `enrollDevice.device`); the SQL spans show where deeper time goes.
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, depth: 2 }),
      new PgInstrumentation(),
    ],
  });
  setGraphQLTraced(true);
  return {
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      unregister();
      setGraphQLTraced(false);
      await provider.shutdown();
    },
  };
}
