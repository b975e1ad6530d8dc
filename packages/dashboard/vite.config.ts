import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where `vite dev` forwards API calls (HTTP and graphql-ws); default the local gateway. */
const apiTarget = process.env['API_URL'] ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/graphql': { target: apiTarget, ws: true, changeOrigin: true } },
  },
  // No source maps in the build: the gateway serves dist/ publicly (and refuses *.map regardless).
  build: { outDir: 'dist', sourcemap: false },
});
