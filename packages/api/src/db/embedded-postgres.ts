import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A PostgreSQL (PGlite) running inside this process, reachable over a private Unix socket. */
export interface EmbeddedPostgres {
  /** `postgresql://` URL of the socket (`?host=<directory>`), for the ordinary `pg` driver. */
  url: string;
  /** The directory holding the socket (mode 0700: only this user may connect). */
  socketDirectory: string;
  /** Stops the socket server and closes the database (flushing it to `dataDir`). */
  stop(): Promise<void>;
}

/** The file name libpq and `pg` look for in a socket directory, for the default port 5432. */
const SOCKET_FILE = '.s.PGSQL.5432';

/** Longest Unix socket path Linux accepts (`sun_path` is 108 bytes with its terminating NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * Starts PGlite with its data under `dataDir` (created if missing, kept across restarts) and a
 * socket server the ORM talks to exactly as to a real server. The socket is a Unix socket in
 * `<dataDir>/.socket` (or, when that path is too long for a socket, a fresh private directory
 * under the system's temporary directory), the directory mode 0700 and the socket 0600: PGlite
 * asks for no password, so no TCP port is opened and no other user of the machine can connect.
 * @param maxConnections socket connections to accept; set to the ORM pool size (the library defaults to 1)
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  maxConnections: number,
): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  // First the database: on a first start it initialises `dir`, which must then hold nothing else.
  const db = await PGlite.create(dir);
  let socketDirectory = join(dir, '.socket');
  let temporary = false;
  if (join(socketDirectory, SOCKET_FILE).length > MAX_SOCKET_PATH) {
    socketDirectory = await mkdtemp(join(tmpdir(), 'mdm-pglite-'));
    temporary = true;
  } else {
    await mkdir(socketDirectory, { recursive: true, mode: 0o700 });
  }
  // mkdir's mode is masked by the umask and leaves an existing directory as it was.
  await chmod(socketDirectory, 0o700);
  const socketPath = join(socketDirectory, SOCKET_FILE);
  // A socket file left by a process that did not stop cleanly would make listen fail.
  await rm(socketPath, { force: true });
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections });
  try {
    await server.start();
    await chmod(socketPath, 0o600);
  } catch (error) {
    await server.stop().catch(() => {});
    await db.close();
    throw error;
  }
  return {
    url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDirectory)}`,
    socketDirectory,
    async stop() {
      await server.stop();
      await db.close();
      await rm(temporary ? socketDirectory : socketPath, { recursive: true, force: true });
    },
  };
}
