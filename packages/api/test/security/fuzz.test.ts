import fc from 'fast-check';
import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildGatewaySchema } from '../../src/schema/build-schema.js';
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
