import type { Tracing } from '../../src/observability/tracing.js';
import { startOtlpCollector, type CollectedSpan } from './otlp-collector.js';
import type { TestGateway, TestGatewayOptions } from './test-gateway.js';

/** A test gateway whose own spans (GraphQL operations, pg statements) reach an in-process collector. */
export interface TracedGateway {
  gateway: TestGateway;
  /**
   * Runs `run` (one GraphQL operation named `operation`, e.g. `mutation EnrollDevice`) and returns
   * its result with the SQL text of every pg statement under that operation's span, in order.
   */
  statementsOf<T>(operation: string, run: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  /** How many pg statements whose text matches `pattern` have been traced so far (flushed first). */
  countStatements(pattern: RegExp): Promise<number>;
  stop(): Promise<void>;
}

const isSql = (s: CollectedSpan) => s.attributes['db.system.name'] === 'postgresql';

/**
 * Starts tracing into a collector in this process, then a test gateway: tracing must start before
 * the gateway's modules load (its pg instrumentation hooks them), hence the dynamic import. For
 * the tests that count statements (the hot paths must not grow back).
 */
export async function startTracedGateway(options: TestGatewayOptions = {}): Promise<TracedGateway> {
  const collector = await startOtlpCollector();
  const { startTracing } = await import('../../src/observability/tracing.js');
  const tracing: Tracing = startTracing(
    { otlpEndpoint: collector.url, serviceName: 'mdm-gateway-test' },
    { untracedPaths: ['/v1/traces'] },
  );
  const { startTestGateway } = await import('./test-gateway.js');
  const gateway = await startTestGateway(options);
  return {
    gateway,
    async statementsOf(operation, run) {
      await tracing.forceFlush();
      const seen = new Set(collector.spans.filter((s) => s.name === operation).map((s) => s.traceId));
      const result = await run();
      await tracing.forceFlush();
      const isNew = (s: CollectedSpan) => s.name === operation && !seen.has(s.traceId);
      const spans = await collector.waitFor((all) =>
        all.some((s) => isNew(s) && all.some((p) => p.traceId === s.traceId && isSql(p))),
      );
      const span = spans.filter(isNew).at(-1)!;
      const trace = spans.filter((s) => s.traceId === span.traceId);
      const byId = new Map(trace.map((s) => [s.spanId, s]));
      const under = (s: CollectedSpan): boolean => {
        const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
        return parent === span || (parent !== undefined && under(parent));
      };
      return {
        result,
        statements: trace
          .filter((s) => isSql(s) && under(s))
          .map((s) => String(s.attributes['db.query.text'])),
      };
    },
    async countStatements(pattern) {
      await tracing.forceFlush();
      return collector.spans.filter((s) => isSql(s) && pattern.test(String(s.attributes['db.query.text'])))
        .length;
    },
    async stop() {
      await gateway.stop();
      await tracing.shutdown();
      await collector.close();
    },
  };
}
