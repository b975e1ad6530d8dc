/**
 * Whether OpenTelemetry's graphql instrumentation is installed in this process. It traces
 * graphql-js's own `execute` (the operation span and the resolver spans), so the server runs
 * operations through graphql-js while it is on: a compiled query would bypass those spans.
 * Kept apart from tracing.ts so that asking does not load the OpenTelemetry SDK.
 */
let graphqlTraced = false;

/** True between `startTracing` and its `shutdown`. */
export function tracesGraphQLExecution(): boolean {
  return graphqlTraced;
}

/** Called by tracing.ts only. */
export function setGraphQLTraced(on: boolean): void {
  graphqlTraced = on;
}
