import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A PostgreSQL (PGlite) running inside this process, reachable over a loopback socket. */
export interface EmbeddedPostgres {
  /** `postgresql://` URL of the socket server, for the ordinary `pg` driver. */
  url: string;
  /** Stops the socket server and closes the database (flushing it to `dataDir`). */
  stop(): Promise<void>;
}

/**
 * Starts PGlite with its data under `dataDir` (created if missing, kept across restarts) and a
 * socket server on a free loopback port, so the ORM talks to it exactly as to a real server.
 * @param maxConnections socket connections to accept; set to the ORM pool size (the library defaults to 1)
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  maxConnections: number,
): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  return {
    url: `postgresql://postgres:postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
