import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { CreateApiTokenDocument } from '@mdm/schema';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config/config.js';
import { startGateway, type Gateway } from '../../src/server/gateway.js';
import { ManualClock } from '../../src/shared/clock.js';

/**
 * Every gateway of a test run (in-process or spawned) shares one database and so one issuing
 * CA: they must all open its key with the same sealing secret.
 */
export const TEST_CA_KEY_SECRET = 'test-run-ca-key-secret-0123456789';

/** A GraphQL-over-HTTP response as the tests read it. */
export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  headers: Headers;
}

/** Clients that speak to a gateway over the wire with one API token (or none). */
export interface GatewayClient {
  /** POSTs a typed operation to `/graphql` and returns the decoded response. */
  request<T, V>(
    document: TypedDocumentNode<T, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Like {@link request} but fails the test unless the response has data and no errors. */
  query<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T>;
  /** A graphql-ws client connected with this token; closed by `stop()`. */
  wsClient(): Client;
}

/** A real gateway on a free port, with a moveable clock and clients that speak to it over the wire. */
export interface TestGateway extends Gateway, GatewayClient {
  clock: ManualClock;
  /** The bootstrap ADMIN token secret the default clients use. */
  adminToken: string;
  /** Clients using another token secret, or none at all (`null`: anonymous, like a device). */
  as(secret: string | null): GatewayClient;
  /** Creates a token with `role` through the API and returns its secret. */
  createToken(
    role: 'ADMIN' | 'OPERATOR' | 'READER' | 'ENROLLER',
    userPrincipalName?: string,
  ): Promise<string>;
  /** Runs SQL against the gateway's own database (for asserting what was, or was not, written). */
  sql<R extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface TestGatewayOptions {
  /** Extra environment for the config (e.g. `{ NODE_ENV: 'production' }`); `undefined` unsets a default. */
  env?: Record<string, string | undefined>;
  /** Force the embedded PGlite under this directory, even when the run has a PostgreSQL server. */
  embeddedDataDir?: string;
  clock?: ManualClock;
  /** Capture the gateway's logs (default: a silent logger). */
  logger?: Logger;
  /** A built dashboard to serve at `/` (default: none). */
  dashboardDir?: string;
}

/**
 * Starts the gateway the way `main.ts` does, on this test run's database (see global-setup) or
 * on a fresh embedded PGlite, listening on a free loopback port. The default clients carry a
 * bootstrap ADMIN token; rate limits are off unless a test sets them.
 */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const databaseUrl = options.embeddedDataDir ? '' : inject('databaseUrl');
  const tempDir =
    databaseUrl || options.embeddedDataDir ? undefined : await mkdtemp(join(tmpdir(), 'mdm-test-'));
  const adminToken = `mdm_${randomBytes(32).toString('base64url')}`;
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    DATABASE_URL: databaseUrl,
    DATA_DIR: options.embeddedDataDir ?? tempDir ?? '',
    DB_POOL_SIZE: '5',
    ADMIN_TOKEN: adminToken,
    CA_KEY_SECRET: TEST_CA_KEY_SECRET,
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
    RATE_LIMIT_DEVICE_PROTOCOL_PER_MINUTE: '0',
    // Test files share the run's database and move their clocks: a sweep at a late instant must not
    // end the SCEP enrollments other files are in the middle of. Tests of the TTL set their own.
    PENDING_ENROLLMENT_TTL_HOURS: '8760',
    // Tests run the lifecycle sweep on demand (runLifecycleSweep), never on a timer.
    LIFECYCLE_SWEEP_INTERVAL_MS: '0',
    ...options.env,
  };
  const config = loadConfig(
    Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    [],
  );
  if (!databaseUrl) await fromEmbeddedTemplate(config.database.dataDir);
  const clock = options.clock ?? new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
  const gateway = await startGateway({
    config,
    clock,
    logger: options.logger,
    dashboardDir: options.dashboardDir,
  });
  const clients: Client[] = [];
  const endpoint = `${gateway.url}/graphql`;

  const clientFor = (secret: string | null): GatewayClient => {
    const auth: Record<string, string> = secret ? { authorization: `Bearer ${secret}` } : {};
    const request: GatewayClient['request'] = async (document, variables, headers = {}) => {
      const response = await postOnce(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...auth,
          ...headers,
        },
        body: JSON.stringify({ query: print(document), variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse<never>, 'status' | 'headers'>;
      return { ...body, status: response.status, headers: response.headers } as GraphQLResponse<never>;
    };
    return {
      request,
      async query<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T> {
        const response = await request(document, variables);
        if (response.errors?.length || !response.data) {
          throw new Error(`GraphQL request failed (${response.status}): ${JSON.stringify(response.errors)}`);
        }
        return response.data;
      },
      wsClient() {
        const client = createClient({
          url: endpoint.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: false,
          connectionParams: secret ? { authorization: `Bearer ${secret}` } : {},
          // Tests that expect a refused connection observe it through their subscriptions.
          onNonLazyError: () => {},
        });
        clients.push(client);
        return client;
      },
    };
  };
  const admin = clientFor(adminToken);

  return {
    ...gateway,
    ...admin,
    clock,
    adminToken,
    as: clientFor,
    async createToken(role, userPrincipalName) {
      const { createApiToken } = await admin.query(CreateApiTokenDocument, {
        input: { name: `test ${role}`, role, userPrincipalName },
      });
      if (createApiToken.__typename !== 'CreateApiTokenSuccess') throw new Error(createApiToken.__typename);
      return createApiToken.secret;
    },
    async sql(text, params = []) {
      return gateway.database.orm.em.getConnection().execute(text, params);
    },
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await gateway.stop();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}

/**
 * `fetch`, sent again once when the connection is reset before any response: a kept-alive
 * connection that the server closed as idle while this process was busy (a test verifying a
 * thousand certificates keeps its event loop from noticing), so the request never reached the
 * gateway. Any other failure is thrown as it is.
 */
async function postOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code !== 'ECONNRESET') throw error;
    return fetch(url, init);
  }
}

/**
 * Makes a new embedded database directory a copy of the run's migrated template (see
 * global-setup): the same schema a new database gets from the migrations, in a fraction of the
 * time. A directory that already holds a database (a restart) is left as it is.
 */
export async function fromEmbeddedTemplate(dataDir: string): Promise<void> {
  const template = inject('embeddedTemplateDir');
  const existing = await readdir(dataDir).catch(() => []);
  if (!template || existing.length > 0) return;
  await cp(template, dataDir, { recursive: true });
}
