import {
  GraphQLInt,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type ExecutionResult,
} from 'graphql';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { describe, expect, it } from 'vitest';
import { SubscriptionMultiplexer } from './subscription-multiplexer.js';

describe('SubscriptionMultiplexer', () => {
  it('keeps a shared stream open for a subscriber that joined just as the last reader left', async () => {
    const pubSub = createPubSub<{ tick: [number] }>();
    const schema = makeExecutableSchemaLike(pubSub);
    const multiplexer = new SubscriptionMultiplexer(new Set(['tick']));
    const args = { schema, document: parse('subscription { tick }') };

    const first = (await multiplexer.subscribe(args)) as AsyncIterableIterator<ExecutionResult>;
    const firstNext = first.next();
    pubSub.publish('tick', 1);
    expect((await firstNext).value).toEqual({ data: { tick: 1 } });

    // A second subscriber joins (not reading yet), then the first one leaves.
    const second = (await multiplexer.subscribe(args)) as AsyncIterableIterator<ExecutionResult>;
    await first.return?.();
    const secondNext = second.next();
    await new Promise((resolve) => setImmediate(resolve));
    pubSub.publish('tick', 2);
    expect((await secondNext).value).toEqual({ data: { tick: 2 } });
    await second.return?.();
  });

  it('shares one execution among callers of the same role and user, never across roles or users', async () => {
    const pubSub = createPubSub<{ tick: [number] }>();
    const schema = makeExecutableSchemaLike(pubSub);
    const multiplexer = new SubscriptionMultiplexer(new Set(['tick']));
    const as = (role: string, userPrincipalName: string | null) => ({
      schema,
      document: parse('subscription { tick }'),
      contextValue: { principal: { role, userPrincipalName } },
    });
    const streams = [
      await multiplexer.subscribe(as('READER', null)),
      await multiplexer.subscribe(as('READER', null)),
      await multiplexer.subscribe(as('ADMIN', null)),
      await multiplexer.subscribe(as('READER', 'alice@contoso.example')),
      await multiplexer.subscribe(as('READER', 'bob@contoso.example')),
    ] as AsyncIterableIterator<ExecutionResult>[];
    expect(multiplexer.size).toBe(4);
    await Promise.all(streams.map((stream) => stream.return?.()));
  });

  it('runs a field that is not declared shareable once per subscriber', async () => {
    const pubSub = createPubSub<{ tick: [number] }>();
    const schema = makeExecutableSchemaLike(pubSub);
    const multiplexer = new SubscriptionMultiplexer(new Set());
    const stream = (await multiplexer.subscribe({
      schema,
      document: parse('subscription { tick }'),
    })) as AsyncIterableIterator<ExecutionResult>;
    expect(multiplexer.size).toBe(0);
    await stream.return?.();
  });
});

/** A one-field subscription schema over a pub/sub, for testing the multiplexer without the gateway. */
export function makeExecutableSchemaLike(pubSub: PubSub<{ tick: [number] }>): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: { ok: { type: GraphQLString, resolve: () => 'ok' } },
    }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        tick: {
          type: GraphQLInt,
          subscribe: () => pubSub.subscribe('tick'),
          resolve: (value: number) => value,
        },
      },
    }),
  });
}
