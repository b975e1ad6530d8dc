import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { renderOperations } from '../scripts/bundle-operations.mjs';
import * as operations from '../lib/operations.js';

const schema = buildSchema(
  readFileSync(new URL('../../packages/schema/schema.graphql', import.meta.url), 'utf8'),
);

describe('the GraphQL documents the k6 scripts send', () => {
  it('are the current typed operations of @mdm/schema (run `pnpm --filter @mdm/load-tests build` after changing them)', () => {
    expect(readFileSync(new URL('../lib/operations.js', import.meta.url), 'utf8')).toBe(renderOperations());
  });

  it.each(Object.entries(operations))('%s validates against schema.graphql', (_name, source) => {
    expect(validate(schema, parse(source as string)).map((e) => e.message)).toEqual([]);
  });
});
