import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { DomainError } from '../shared/domain-error.js';
import { ErrorCode } from '../shared/error-code.js';
import { SUCCESS, type GatewayMetrics } from './gateway-metrics.js';

/** Operation name label of an operation sent without a name. */
const ANONYMOUS = '__anonymous__';

/**
 * Apollo plugin recording, per HTTP GraphQL operation: count, latency, GraphQL errors by
 * `extensions.code` (as sent to the client, after formatError), and the result of each root
 * mutation field. Domain counters are derived from those results: enrollments by the requested
 * platform and method (coerced enum arguments, so bounded), check-ins by outcome.
 */
export function createGraphQLMetricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ request }) {
      const started = process.hrtime.bigint();
      let operationName = request.operationName ?? undefined;
      let operationType = 'unknown';
      return {
        async didResolveOperation({ operationName: resolved, operation }) {
          operationName = resolved ?? undefined;
          operationType = operation?.operation ?? 'unknown';
        },
        async executionDidStart() {
          return {
            willResolveField({ info, args }) {
              if (info.path.prev !== undefined || info.operation.operation !== 'mutation') return;
              return (error, result) => recordMutationResult(metrics, info.fieldName, args, outcomeOf(metrics, error, result));
            },
          };
        },
        async willSendResponse({ response }) {
          const labels = {
            operation_name: operationName ? metrics.labels.operationName.of(operationName) : ANONYMOUS,
            operation_type: operationType,
          };
          metrics.operations.inc(labels);
          metrics.operationDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const error of errors ?? []) {
            metrics.operationErrors.inc({ ...labels, code: metrics.labels.code.of(error.extensions?.['code'] ?? ErrorCode.INTERNAL_SERVER_ERROR) });
          }
        },
      };
    },
  };
}

/**
 * SUCCESS for a success type; the `code` of a typed error result (every UserError has one);
 * for a thrown error its domain or GraphQL code, else INTERNAL_SERVER_ERROR (as formatError masks it).
 */
function outcomeOf(metrics: GatewayMetrics, error: Error | null, result: unknown): string {
  if (error) {
    const code = error instanceof DomainError ? error.code : (error as { extensions?: Record<string, unknown> }).extensions?.['code'];
    return metrics.labels.outcome.of(code ?? ErrorCode.INTERNAL_SERVER_ERROR);
  }
  if (result && typeof result === 'object' && 'code' in result) return metrics.labels.outcome.of((result as { code: unknown }).code);
  return SUCCESS;
}

function recordMutationResult(metrics: GatewayMetrics, field: string, args: Record<string, unknown>, outcome: string): void {
  metrics.mutationResults.inc({ field: metrics.labels.field.of(field), result: outcome });
  if (field === 'enrollDevice') {
    const input = (args['input'] ?? {}) as { platform?: unknown; method?: unknown };
    metrics.enrollments.inc({ platform: metrics.labels.platform.of(input.platform), method: metrics.labels.method.of(input.method), outcome });
  } else if (field === 'checkIn') {
    metrics.checkIns.inc({ outcome });
  }
}
