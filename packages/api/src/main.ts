// First: tracing (when OTEL_EXPORTER_OTLP_ENDPOINT is set) must hook modules before they load.
import './observability/register-tracing.js';
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './server/logger.js';
import { startGateway } from './server/gateway.js';

/** The dashboard's production build, served by the gateway on the same origin when present. */
const dashboardDir = fileURLToPath(new URL('../../dashboard/dist', import.meta.url));

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  let gateway;
  try {
    gateway = await startGateway({
      config,
      logger,
      dashboardDir: existsSync(dashboardDir) ? dashboardDir : undefined,
    });
  } catch (error) {
    // One JSON line (like every other line of this process) saying why it could not start,
    // e.g. the database unreachable; then exit 1.
    logger.fatal({ err: error }, 'the gateway could not start');
    logger.flush(() => process.exit(1));
    return;
  }
  logger.info(
    {
      graphql: `${gateway.url}/graphql`,
      subscriptions: `${gateway.url.replace(/^http/, 'ws')}/graphql`,
      embeddedDatabase: gateway.database.embedded,
    },
    `MDM enrollment gateway listening on ${gateway.url} (GraphQL and graphql-ws at /graphql, dashboard at /)`,
  );
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out');
      process.exit(1);
    }, config.http.shutdownTimeoutMs + 5_000);
    force.unref();
    gateway.stop().then(
      () => {
        logger.info('stopped');
        // Exit only once the last lines are written: a busy machine may not have flushed them yet.
        logger.flush(() => process.exit(0));
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush(() => process.exit(1));
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
