import pg from 'pg';
import pino from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';

const databaseUrl = inject('databaseUrl');

/** The first Unix socket directory the test server listens on (asked over TCP), or null. */
async function socketDirectory(): Promise<string | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ dirs: string }>("select current_setting('unix_socket_directories') as dirs");
    return rows[0]?.dirs.split(',')[0]?.trim() || null;
  } finally {
    await client.end();
  }
}

/** Whether the gateway's own connection reached the server through a Unix socket (no client address). */
async function connectedOverSocket(url: string): Promise<boolean> {
  const database = await openDatabase({ url, dataDir: './unused', poolSize: 1 }, pino({ level: 'silent' }));
  try {
    const rows = await database.orm.em.fork().getConnection().execute<{ unix: boolean }[]>('select client_addr is null as unix from pg_stat_activity where pid = pg_backend_pid()');
    return rows[0]!.unix;
  } finally {
    await database.close();
  }
}

describe.skipIf(!databaseUrl)('DATABASE_URL with a libpq-style ?host= socket directory', () => {
  it('connects over the Unix socket the URL names, and over TCP without it', async () => {
    const directory = await socketDirectory();
    expect(directory, 'the test server listens on no Unix socket').toBeTruthy();
    const overSocket = new URL(databaseUrl);
    overSocket.hostname = 'localhost';
    overSocket.searchParams.set('host', directory!);
    expect(await connectedOverSocket(overSocket.toString())).toBe(true);
    expect(await connectedOverSocket(databaseUrl)).toBe(false);
  });
});
