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
    const { rows } = await client.query<{ dirs: string }>(
      "select current_setting('unix_socket_directories') as dirs",
    );
    return rows[0]?.dirs.split(',')[0]?.trim() || null;
  } finally {
    await client.end();
  }
}

/** Whether the gateway's own connection reached the server through a Unix socket (no client address). */
async function connectedOverSocket(url: string): Promise<boolean> {
  const database = await openDatabase({ url, dataDir: './unused', poolSize: 1 }, pino({ level: 'silent' }));
  try {
    const rows = await database.orm.em
      .fork()
      .getConnection()
      .execute<{ unix: boolean }[]>(
        'select client_addr is null as unix from pg_stat_activity where pid = pg_backend_pid()',
      );
    return rows[0]!.unix;
  } finally {
    await database.close();
  }
}

describe.skipIf(!databaseUrl)('DATABASE_URL query parameters, read as pg reads a connection string', () => {
  it('connects over the Unix socket the URL names, and over TCP without it', async () => {
    const directory = await socketDirectory();
    expect(directory, 'the test server listens on no Unix socket').toBeTruthy();
    const overSocket = new URL(databaseUrl);
    overSocket.hostname = 'localhost';
    overSocket.searchParams.set('host', directory!);
    expect(await connectedOverSocket(overSocket.toString())).toBe(true);
    expect(await connectedOverSocket(databaseUrl)).toBe(false);
  });

  it('passes the others to the driver: application_name names the connection', async () => {
    const url = new URL(databaseUrl);
    url.searchParams.set('application_name', 'mdm-gateway-url-test');
    const database = await openDatabase(
      { url: url.toString(), dataDir: './unused', poolSize: 1 },
      pino({ level: 'silent' }),
    );
    try {
      const rows = await database.orm.em
        .fork()
        .getConnection()
        .execute<{ name: string }[]>(
          'select application_name as name from pg_stat_activity where pid = pg_backend_pid()',
        );
      expect(rows[0]!.name).toBe('mdm-gateway-url-test');
    } finally {
      await database.close();
    }
  });

  it('refuses to start in plaintext when sslmode=require and the server has no TLS', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ ssl: string }>("select current_setting('ssl') as ssl");
    await client.end();
    // A test server with TLS would accept the connection: then there is nothing to refuse.
    if (rows[0]!.ssl === 'on') return;
    const url = new URL(databaseUrl);
    url.searchParams.set('sslmode', 'require');
    await expect(
      openDatabase({ url: url.toString(), dataDir: './unused', poolSize: 1 }, pino({ level: 'silent' })),
    ).rejects.toThrow(/SSL/i);
  });
});
