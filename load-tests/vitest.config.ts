import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const shim = fileURLToPath(new URL('./test/k6-shim/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      {
        find: 'graphql',
        replacement: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)),
      },
      // The scripts' k6 built-ins resolve to a static-check stand-in (test/k6-shim) under vitest.
      { find: /^k6$/, replacement: `${shim}index.ts` },
      { find: /^k6\/(http|ws|crypto|metrics)$/, replacement: `${shim}$1.ts` },
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
