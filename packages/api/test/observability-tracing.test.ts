import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tracing } from '../src/observability/tracing.js';
import { startOtlpCollector, type CollectedSpan } from './support/otlp-collector.js';
import type { TestGateway } from './support/test-gateway.js';

/**
 * Tracing hooks graphql, pg and http as they load, so this file starts tracing first and only
 * then imports the gateway (dynamically: static imports would load graphql before the hooks).
 * Vitest runs each test file in its own process, so no other file is traced.
 */
describe('OpenTelemetry tracing', () => {
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  let tracing: Tracing;
  let gateway: TestGateway;
  const logLines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    collector = await startOtlpCollector();
    const { startTracing } = await import('../src/observability/tracing.js');
    tracing = startTracing(
      { otlpEndpoint: collector.url, serviceName: 'mdm-gateway-test' },
      { untracedPaths: ['/v1/traces'] },
    );
    const { startTestGateway } = await import('./support/test-gateway.js');
    const { pino } = await import('pino');
    gateway = await startTestGateway({
      logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) }),
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await tracing?.shutdown();
    await collector?.close();
  });

  it('exports a span per GraphQL operation with resolver and SQL child spans to the OTLP endpoint', async () => {
    const { EnrollDeviceDocument } = await import('@mdm/schema');
    const { byodInput } = await import('./support/builders.js');
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input: byodInput() });
    expect(enrollDevice.__typename).toBe('EnrollDeviceSuccess');
    await tracing.forceFlush();

    const operationOf = (spans: CollectedSpan[]) => spans.find((s) => s.name === 'mutation EnrollDevice');
    const spans = await collector.waitFor((all) => {
      const operation = operationOf(all);
      return (
        operation !== undefined &&
        all.some((s) => s.traceId === operation.traceId && s.attributes['db.system.name'] === 'postgresql')
      );
    });
    const operation = operationOf(spans)!;
    const trace = spans.filter((s) => s.traceId === operation.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const ancestors = (s: CollectedSpan): CollectedSpan[] => {
      const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
      return parent ? [parent, ...ancestors(parent)] : [];
    };

    expect(operation).toMatchObject({
      serviceName: 'mdm-gateway-test',
      attributes: { 'graphql.operation.name': 'EnrollDevice', 'graphql.operation.type': 'mutation' },
    });
    const resolver = trace.find((s) => s.attributes['graphql.field.path'] === 'enrollDevice');
    expect(resolver && ancestors(resolver)).toContain(operation);
    // Resolver spans stop at depth 2 (enrollDevice.device), not one per scalar field.
    const resolverSpans = trace
      .filter((s) => s.name.startsWith('graphql.resolve'))
      .map((s) => s.name.replace('graphql.resolve ', ''));
    expect(resolverSpans).toEqual(expect.arrayContaining(['enrollDevice', 'enrollDevice.device']));
    expect(resolverSpans.filter((path) => path.split('.').length > 2)).toEqual([]);
    const sql = trace.filter((s) => s.attributes['db.system.name'] === 'postgresql');
    expect(
      sql.some((s) => String(s.attributes['db.query.text']).includes('insert into "managed_device"')),
    ).toBe(true);
    expect(sql.every((s) => ancestors(s).some((a) => a.name.startsWith('POST')))).toBe(true);
    // The whole request is one trace rooted at the HTTP server span.
    const root = trace.find((s) => !s.parentSpanId)!;
    expect(
      root.attributes['http.route'] ?? root.attributes['url.path'] ?? root.attributes['http.target'],
    ).toBe('/graphql');
    expect(ancestors(operation).at(-1)).toBe(root);
    // The request's log line names the trace.
    const logged = logLines.find((l) => l['msg'] === 'request' && l['operationName'] === 'EnrollDevice');
    expect(logged?.['traceId']).toBe(operation.traceId);
  });
});
