// Child process of the load benchmarks: the gateway as `main.ts` starts it, alone in its process
// so the load generator (autocannon, WebSocket clients) never shares its event loop and its RSS
// is its own. Talks over IPC: → { type: 'ready', url }; 'rss' → { type: 'rss', peakMiB } (peak
// since the previous 'rss'); 'stop' → stops the gateway and exits.
// argv: databaseUrl adminToken [extra env as JSON]
import 'reflect-metadata';
import { loadConfig } from '../src/config/config.js';
import { startGateway } from '../src/server/gateway.js';

const [databaseUrl, adminToken, extraEnv] = process.argv.slice(2) as [string, string, string | undefined];
const config = loadConfig(
  {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: adminToken,
    CA_KEY_SECRET: 'bench-run-ca-key-secret-0123456789',
    DB_POOL_SIZE: '10',
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
    LIFECYCLE_SWEEP_INTERVAL_MS: '0',
    ...(extraEnv ? (JSON.parse(extraEnv) as Record<string, string>) : {}),
  },
  [],
);
const gateway = await startGateway({ config });
let peak = process.memoryUsage().rss;
setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100).unref();
process.on('message', (message: string) => {
  if (message === 'rss') {
    process.send!({ type: 'rss', peakMiB: Math.round(peak / 1048576) });
    peak = process.memoryUsage().rss;
  }
  if (message === 'stop') void gateway.stop().then(() => process.exit(0));
});
process.send!({ type: 'ready', url: gateway.url });
