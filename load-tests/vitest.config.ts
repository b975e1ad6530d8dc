import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      {
        find: 'graphql',
        replacement: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)),
      },
    ],
  },
  test: {
    // In CI each package also writes a JSON report; .ci/run adds them up into one closing line.
    reporters: process.env['CI']
      ? [
          'default',
          [
            'json',
            { outputFile: fileURLToPath(new URL('../test-results/load-tests.json', import.meta.url)) },
          ],
        ]
      : ['default'],
    include: ['test/**/*.test.ts'],
  },
});
