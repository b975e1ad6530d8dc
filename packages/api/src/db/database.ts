import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';

/** The gateway's database: the ORM, and the embedded server behind it when there is one. */
export interface Database {
  orm: MikroORM;
  /** `true` when running on the embedded PGlite (no `DATABASE_URL`). */
  embedded: boolean;
  /** Database reachable and every migration applied (the `/readyz` check). */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Connects to `DATABASE_URL`, or starts the embedded PostgreSQL under `DATA_DIR`, then applies
 * pending migrations. The same migrations and SQL run in both modes.
 */
export async function openDatabase(config: Config['database'], logger: Logger): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let clientUrl = config.url;
  if (!clientUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, config.poolSize);
    clientUrl = embedded.url;
    logger.info({ dataDir: config.dataDir }, 'embedded PostgreSQL (PGlite) started');
  }
  let orm: MikroORM;
  try {
    orm = await MikroORM.init({
      driver: PostgreSqlDriver,
      clientUrl,
      ...socketHostOf(clientUrl),
      entities,
      extensions: [Migrator],
      migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
      pool: { min: 0, max: config.poolSize },
      forceUtcTimezone: true,
      allowGlobalContext: false,
      discovery: { disableDynamicFileAccess: true },
      // Keep the pg driver's timestamps as instants; MikroORM hydrates them to Date.
      debug: false,
    });
    const applied = await orm.getMigrator().up();
    if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    orm,
    embedded: embedded !== undefined,
    async isReady() {
      try {
        return (await orm.getMigrator().getPendingMigrations()).length === 0;
      } catch {
        return false;
      }
    },
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/**
 * A libpq-style `?host=/path/to/socket/dir` in DATABASE_URL (e.g.
 * `postgresql://postgres@localhost/test?host=/var/run/postgresql`): connect over the server's Unix
 * socket. MikroORM reads host, port, user and database from the URL but drops its query, so the
 * socket directory is passed as its `host` option. On the same machine a Unix socket costs the
 * gateway less CPU per statement than loopback TCP (issue 8, docs/performance.md).
 */
function socketHostOf(url: string): { host?: string } {
  const host = new URL(url).searchParams.get('host');
  return host ? { host } : {};
}
