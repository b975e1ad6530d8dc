import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One copy of graphql: vitest would otherwise load both the ESM and CJS builds
    // ("Duplicate graphql modules"), and type-graphql's schema would be rejected.
    alias: { graphql: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)) },
  },
  test: {
    // In CI each package also writes a JSON report; .ci/run adds them up into one closing line.
    reporters: process.env['CI']
      ? [
          'default',
          ['json', { outputFile: fileURLToPath(new URL('../../test-results/api.json', import.meta.url)) }],
        ]
      : ['default'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // On embedded databases every test gateway has a database of its own (a copy of the run's
    // migrated template), so files run side by side, two at a time (a 2-core machine is the
    // target). On a PostgreSQL server (DATABASE_URL) the files share the run's database, and some
    // count its rows: there they run one after another.
    fileParallelism: !process.env['DATABASE_URL'],
    maxWorkers: process.env['DATABASE_URL'] ? 1 : 2,
  },
});
