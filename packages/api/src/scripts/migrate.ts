/**
 * Applies pending migrations to `DATABASE_URL` (or the embedded database under `DATA_DIR`) and
 * exits. The gateway also applies them on start; this is for deploy pipelines that migrate first.
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { createLogger } from '../server/logger.js';

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.database, logger);
  logger.info('database is up to date');
  await database.close();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
