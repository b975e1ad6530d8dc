import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  execute,
  GraphQLError,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

/** Apollo Server's hook for a custom executor (`gateway`: `load()` → `{ schema, executor }`). */
type ExecutorGateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<ExecutorGateway['load']>>['executor']>;
type GatewayRequestContext = Parameters<GatewayExecutor>[0];

/** A document graphql-jit refused to compile: it runs through graphql-js every time. */
const NOT_COMPILABLE = Symbol('not compilable');

/** Where each executed operation went, for tests and the benchmarks' reports. */
export interface ExecutorStats {
  compiled: number;
  interpreted: number;
}

/**
 * Executes HTTP GraphQL operations through queries compiled by graphql-jit instead of graphql-js's
 * interpreting `execute`: the executor walks a selection set it has turned into JavaScript once,
 * instead of re-reading the document, the schema and each field's resolver for every field of
 * every result (a page of 100 devices is ~1,200 fields).
 *
 * Plugged into Apollo Server 5 through its `gateway` option, the one way it accepts an executor:
 * Apollo still parses, validates (with the query limits), resolves the operation and runs every
 * plugin and `formatError` as before; only the execution step changes.
 *
 * Behaviour is graphql-js's, by construction where the two could differ:
 * - compiled queries are cached per document text and operation name (LRU of `cacheSize` entries:
 *   clients send a few documents over and over);
 * - what graphql-jit cannot compile and any document whose variables do not coerce run through
 *   graphql-js `execute`, so refusals keep graphql-js's exact messages (Apollo makes those
 *   BAD_USER_INPUT by their wording); subscriptions never get here (refused over HTTP, apollo.ts);
 * - resolver errors keep their original error, path and locations: `formatError` sees the same
 *   typed domain errors. Subscriptions over graphql-ws do not pass through here.
 */
export function compiledExecutorGateway(
  schema: GraphQLSchema,
  cacheSize: number,
): { gateway: ExecutorGateway; stats: ExecutorStats } {
  const stats: ExecutorStats = { compiled: 0, interpreted: 0 };
  const compiled = new LRUCache<string, CompiledQuery | typeof NOT_COMPILABLE>({ max: cacheSize });

  const compiledFor = (request: GatewayRequestContext): CompiledQuery | typeof NOT_COMPILABLE => {
    const key = `${request.operationName ?? ''}\n${request.queryHash}`;
    let entry = compiled.get(key);
    if (entry === undefined) {
      const result =
        request.operation?.operation === 'subscription'
          ? undefined
          : compileQuery(schema, request.document, request.request.operationName ?? undefined);
      entry = result && isCompiledQuery(result) ? result : NOT_COMPILABLE;
      compiled.set(key, entry);
    }
    return entry;
  };

  const interpret = (request: GatewayRequestContext): Promise<ExecutionResult> | ExecutionResult => {
    stats.interpreted++;
    return execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables,
      operationName: request.request.operationName,
    });
  };

  const executor: GatewayExecutor = async (request) => {
    const query = compiledFor(request);
    if (query === NOT_COMPILABLE) return interpret(request);
    const result = await query.query(undefined, request.context, request.request.variables);
    // No `data` at all: the variables did not coerce and no resolver ran. graphql-js words that refusal.
    if (!('data' in result)) return interpret(request);
    stats.compiled++;
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };

  const gateway: ExecutorGateway = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {
      compiled.clear();
    },
  };
  return { gateway, stats };
}

/**
 * graphql-jit's errors are GraphQLErrors without graphql-js's guarantees: `extensions` is
 * undefined when the original error has none (Apollo reads `extensions.code` from every error and
 * would report a formatting failure instead), `nodes` is absent. Rebuilt as graphql-js builds a
 * located resolver error: message, path, original error (and so its extensions and stack), and
 * the locations graphql-jit computed from the same field nodes.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
  (rebuilt as { locations?: readonly SourceLocation[] }).locations = error.locations;
  return rebuilt;
}
