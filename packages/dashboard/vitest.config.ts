import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // In CI each package also writes a JSON report; .ci/run adds them up into one closing line.
    reporters: process.env['CI']
      ? [
          'default',
          [
            'json',
            { outputFile: fileURLToPath(new URL('../../test-results/dashboard.json', import.meta.url)) },
          ],
        ]
      : ['default'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    fileParallelism: false,
  },
});
