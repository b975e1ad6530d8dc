// The built gateway (`dist/main.js`) as a child process, for the suites of other packages that
// test it from the outside: the dashboard's browser tests and the runs of the k6 scripts. It is
// started exactly as an operator starts it (environment variables only), on a throwaway database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** A running `dist/main.js` with a known ADMIN token. */
export interface GatewayProcess {
  /** Base URL, e.g. `http://127.0.0.1:40123` (GraphQL at `/graphql`). */
  url: string;
  /** The ADMIN API token the process was started with (`ADMIN_TOKEN`). */
  token: string;
  /** POSTs GraphQL with the admin token; throws on any GraphQL error. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Everything the process wrote to stdout and stderr so far (JSON log lines). */
  output(): string;
  /** SIGTERM, wait for the exit, then drop the database / remove the data directory. */
  stop(): Promise<void>;
}

/** Options of {@link startGatewayProcess}. */
export interface GatewayProcessOptions {
  /**
   * PostgreSQL server URL (the test run's `DATABASE_URL`); a fresh database is created on it and
   * dropped at stop. Without one the gateway runs on an embedded PGlite in a temporary directory.
   */
  serverUrl?: string;
  /** Extra settings (see `.env.example`), e.g. `{ CERT_VALIDITY_DAYS: '20' }`. */
  env?: Record<string, string>;
  /** Milliseconds to wait for the "listening" log line. Default 60,000. */
  startTimeoutMs?: number;
}

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));

/**
 * Starts `node dist/main.js` on a free port of 127.0.0.1 with per-token rate limits off (tests
 * send bursts from one token), and resolves once it logs where it listens.
 * @throws Error with the process output when it exits or does not listen within the timeout
 */
export async function startGatewayProcess(options: GatewayProcessOptions = {}): Promise<GatewayProcess> {
  const token = `mdm_${randomBytes(32).toString('base64url')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'mdm-gateway-'));
  const database = options.serverUrl ? await createScratchDatabase(options.serverUrl) : undefined;
  const databaseUrl = database?.url;
  // A clean environment: the gateway sees exactly the settings of this run, nothing inherited.
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_TOKEN: token,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, [mainJs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const cleanUp = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`gateway did not start: ${output}`)),
        options.startTimeoutMs ?? 60_000,
      );
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /"graphql":"(http:\/\/[^"]+)\/graphql"/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited (${code}): ${output}`));
      });
    });
    return {
      url,
      token,
      async graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: T; errors?: unknown };
        if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
        return body.data;
      },
      output: () => output,
      async stop() {
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        await cleanUp();
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await cleanUp();
    throw error;
  }
}

/** A database created for one test or run, and how to drop it. */
export interface ScratchDatabase {
  /** The server URL with this database's name as its path (query parameters kept). */
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh, empty database on the PostgreSQL server of `serverUrl` (any database of it
 * names the server): for a gateway that must not share its database with others, e.g. one on the
 * real clock (its CA would start now) or one whose tables a test breaks on purpose.
 * @param prefix start of the database's name (a timestamp, the pid and random hex follow)
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix = 'mdm_proc',
): Promise<ScratchDatabase> {
  const name = `${prefix}_${Date.now()}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(serverUrl, `create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(serverUrl, `drop database if exists "${name}" with (force)`),
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
