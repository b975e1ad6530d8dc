import type { GraphQLField, GraphQLSchema } from 'graphql';
import { Extensions } from 'type-graphql';

/** The schema extension that marks a subscription field whose results may be shared. */
const SHARED_RESULTS = 'sharedResults';

/**
 * Declares that identical subscriptions to this field (same document, variables, operation name
 * and caller role) may be executed once per event and share the result: true only when the
 * field's filter and resolvers depend on the event and the arguments alone, never on who asks
 * or on when they subscribed (not `fleetStats`, whose new subscribers get the current counts
 * first). graphql-ws reads it from the schema (`server/subscription-multiplexer.ts`).
 */
export function SharedResults(): MethodDecorator {
  return Extensions({ [SHARED_RESULTS]: true });
}

/** Whether `field` is declared with {@link SharedResults}. */
export function sharesResults(field: GraphQLField<unknown, unknown>): boolean {
  return (field.extensions as Record<string, unknown> | undefined)?.[SHARED_RESULTS] === true;
}

/** The subscription fields of `schema` declared with {@link SharedResults}. */
export function sharedResultFields(schema: GraphQLSchema): Set<string> {
  return new Set(
    Object.values(schema.getSubscriptionType()?.getFields() ?? {})
      .filter(sharesResults)
      .map((field) => field.name),
  );
}
