import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tracing } from '../src/observability/tracing.js';
import { startOtlpCollector, type CollectedSpan } from './support/otlp-collector.js';
import type { TestGateway } from './support/test-gateway.js';

/**
 * Counts the SQL statements (round trips to PostgreSQL) of one enrollment, through the gateway's
 * own pg tracing (as device-page-statements.test.ts does). Issue 8: enrollment's cost is mostly
 * round trips and the ORM work around each; this keeps the hot path from growing back.
 */
describe('one enrollment, in SQL statements', () => {
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  let tracing: Tracing;
  let gateway: TestGateway;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    const { startTracing } = await import('../src/observability/tracing.js');
    tracing = startTracing({ otlpEndpoint: collector.url, serviceName: 'mdm-gateway-test' }, { untracedPaths: ['/v1/traces'] });
    const { startTestGateway } = await import('./support/test-gateway.js');
    gateway = await startTestGateway();
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await tracing?.shutdown();
    await collector?.close();
  });

  /** The SQL statements under the GraphQL operation span of one EnrollDevice request. */
  async function statementsOfOneEnrollment(input: Record<string, unknown>): Promise<{ typename: string; statements: string[] }> {
    const { EnrollDeviceDocument } = await import('@mdm/schema');
    await tracing.forceFlush();
    const seen = new Set(collector.spans.filter((s) => s.name === 'mutation EnrollDevice').map((s) => s.traceId));
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input: input as never });
    await tracing.forceFlush();
    const spans = await collector.waitFor((all) =>
      all.some((s) => s.name === 'mutation EnrollDevice' && !seen.has(s.traceId) && all.filter((p) => p.traceId === s.traceId && p.attributes['db.system.name'] === 'postgresql').length > 0),
    );
    const operation = spans.filter((s) => s.name === 'mutation EnrollDevice' && !seen.has(s.traceId)).at(-1)!;
    const trace = spans.filter((s) => s.traceId === operation.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const under = (s: CollectedSpan): boolean => {
      const parent = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
      return parent === operation || (parent !== undefined && under(parent));
    };
    const statements = trace.filter((s) => s.attributes['db.system.name'] === 'postgresql' && under(s)).map((s) => String(s.attributes['db.query.text']));
    return { typename: enrollDevice.__typename, statements };
  }

  it('a first BYOD enrollment with a user and a server-generated key', async () => {
    const { byodInput } = await import('./support/builders.js');
    // Warm-up: the first request of a gateway loads the API token and the catalog.
    await statementsOfOneEnrollment(byodInput());
    const { typename, statements } = await statementsOfOneEnrollment(byodInput({ deviceName: `statements ${randomUUID()}` }));
    expect(typename).toBe('EnrollDeviceSuccess');
    const listing = statements.join('\n---\n');
    // BEGIN, restrictions, what is known of the hardware (corporate identifiers marked, Autopilot,
    // existing records: one statement), user upsert (its row lock serializes the user's
    // enrollments), the user's device count, device + certificate (one round trip), COMMIT, and the
    // audit record after the commit. It was 12 before issue 8's work, then 9.
    expect(statements.length, listing).toBeLessThanOrEqual(8);
    const inserts = statements.filter((sql) => /insert into "(managed_device|mdm_certificate)"/.test(sql));
    expect(inserts, listing).toHaveLength(1);
    expect(inserts[0]).toMatch(/^insert into "managed_device"[\s\S]*insert into "mdm_certificate"/);
    // A brand-new device has no certificate to supersede.
    expect(statements.some((sql) => /update "mdm_certificate"/.test(sql)), listing).toBe(false);
    expect(statements.at(-1), listing).toMatch(/insert into "?audit_record"?\b/);
  });
});
