import { Migrator } from '@mikro-orm/migrations';
import { parseIntoClientConfig } from 'pg-connection-string';
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
 * Connections to the embedded database: one. PGlite is a single PostgreSQL session; its socket
 * server lets several connections share it, so their transactions, cursors and temporary tables
 * would interleave (check-ins under a mixed load ended in internal errors). DB_POOL_SIZE applies
 * to a PostgreSQL server only.
 */
const EMBEDDED_CONNECTIONS = 1;

/**
 * Connects to `DATABASE_URL`, or starts the embedded PostgreSQL under `DATA_DIR`, then applies
 * pending migrations. The same migrations and SQL run in both modes.
 */
export async function openDatabase(config: Config['database'], logger: Logger): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let clientUrl = config.url;
  if (!clientUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, EMBEDDED_CONNECTIONS);
    clientUrl = embedded.url;
    logger.info({ dataDir: config.dataDir }, 'embedded PostgreSQL (PGlite) started');
  }
  let orm: MikroORM;
  try {
    orm = await MikroORM.init({
      driver: PostgreSqlDriver,
      clientUrl,
      // pg's own URL parser decides host (a ?host= socket directory), sslmode, application_name, ...
      driverOptions: { connection: connectionOptionsOf(clientUrl) },
      entities,
      extensions: [Migrator],
      migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
      pool: { min: 0, max: embedded ? EMBEDDED_CONNECTIONS : config.poolSize },
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
 * The connection settings of DATABASE_URL as `pg` itself reads a connection string (its
 * `pg-connection-string` parser, libpq's URI semantics): `?host=/var/run/postgresql` (a Unix
 * socket directory: on the same machine, less CPU per statement than loopback TCP),
 * `?sslmode=require|verify-ca|verify-full` (TLS), `?application_name=`, `?options=`, ... MikroORM
 * reads only host, port, user, password and database from its `clientUrl` and drops the query, so
 * an `sslmode=require` would silently connect in plaintext; these settings are given to the driver
 * as its connection options instead.
 */
function connectionOptionsOf(url: string): Record<string, unknown> {
  const { host, port, user, password, database, ...rest } = parseIntoClientConfig(url);
  return {
    ...rest,
    ...(host ? { host } : {}),
    ...(port ? { port } : {}),
    ...(user ? { user } : {}),
    ...(password ? { password } : {}),
    ...(database ? { database } : {}),
  };
}
