import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatewaySchema } from '../../src/schema/build-schema.js';
import { placeholderValue, withLongInvalidLists } from '../support/schema-inputs.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { useTestGateway } from '../support/kit.js';

/** Hostile scalars: empty, huge, unicode (including lone surrogates and NUL), numbers past 2^53, null. */
const hostileScalar = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ minLength: 5_000, maxLength: 20_000 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '💥'.repeat(300),
    '../../etc/passwd',
    "'; drop table managed_device; --",
    '%_\\',
  ),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 63, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.constant(null),
  fc.boolean(),
);

/** Arbitrary JSON of any shape, up to a deep nesting: for wholly malformed variables. */
const chaos = fc.oneof(
  hostileScalar,
  fc.jsonValue({ maxDepth: 6 }),
  fc.array(fc.oneof(fc.constant(null), hostileScalar)),
  fc
    .integer({ min: 50, max: 200 })
    .map((depth) => Array.from({ length: depth }).reduce<unknown>((inner) => ({ a: [inner] }), null)),
);

/** Values that have the input type's shape but hostile contents, to reach the domain rules. */
function shaped(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return shaped(type.ofType, depth);
  if (isListType(type))
    return fc.array(fc.oneof(shaped(type.ofType, depth + 1), fc.constant(null)), { maxLength: 5 });
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.name));
  if (isInputObjectType(type) && depth < 4) {
    const fields = Object.values(type.getFields());
    return fc.record(
      Object.fromEntries(fields.map((f) => [f.name, fc.oneof(shaped(f.type, depth + 1), hostileScalar)])),
    );
  }
  if (isScalarType(type) && type.name === 'Int')
    return fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31 - 1));
  if (isScalarType(type) && type.name === 'Boolean') return fc.boolean();
  return hostileScalar;
}

const schema = await buildGatewaySchema();
const mutations = Object.values(schema.getMutationType()?.getFields() ?? {});

/** `mutation($a: T!, ...) { field(a: $a, ...) { __typename } }` for one mutation. */
function documentFor(name: string, args: readonly GraphQLArgument[]): string {
  const vars = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `mutation Fuzz${vars ? `(${vars})` : ''} { ${name}${call ? `(${call})` : ''} { __typename } }`;
}

describe('hostile input to every mutation', () => {
  const gateway = useTestGateway();

  /** Rows in every table the API writes, except the audit trail (which records refused attempts by design). */
  async function rowCounts(): Promise<Record<string, number>> {
    const tables = await gateway.sql<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'
         and table_name not in ('audit_record', 'mikro_orm_migrations')`,
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of tables)
      counts[table_name] = Number(
        (await gateway.sql<{ n: string }>(`select count(*) n from "${table_name}"`))[0]!.n,
      );
    return counts;
  }

  async function send(body: unknown): Promise<{ status: number; text: string }> {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }

  // Hostile values can, rarely, form a valid input (say, a token named "a"): only refused
  // attempts must leave the database as it was.
  it.each(mutations.map((m) => ({ name: m.name, field: m })))(
    '$name: no 5xx, no internal error, no crash, no write when refused',
    async ({ name, field }) => {
      const document = documentFor(name, field.args);
      const shapedVariables = fc.record(Object.fromEntries(field.args.map((a) => [a.name, shaped(a.type)])));
      const chaoticVariables = fc.record(Object.fromEntries(field.args.map((a) => [a.name, chaos])));
      await fc.assert(
        fc.asyncProperty(fc.oneof(shapedVariables, chaoticVariables), async (variables) => {
          const before = await rowCounts();
          const { status, text } = await send({ query: document, variables });
          expect(status).toBeLessThan(500);
          // Hostile input is refused as input, never masked as a failure of the gateway.
          expect(text).not.toContain('INTERNAL_SERVER_ERROR');
          if (!/"__typename":"\w+Success"/.test(text)) expect(await rowCounts()).toEqual(before);
        }),
        { numRuns: 40 },
      );
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    },
    120_000,
  );

  it('malformed documents (random text, deep nesting, unbalanced braces) never give a 5xx', async () => {
    const malformed = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.integer({ min: 100, max: 3_000 }).map((n) => `{ ${'a { '.repeat(n)}`),
      fc.integer({ min: 1, max: 2_000 }).map((n) => `mutation { ${'x: __typename '.repeat(n)} }`),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(malformed, chaos, async (query, variables) => {
        expect((await send({ query, variables })).status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  }, 120_000);
});

/** One operation of the schema called with variables for all its arguments. */
interface VariablesCase {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * `query Probe($a: T, ...) { field(a: $a, ...) { __typename } }` with `$target` declared as
 * `targetType` (the others with their own types) and placeholder values for every other argument.
 */
function probe(
  kind: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
  target: string,
  targetType: string,
  targetValue: unknown,
): Omit<VariablesCase, 'name'> {
  const vars = field.args.map((a) => `$${a.name}: ${a.name === target ? targetType : String(a.type)}`);
  const call = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
  const variables = Object.fromEntries(
    field.args.map((a) => [a.name, a.name === target ? targetValue : placeholderValue(a.type)]),
  );
  return { query: `${kind} Probe(${vars.join(', ')}) { ${field.name}(${call})${selection} }`, variables };
}

const rootFields = (['query', 'mutation'] as const).flatMap((kind) =>
  Object.values((kind === 'query' ? schema.getQueryType() : schema.getMutationType())?.getFields() ?? {}).map(
    (field) => ({ kind, field }),
  ),
);

/**
 * Every argument that may be given an explicit null through a variable: a nullable argument, and
 * a non-null argument with a default (GraphQL lets a nullable variable stand there, and an
 * explicit null then fails only at execution); plus every nullable or defaulted field of an input
 * object argument, set to null.
 */
const nullCases: VariablesCase[] = rootFields.flatMap(({ kind, field }) =>
  field.args.flatMap((arg) => {
    const nullable = String(getNullableTypeName(arg.type));
    const cases: VariablesCase[] = [];
    if (!isNonNullType(arg.type) || arg.defaultValue !== undefined)
      cases.push({
        name: `${field.name}(${arg.name}: null)`,
        ...probe(kind, field, arg.name, nullable, null),
      });
    const named = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
    if (isInputObjectType(named)) {
      for (const inner of Object.values(named.getFields())) {
        if (isNonNullType(inner.type) && inner.defaultValue === undefined) continue;
        const value = { ...(placeholderValue(named) as object), [inner.name]: null };
        cases.push({
          name: `${field.name}(${arg.name}.${inner.name}: null)`,
          ...probe(kind, field, arg.name, String(arg.type), value),
        });
      }
    }
    return cases;
  }),
);

/** Every list argument (or list inside an input object argument) with 150 items of the wrong kind. */
const longListCases: VariablesCase[] = rootFields.flatMap(({ kind, field }) =>
  field.args.flatMap((arg) =>
    withLongInvalidLists(arg.type, 150).map((value, i) => ({
      name: `${field.name}(${arg.name}: 150 invalid list items #${i})`,
      ...probe(kind, field, arg.name, String(arg.type), value),
    })),
  ),
);

function getNullableTypeName(type: GraphQLInputType): GraphQLInputType {
  return isNonNullType(type) ? type.ofType : type;
}

describe('explicit nulls and long invalid lists, generated from the schema, over HTTP and graphql-ws', () => {
  let gateway: TestGateway;
  let ws: ReturnType<TestGateway['wsClient']>;
  beforeAll(async () => {
    gateway = await startTestGateway();
    ws = gateway.wsClient();
  });
  afterAll(() => gateway.stop());

  async function overHttp({ query, variables }: VariablesCase): Promise<{ status: number; text: string }> {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, text: await response.text() };
  }

  async function overWebSocket({ query, variables }: VariablesCase): Promise<string> {
    const results: unknown[] = [];
    try {
      for await (const result of ws.iterate({ query, variables })) results.push(result);
    } catch (errors) {
      results.push(errors);
    }
    return JSON.stringify(results);
  }

  it('covers nullable variables and list arguments of the schema', () => {
    expect(nullCases.map((c) => c.name)).toContain('fleetActivity(minutes: null)');
    expect(longListCases.map((c) => c.name)).toContain('setUserGroups(groups: 150 invalid list items #0)');
  });

  it.each([...nullCases, ...longListCases])(
    '$name is refused as input, never as an internal error',
    async (testCase) => {
      const { status, text } = await overHttp(testCase);
      expect(status).toBeLessThan(500);
      expect(text).not.toContain('INTERNAL_SERVER_ERROR');
      expect(await overWebSocket(testCase)).not.toContain('INTERNAL_SERVER_ERROR');
    },
  );
});
