import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Config } from '../config/config.js';
import { tracesGraphQLExecution } from '../observability/tracing-state.js';
import type { GraphQLContext } from '../shared/context.js';
import { compiledExecutorGateway } from './compiled-executor.js';
import { formatGraphQLError, isUnexpectedError } from './format-error.js';
import { queryLimitRules } from './query-limits.js';

/** Per-request facts the access log needs, filled in while Apollo runs the operation. */
export interface RequestFacts {
  operationName?: string | null;
  operationType?: string;
  errorCodes?: string[];
  /** Role of the token that authenticated the request (never the token itself). */
  role?: string;
}

/** The context Apollo hands to resolvers, plus the facts the HTTP edge logs. */
export type HttpGraphQLContext = GraphQLContext & { facts: RequestFacts };

/**
 * Observes each operation: records its name and type for the access log, logs unexpected
 * errors with their stack under the request id, and adds that id to every error response.
 */
const requestFactsPlugin: ApolloServerPlugin<HttpGraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue, operationName, operation }) {
        contextValue.facts.operationName = operationName;
        contextValue.facts.operationType = operation?.operation;
      },
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          if (isUnexpectedError(error))
            contextValue.logger.error(
              { err: error.originalError ?? error, path: error.path },
              'unexpected error',
            );
        }
      },
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors;
        if (!errors) return;
        contextValue.facts.errorCodes = errors.map((e) => String(e.extensions?.['code'] ?? 'UNKNOWN'));
        response.body.singleResult.errors = errors.map((e) => ({
          ...e,
          extensions: { ...e.extensions, requestId: contextValue.requestId },
        }));
      },
    };
  },
};

/**
 * Refuses subscription operations over HTTP before anything runs: HTTP has no stream to deliver
 * events on (executed, the root field would resolve to null and fail as an internal error).
 * Subscriptions are served by graphql-ws on the same path (websocket.ts). BAD_REQUEST, HTTP 400.
 */
const subscriptionsOverWebSocketPlugin: ApolloServerPlugin<HttpGraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError(
          'subscriptions are served over graphql-ws (WebSocket, protocol graphql-transport-ws) at /graphql, not over HTTP',
          {
            extensions: { code: ApolloServerErrorCode.BAD_REQUEST, http: { status: 400 } },
          },
        );
      },
    };
  },
};

/**
 * Apollo Server for the HTTP side. CSRF prevention on, batching off, no stack traces in responses;
 * introspection per configuration.
 * @param drainHttp graceful stop of the HTTP server: stop accepting, let requests in flight finish
 * @param drain extra work for a graceful stop (closing graphql-ws), run beside `drainHttp`
 * @param plugins further plugins (observability/: metrics), run after the gateway's own
 */
export async function startApollo(
  schema: GraphQLSchema,
  drainHttp: () => Promise<void>,
  config: Config,
  drain: () => Promise<void>,
  plugins: ApolloServerPlugin<HttpGraphQLContext>[] = [],
): Promise<ApolloServer<HttpGraphQLContext>> {
  // Compiled execution (graphql-jit) goes through Apollo's `gateway` option, which replaces `schema`.
  // Not while OpenTelemetry traces graphql-js's execute: its operation and resolver spans would be lost.
  const source =
    config.graphql.compiledExecution && !tracesGraphQLExecution()
      ? { gateway: compiledExecutorGateway(schema, config.graphql.compiledQueryCacheSize).gateway }
      : { schema };
  const apollo = new ApolloServer<HttpGraphQLContext>({
    ...source,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    introspection: config.introspection,
    // Never a stack trace in a response: unexpected errors are logged with theirs (requestFactsPlugin).
    includeStacktraceInErrorResponses: false,
    // Suggestions are stripped from every message in production, not only from validation errors.
    formatError: (formatted, error) =>
      formatGraphQLError(formatted, error, { hideSchemaDetails: config.env === 'production' }),
    validationRules: queryLimitRules(config.queryLimits),
    // No "Did you mean ...?" suggestions in production: they reveal the schema field by field.
    hideSchemaDetailsFromClientErrors: config.env === 'production',
    stopOnTerminationSignals: false,
    plugins: [
      // No cache hints are used; Apollo's default cache-control plugin has a per-field hook, which
      // makes Apollo wrap every resolver of the schema and call the hook for every field of every
      // result (100 devices × 12 fields per page). Keep plugins free of `willResolveField`.
      ApolloServerPluginCacheControlDisabled(),
      {
        async serverWillStart() {
          return { drainServer: drainHttp };
        },
      },
      {
        async serverWillStart() {
          return { drainServer: drain };
        },
      },
      requestFactsPlugin,
      subscriptionsOverWebSocketPlugin,
      ...plugins,
    ],
  });
  await apollo.start();
  return apollo;
}
