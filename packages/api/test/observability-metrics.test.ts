import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { CheckInDocument, DeviceCheckedInDocument, EnrollDeviceDocument } from '@mdm/schema';
import { parse, print } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { enrollDevice, signedCheckIn } from './support/device-credential.js';
import { byodInput } from './support/builders.js';
import { EventCollector } from './support/deferred.js';
import { increments, sampleValue, scrape } from './support/metrics.js';
import { startTestGateway, useTestGateway } from './support/kit.js';

describe('Prometheus metrics at /metrics', () => {
  const gateway = useTestGateway();

  async function enroll(overrides: Parameters<typeof byodInput>[0] = {}) {
    return (await enrollDevice(gateway, overrides)).credential;
  }

  it('counts exactly what a known sequence of operations did, and nothing else', async () => {
    // A subscriber to device A only, primed before the first scrape so its own traffic is not counted.
    const [deviceA, deviceB] = [
      await enroll(),
      await enroll({ platform: 'WINDOWS', method: 'AUTO_ENROLL', joinType: 'azureADRegistered' }),
    ];
    const client = gateway.wsClient();
    const events = new EventCollector(
      client.iterate({
        query: print(DeviceCheckedInDocument),
        variables: { filter: { deviceId: deviceA.deviceId } },
      }),
    );
    const primed = await events.prime(() =>
      gateway.query(CheckInDocument, { input: signedCheckIn(deviceA, gateway.clock.now()) }),
    );
    const before = await scrape(gateway.metricsUrl!);

    await enroll();
    await enroll();
    await enroll({ platform: 'WINDOWS', method: 'AUTO_ENROLL', joinType: 'azureADRegistered' });
    const refused = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ method: 'AUTO_ENROLL', joinType: 'azureADRegistered' }),
    });
    const invalid = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ imei: '35693803564380A' }),
    });
    expect([refused.enrollDevice.__typename, invalid.enrollDevice.__typename]).toEqual([
      'OperationRefusedError',
      'InvalidInputError',
    ]);
    await gateway.query(CheckInDocument, { input: signedCheckIn(deviceA, gateway.clock.now()) });
    await gateway.query(CheckInDocument, { input: signedCheckIn(deviceB, gateway.clock.now()) });
    await gateway.query(CheckInDocument, {
      input: signedCheckIn(deviceA, gateway.clock.now(), { deviceId: randomUUID() }),
    });
    await gateway.query(CheckInDocument, {
      input: signedCheckIn(deviceA, gateway.clock.now(), { deviceId: 'not-a-uuid' }),
    });
    const broken = await gateway.request(
      parse('query Broken { noSuchField }') as TypedDocumentNode<unknown, Record<string, never>>,
    );
    expect(broken.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    gateway.metrics.recordSweep({ durationMs: 1500, transitions: { 'managed->retirePending': 3 } });
    await events.waitFor(primed + 1);

    const after = await scrape(gateway.metricsUrl!);
    expect(increments(before, after, 'mdm_')).toEqual({
      'mdm_graphql_operations_total{operation_name="EnrollDevice",operation_type="mutation"}': 5,
      'mdm_graphql_operations_total{operation_name="CheckIn",operation_type="mutation"}': 4,
      'mdm_graphql_operations_total{operation_name="__anonymous__",operation_type="unknown"}': 1,
      'mdm_graphql_operation_duration_seconds_count{operation_name="EnrollDevice",operation_type="mutation"}': 5,
      'mdm_graphql_operation_duration_seconds_count{operation_name="CheckIn",operation_type="mutation"}': 4,
      'mdm_graphql_operation_duration_seconds_count{operation_name="__anonymous__",operation_type="unknown"}': 1,
      'mdm_graphql_operation_errors_total{code="GRAPHQL_VALIDATION_FAILED",operation_name="__anonymous__",operation_type="unknown"}': 1,
      'mdm_graphql_mutation_results_total{field="enrollDevice",result="SUCCESS"}': 3,
      'mdm_graphql_mutation_results_total{field="enrollDevice",result="METHOD_NOT_AVAILABLE"}': 1,
      'mdm_graphql_mutation_results_total{field="enrollDevice",result="BAD_USER_INPUT"}': 1,
      'mdm_graphql_mutation_results_total{field="checkIn",result="SUCCESS"}': 2,
      'mdm_graphql_mutation_results_total{field="checkIn",result="DEVICE_CREDENTIAL_INVALID"}': 1,
      'mdm_graphql_mutation_results_total{field="checkIn",result="BAD_USER_INPUT"}': 1,
      'mdm_enrollments_total{method="BYOD",outcome="SUCCESS",platform="IOS"}': 2,
      'mdm_enrollments_total{method="AUTO_ENROLL",outcome="SUCCESS",platform="WINDOWS"}': 1,
      'mdm_enrollments_total{method="AUTO_ENROLL",outcome="METHOD_NOT_AVAILABLE",platform="IOS"}': 1,
      'mdm_enrollments_total{method="BYOD",outcome="BAD_USER_INPUT",platform="IOS"}': 1,
      'mdm_check_ins_total{outcome="SUCCESS"}': 2,
      'mdm_check_ins_total{outcome="DEVICE_CREDENTIAL_INVALID"}': 1,
      'mdm_check_ins_total{outcome="BAD_USER_INPUT"}': 1,
      'mdm_events_published_total{topic="device.enrolled"}': 3,
      'mdm_events_published_total{topic="device.checkedIn"}': 2,
      // Both check-ins reach the one subscription stream; its filter lets only device A's through.
      'mdm_events_dispatched_total{topic="device.checkedIn"}': 2,
      'mdm_subscription_events_delivered_total{field="deviceCheckedIn"}': 1,
      'mdm_sweeper_runs_total{outcome="success"}': 1,
      'mdm_sweeper_duration_seconds_count{}': 1,
      'mdm_sweeper_transitions_total{transition="managed->retirePending"}': 3,
    });
    expect(sampleValue(after, 'mdm_websocket_connections_active')).toBe(1);
    expect(sampleValue(after, 'mdm_graphql_subscriptions_active', { field: 'deviceCheckedIn' })).toBe(1);
    expect(sampleValue(after, 'mdm_certificate_renewals_total')).toBe(0);

    await client.dispose();
    await vi.waitFor(async () => {
      const closed = await scrape(gateway.metricsUrl!);
      expect([
        sampleValue(closed, 'mdm_websocket_connections_active'),
        sampleValue(closed, 'mdm_graphql_subscriptions_active', { field: 'deviceCheckedIn' }),
      ]).toEqual([0, 0]);
    });
  });

  it('exposes database pool, event-loop, heap and RSS figures', async () => {
    const s = await scrape(gateway.metricsUrl!);
    const names = new Set(s.families.map((f) => f.name));
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'process_resident_memory_bytes',
      'mdm_db_pool_pending_acquires',
    ]) {
      expect(names).toContain(name);
    }
    // DB_POOL_SIZE (5 in tests) on a PostgreSQL server; the embedded database takes one connection.
    expect(sampleValue(s, 'mdm_db_pool_max_connections')).toBe(gateway.database.embedded ? 1 : 5);
    expect(sampleValue(s, 'mdm_db_pool_connections', { state: 'used' })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(s, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('never shows configuration values such as the database URL', async () => {
    const { text } = await scrape(gateway.metricsUrl!);
    expect(text).not.toMatch(/postgres(ql)?:\/\//);
    expect(text).not.toContain('127.0.0.1');
  });

  it('has every gateway metric that the committed Grafana dashboard queries', async () => {
    const dashboard = await readFile(
      new URL('../../../observability/grafana/dashboards/mdm-gateway.json', import.meta.url),
      'utf8',
    );
    const queried = new Set(dashboard.match(/\b(mdm|nodejs|process)_[a-z0-9_]+/g));
    const exposed = new Set((await scrape(gateway.metricsUrl!)).samples.map((s) => s.name));
    expect([...queried].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await fetch(gateway.metricsUrl!, { method: 'POST' })).status).toBe(405);
  });
});

describe('where /metrics is served', () => {
  it('serves it on METRICS_PORT only, when set', async () => {
    const gateway = await startTestGateway({ env: { METRICS_PORT: '0' } });
    try {
      expect(gateway.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(new URL(gateway.metricsUrl!).port).not.toBe(String(gateway.port));
      expect((await scrape(gateway.metricsUrl!)).families.length).toBeGreaterThan(0);
      expect((await fetch(`${gateway.url}/metrics`)).status).toBe(404);
    } finally {
      await gateway.stop();
    }
  });

  it('serves nothing with METRICS_ENABLED=false', async () => {
    const gateway = await startTestGateway({ env: { METRICS_ENABLED: 'false' } });
    try {
      expect(gateway.metricsUrl).toBeUndefined();
      expect((await fetch(`${gateway.url}/metrics`)).status).toBe(404);
    } finally {
      await gateway.stop();
    }
  });
});
