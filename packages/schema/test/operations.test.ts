import { readdirSync, readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

const dir = new URL('../operations/', import.meta.url);
const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
const fragments = readFileSync(new URL('fragments.graphql', dir), 'utf8');
const files = readdirSync(dir).filter((f) => f.endsWith('.graphql') && f !== 'fragments.graphql');

describe('the shared operations', () => {
  it.each(files)('%s validates against schema.graphql', (file) => {
    const source = `${readFileSync(new URL(file, dir), 'utf8')}\n${fragments}`;
    const document = parse(source);
    const usedFragments = new Set([...source.matchAll(/\.\.\.(\w+Fields)/g)].map((m) => m[1]));
    const trimmed = {
      ...document,
      definitions: document.definitions.filter(
        (d) => d.kind !== 'FragmentDefinition' || usedFragments.has(d.name.value),
      ),
    };
    expect(validate(schema, trimmed).map((e) => e.message)).toEqual([]);
  });
});
