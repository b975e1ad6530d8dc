import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildGatewaySchema, printGatewaySchema } from '../src/schema/build-schema.js';
import { useTestGateway } from './support/kit.js';

const schemaPackage = fileURLToPath(new URL('../../schema/', import.meta.url));

describe('the committed contract matches the code', () => {
  it('schema.graphql is exactly what the resolvers emit (run `pnpm codegen` after a schema change)', async () => {
    const committed = await readFile(join(schemaPackage, 'schema.graphql'), 'utf8');
    expect(printGatewaySchema(await buildGatewaySchema())).toBe(committed);
  });

  it('the generated typed operations are what codegen produces from the committed schema and operations', async () => {
    const work = await mkdtemp(join(tmpdir(), 'mdm-codegen-'));
    try {
      for (const entry of ['schema.graphql', 'operations', 'codegen.ts', 'package.json', 'node_modules']) {
        await cp(join(schemaPackage, entry), join(work, entry), { recursive: true, verbatimSymlinks: true });
      }
      execFileSync(
        join(schemaPackage, 'node_modules/.bin/graphql-codegen'),
        ['--config', 'codegen.ts', '--silent'],
        { cwd: work, stdio: 'pipe' },
      );
      for (const file of ['graphql.ts', 'gql.ts', 'index.ts']) {
        const fresh = await readFile(join(work, 'src/generated', file), 'utf8');
        const committed = await readFile(join(schemaPackage, 'src/generated', file), 'utf8');
        expect(fresh, file).toBe(committed);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);

  describe('the migrations', () => {
    const gateway = useTestGateway();

    it('produce exactly the schema the entities describe (no pending difference)', async () => {
      const diff = await gateway.database.orm.schema.getUpdateSchemaSQL({
        wrap: false,
        safe: false,
        dropTables: false,
      });
      expect(diff.trim()).toBe('');
    });

    it('store every timestamp as timestamptz', async () => {
      const columns = await gateway.sql<{ table_name: string; column_name: string; data_type: string }>(
        `select table_name, column_name, data_type from information_schema.columns
          where table_schema = current_schema() and column_name like '%date_time' and table_name not like 'mikro_orm%'`,
      );
      expect(columns.length).toBeGreaterThan(0);
      expect(columns.filter((c) => c.data_type !== 'timestamp with time zone')).toEqual([]);
    });
  });
});
