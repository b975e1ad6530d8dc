import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { DomainError } from '../shared/domain-error.js';
import { ErrorCode } from '../shared/error-code.js';
import { SUCCESS, type GatewayMetrics } from './gateway-metrics.js';

/** Operation name label of an operation sent without a name. */
const ANONYMOUS = '__anonymous__';

/**
 * Apollo plugin recording, per HTTP GraphQL operation: count, latency and GraphQL errors by
 * `extensions.code` (as sent to the client, after formatError). The result of each root mutation
 * field is recorded by `recordMutationResults` instead: a `willResolveField` hook here would make
 * Apollo wrap every field resolver of the schema, so every field of every query result would pay
 * for a hook that only concerns the few root mutation fields.
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
        async willSendResponse({ response }) {
          const labels = {
            operation_name: operationName ? metrics.labels.operationName.of(operationName) : ANONYMOUS,
            operation_type: operationType,
          };
          metrics.operations.inc(labels);
          metrics.operationDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const error of errors ?? []) {
            metrics.operationErrors.inc({
              ...labels,
              code: metrics.labels.code.of(error.extensions?.['code'] ?? ErrorCode.INTERNAL_SERVER_ERROR),
            });
          }
        },
      };
    },
  };
}

/**
 * Wraps the resolver of every root mutation field so that its result is counted: the result of
 * each mutation, and the domain counters derived from it (enrollments by the requested platform
 * and method, coerced enum arguments so bounded; check-ins by outcome). Query fields keep their
 * resolvers untouched. Apply after every other wrapper (audit) so the outcome is the one sent.
 */
export function recordMutationResults(schema: GraphQLSchema, metrics: GatewayMetrics): void {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    field.resolve = async (root, args: Record<string, unknown>, context, info) => {
      let result: unknown;
      try {
        result = await resolve(root, args, context, info);
      } catch (error) {
        recordMutationResult(metrics, info.fieldName, args, outcomeOf(metrics, error as Error, null));
        throw error;
      }
      recordMutationResult(metrics, info.fieldName, args, outcomeOf(metrics, null, result));
      return result;
    };
  }
}

/**
 * SUCCESS for a success type; the `code` of a typed error result (every UserError has one);
 * for a thrown error its domain or GraphQL code, else INTERNAL_SERVER_ERROR (as formatError masks it).
 */
function outcomeOf(metrics: GatewayMetrics, error: Error | null, result: unknown): string {
  if (error) {
    const code =
      error instanceof DomainError
        ? error.code
        : (error as { extensions?: Record<string, unknown> }).extensions?.['code'];
    return metrics.labels.outcome.of(code ?? ErrorCode.INTERNAL_SERVER_ERROR);
  }
  if (result && typeof result === 'object' && 'code' in result)
    return metrics.labels.outcome.of((result as { code: unknown }).code);
  return SUCCESS;
}

function recordMutationResult(
  metrics: GatewayMetrics,
  field: string,
  args: Record<string, unknown>,
  outcome: string,
): void {
  metrics.mutationResults.inc({ field: metrics.labels.field.of(field), result: outcome });
  if (field === 'enrollDevice') {
    const input = (args['input'] ?? {}) as { platform?: unknown; method?: unknown };
    metrics.enrollments.inc({
      platform: metrics.labels.platform.of(input.platform),
      method: metrics.labels.method.of(input.method),
      outcome,
    });
  } else if (field === 'checkIn') {
    metrics.checkIns.inc({ outcome });
  }
}
