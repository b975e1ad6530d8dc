import type { IncomingMessage } from 'node:http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Config } from '../config/config.js';

/** Paths whose requests get no span: scrapes and probes would drown the operations. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

/** A running tracer provider. */
export interface Tracing {
  /** Exports every span ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops exporting and removes the instrumentation hooks. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing: an HTTP server span per request, with graphql-js child spans
 * (parse, validate, execute named `<type> <OperationName>`, and a span per non-trivial resolver)
 * and a span per SQL statement from node-postgres; batches go to `<otlpEndpoint>/v1/traces` as
 * OTLP/HTTP JSON. Must run before `graphql`, `pg` and `http` are first loaded (the hooks patch
 * modules as they load): main.ts imports ./register-tracing.js first for that reason.
 */
export function startTracing(config: Required<Config['tracing']>): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.otlpEndpoint.replace(/\/+$/, '')}/v1/traces` }))],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATHS.has(new URL(req.url ?? '/', 'http://x.invalid').pathname),
        // The gateway makes no outgoing HTTP calls of its own; the exporter's are not traced.
        ignoreOutgoingRequestHook: () => true,
      }),
      // Default resolvers (plain property reads) would add a span per field of every object.
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true }),
      new PgInstrumentation(),
    ],
  });
  return {
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
