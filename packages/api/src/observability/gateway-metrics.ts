import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { PushOutcome, PushRecorder } from '../modules/push/apns.push.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EnrollmentMethodKind } from '../modules/catalog/enrollment-method-kind.enum.js';
import { DevicePlatform } from '../modules/catalog/platform.enum.js';
import { ErrorCode } from '../shared/error-code.js';
import { BoundedLabel, ClosedLabel } from './bounded-label.js';

/** What one lifecycle sweep did, as the sweeper reports it after each run. */
export interface SweepReport {
  /** Wall time of the run, in milliseconds. */
  durationMs: number;
  /**
   * Devices moved from one state to another: a total, or counts per transition name (e.g.
   * `{ 'managed->retirePending': 3 }`). Names must come from code (state enums), never from data.
   */
  transitions: number | Readonly<Record<string, number>>;
  /** The run stopped on an error (its transitions so far are still counted); default false. */
  failed?: boolean;
}

/**
 * The one metrics call the lifecycle sweeper needs. The sweeper receives `gateway.metrics`
 * (or any object with this method) and calls it once per run; see docs/observability.md.
 */
export interface SweepRecorder {
  recordSweep(report: SweepReport): void;
}

/** Outcome label of a mutation that returned its success type. */
export const SUCCESS = 'SUCCESS';

/** Topic of a certificate renewal event, if the certificates module publishes one. */
export const CERTIFICATE_RENEWED_TOPIC = 'certificate.renewed';

/** Latency buckets (seconds) for GraphQL operations: 2.5 ms to 10 s. */
const OPERATION_BUCKETS = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Duration buckets (seconds) for sweeper runs: 10 ms to 5 min. */
const SWEEP_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300];

/** Every code an error can carry in `extensions.code` or a typed result's `code`. */
const ERROR_CODES = [
  ...Object.values(ErrorCode),
  ...Object.values(ApolloServerErrorCode),
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
];

/**
 * Every Prometheus metric of one gateway, in its own registry (several gateways in one process,
 * as in tests, never share counters). Labels are bounded: enum values, error codes, schema
 * field names, topics from code, and client operation names capped by {@link BoundedLabel}.
 * Never device ids, serial numbers or users. The exposition holds no configuration values.
 */
export class GatewayMetrics implements SweepRecorder, PushRecorder {
  readonly registry = new Registry();

  /** Label mappers, shared by the recorders in this folder. */
  readonly labels = {
    operationName: new BoundedLabel(),
    field: new BoundedLabel(),
    topic: new BoundedLabel(100, '__other__', /^[\w.:-]{1,64}$/),
    transition: new BoundedLabel(50, '__other__', /^[\w.:>-]{1,64}$/),
    code: new ClosedLabel(ERROR_CODES),
    outcome: new ClosedLabel([SUCCESS, ...ERROR_CODES]),
    platform: new ClosedLabel(Object.values(DevicePlatform), 'unknown'),
    method: new ClosedLabel(Object.values(EnrollmentMethodKind), 'unknown'),
  };

  readonly operations = new Counter({
    name: 'mdm_graphql_operations_total',
    help: 'GraphQL operations over HTTP, by operation name (capped; __anonymous__ when unnamed) and type (query, mutation, unknown when it did not parse or validate).',
    labelNames: ['operation_name', 'operation_type'] as const,
    registers: [this.registry],
  });

  readonly operationErrors = new Counter({
    name: 'mdm_graphql_operation_errors_total',
    help: 'GraphQL errors in HTTP responses, by operation and extensions.code (typed mutation errors are results, counted in mdm_graphql_mutation_results_total).',
    labelNames: ['operation_name', 'operation_type', 'code'] as const,
    registers: [this.registry],
  });

  readonly operationDuration = new Histogram({
    name: 'mdm_graphql_operation_duration_seconds',
    help: 'Time from Apollo receiving a GraphQL operation to its response being ready, in seconds.',
    labelNames: ['operation_name', 'operation_type'] as const,
    buckets: OPERATION_BUCKETS,
    registers: [this.registry],
  });

  readonly mutationResults = new Counter({
    name: 'mdm_graphql_mutation_results_total',
    help: 'Results of root mutation fields: SUCCESS, or the code of the typed error or thrown error.',
    labelNames: ['field', 'result'] as const,
    registers: [this.registry],
  });

  readonly enrollments = new Counter({
    name: 'mdm_enrollments_total',
    help: 'enrollDevice results by requested platform, method and outcome (SUCCESS or error code).',
    labelNames: ['platform', 'method', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly checkIns = new Counter({
    name: 'mdm_check_ins_total',
    help: 'checkIn results by outcome (SUCCESS or error code).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly pushes = new Counter({
    name: 'mdm_apns_pushes_total',
    help: 'APNs pushes that woke Apple devices, by outcome: sent, retried (a failed attempt tried again), failed (gave up), unregistered (token no longer valid), skipped (no push certificate or token).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Counts one push outcome (the push service's recorder). */
  recordPush(outcome: PushOutcome): void {
    this.pushes.inc({ outcome });
  }

  readonly certificateRenewals = new Counter({
    name: 'mdm_certificate_renewals_total',
    help: `Device certificate renewals (events published on "${CERTIFICATE_RENEWED_TOPIC}").`,
    registers: [this.registry],
  });

  readonly webSocketConnections = new Gauge({
    name: 'mdm_websocket_connections_active',
    help: 'graphql-ws connections that completed connection_init and are still open.',
    registers: [this.registry],
  });

  readonly webSocketConnectionsOpened = new Counter({
    name: 'mdm_websocket_connections_total',
    help: 'graphql-ws connections accepted since start.',
    registers: [this.registry],
  });

  readonly webSocketRefusals = new Counter({
    name: 'mdm_websocket_refusals_total',
    help: 'graphql-ws connections or operations refused by a limit, by reason (connections, connections_per_token, operations_per_socket, rate_limited).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly webSocketDrops = new Counter({
    name: 'mdm_websocket_drops_total',
    help: 'Open graphql-ws connections the gateway closed, by reason (slow_reader: more than WS_MAX_BUFFERED_BYTES unsent; token_invalid: token revoked or expired).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly subscriptions = new Gauge({
    name: 'mdm_graphql_subscriptions_active',
    help: 'Running GraphQL subscriptions over graphql-ws, by root subscription field.',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });

  readonly eventsPublished = new Counter({
    name: 'mdm_events_published_total',
    help: 'Events published after commit by this instance, by topic.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly eventsDispatched = new Counter({
    name: 'mdm_events_dispatched_total',
    help: 'Events handed to subscription streams of this instance, by topic, before server-side filters (one per subscriber).',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly eventsDelivered = new Counter({
    name: 'mdm_subscription_events_delivered_total',
    help: 'Subscription events sent to graphql-ws clients (after filters), by root subscription field.',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });

  readonly sweeps = new Counter({
    name: 'mdm_sweeper_runs_total',
    help: 'Lifecycle sweeper runs, by outcome (success, failure).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly sweepDuration = new Histogram({
    name: 'mdm_sweeper_duration_seconds',
    help: 'Duration of lifecycle sweeper runs, in seconds.',
    buckets: SWEEP_BUCKETS,
    registers: [this.registry],
  });

  readonly sweepTransitions = new Counter({
    name: 'mdm_sweeper_transitions_total',
    help: 'Device state transitions made by the lifecycle sweeper, by transition (total when the sweeper reports one number).',
    labelNames: ['transition'] as const,
    registers: [this.registry],
  });

  readonly lastSweep = new Gauge({
    name: 'mdm_sweeper_last_run_timestamp_seconds',
    help: 'Unix time (wall clock) the last sweeper run ended; alert on time() minus this.',
    registers: [this.registry],
  });

  /**
   * @param collectProcessMetrics add prom-client's default Node metrics (event-loop lag, heap,
   *   RSS, GC, handles) to this registry; default true
   */
  constructor(collectProcessMetrics = true) {
    if (collectProcessMetrics) collectDefaultMetrics({ register: this.registry });
    // Series that exist from the start read 0 instead of being absent, so rate() works at once.
    this.certificateRenewals.inc(0);
    this.webSocketConnections.set(0);
    this.sweeps.inc({ outcome: 'success' }, 0);
    this.sweeps.inc({ outcome: 'failure' }, 0);
  }

  /** {@inheritDoc SweepRecorder.recordSweep} */
  recordSweep(report: SweepReport): void {
    this.sweeps.inc({ outcome: report.failed ? 'failure' : 'success' });
    this.sweepDuration.observe(Math.max(0, report.durationMs) / 1000);
    if (typeof report.transitions === 'number') {
      this.sweepTransitions.inc({ transition: 'total' }, Math.max(0, report.transitions));
    } else {
      for (const [name, count] of Object.entries(report.transitions)) {
        this.sweepTransitions.inc({ transition: this.labels.transition.of(name) }, Math.max(0, count));
      }
    }
    // Wall clock on purpose: Prometheus compares it with its own time(), not the domain clock.
    this.lastSweep.set(Date.now() / 1000);
  }

  /** The exposition in Prometheus text format, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
