import {
  buildSchema,
  execute,
  GraphQLError,
  parse,
  validate,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { compiledExecutorGateway } from './compiled-executor.js';

class NotFound extends Error {}

function schemaWithResolvers(): GraphQLSchema {
  const schema = buildSchema(`
    type Query { device(id: ID!): Device, devices(first: Int!): [Device!]!, strict: Device! }
    type Device { id: ID!, name: String!, owner: User, secret: String }
    type User { upn: String! }
    type Subscription { ticks: Int }
  `);
  const fields = schema.getQueryType()!.getFields();
  fields['device']!.resolve = (_root, args: { id: string }) => {
    if (args.id === 'missing') throw new NotFound('no such device');
    return { id: args.id, name: `device ${args.id}`, owner: null };
  };
  fields['devices']!.resolve = (_root, args: { first: number }) =>
    Array.from({ length: args.first }, (_, i) => ({
      id: String(i),
      name: i === 1 ? null : `d${i}`,
      owner: { upn: `u${i}@x` },
    }));
  fields['strict']!.resolve = () =>
    Promise.reject(new GraphQLError('denied', { extensions: { code: 'FORBIDDEN' } }));
  const device = schema.getType('Device') as import('graphql').GraphQLObjectType;
  device.getFields()['secret']!.resolve = () => {
    throw new GraphQLError('not yours', { extensions: { code: 'FORBIDDEN' } });
  };
  return schema;
}

/** Runs one request through the compiled executor as Apollo would call it. */
async function run(
  schema: GraphQLSchema,
  query: string,
  variables?: Record<string, unknown>,
  operationName?: string,
) {
  const { gateway, stats } = compiledExecutorGateway(schema, 10);
  gateway.onSchemaLoadOrUpdate(() => {});
  const { executor } = await gateway.load({
    apollo: { key: undefined, keyHash: undefined, graphRef: undefined } as never,
  });
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const operation = document.definitions.find(
    (d) => d.kind === 'OperationDefinition',
  ) as import('graphql').OperationDefinitionNode;
  const request = {
    request: { query, variables, operationName },
    document,
    operation,
    operationName: operation.name?.value ?? null,
    queryHash: query,
    context: {},
  };
  const result = (await executor!(request as never)) as ExecutionResult;
  const expected = await execute({
    schema,
    document,
    variableValues: variables,
    operationName,
    contextValue: {},
  });
  return { result, expected, stats };
}

/** What a client receives: the JSON of data and of each error (message, locations, path, extensions). */
const wire = (result: ExecutionResult) =>
  JSON.parse(JSON.stringify({ data: result.data, errors: result.errors?.map((e) => e.toJSON()) })) as unknown;

describe('the compiled executor', () => {
  it('answers a query with the same data as graphql-js, through the compiled query', async () => {
    const { result, expected, stats } = await run(
      schemaWithResolvers(),
      '{ devices(first: 3) { id owner { upn } } }',
    );
    expect(wire(result)).toEqual(wire(expected));
    expect(stats).toEqual({ compiled: 1, interpreted: 0 });
  });

  it('keeps partial data, paths, locations and the original error of a failing field', async () => {
    const { result, expected } = await run(
      schemaWithResolvers(),
      '{ a: device(id: "1") { id } b: device(id: "missing") { id } }',
    );
    expect(wire(result)).toEqual(wire(expected));
    expect(result.errors![0]!.originalError).toBeInstanceOf(NotFound);
    expect(result.errors![0]).toBeInstanceOf(GraphQLError);
    expect(result.errors![0]!.extensions).toEqual({});
  });

  it('propagates a null through non-null fields as graphql-js does, and keeps an error’s extensions code', async () => {
    const nulls = await run(schemaWithResolvers(), '{ devices(first: 2) { id name } }');
    expect(wire(nulls.result)).toEqual(wire(nulls.expected));
    const forbidden = await run(schemaWithResolvers(), '{ strict { id } device(id: "1") { secret } }');
    expect(wire(forbidden.result)).toEqual(wire(forbidden.expected));
    expect(forbidden.result.errors!.map((e) => e.extensions['code'])).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('words a refusal of the variables exactly as graphql-js does', async () => {
    const query = 'query Page($first: Int!) { devices(first: $first) { id } }';
    for (const variables of [{}, { first: 'many' }, { first: null }]) {
      const { result, expected, stats } = await run(schemaWithResolvers(), query, variables);
      expect(wire(result)).toEqual(wire(expected));
      expect(result.errors![0]!.nodes?.[0]?.kind).toBe('VariableDefinition');
      expect(stats.interpreted).toBe(1);
    }
  });

  it('runs the named operation of a document with several', async () => {
    const query = 'query A { device(id: "a") { id } } query B { device(id: "b") { name } }';
    const { result, expected } = await run(schemaWithResolvers(), query, undefined, 'B');
    expect(wire(result)).toEqual(wire(expected));
  });

  it('leaves a subscription sent over HTTP to graphql-js', async () => {
    const { result, expected, stats } = await run(schemaWithResolvers(), 'subscription { ticks }');
    expect(wire(result)).toEqual(wire(expected));
    expect(stats).toEqual({ compiled: 0, interpreted: 1 });
  });
});
