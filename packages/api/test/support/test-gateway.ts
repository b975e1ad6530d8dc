import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config/config.js';
import { startGateway, type Gateway } from '../../src/server/gateway.js';
import { ManualClock } from '../../src/shared/clock.js';

/** A GraphQL-over-HTTP response as the tests read it. */
export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  headers: Headers;
}

/** A real gateway on a free port, with a moveable clock and clients that speak to it over the wire. */
export interface TestGateway extends Gateway {
  clock: ManualClock;
  /** POSTs a typed operation to `/graphql` and returns the decoded response. */
  request<T, V>(document: TypedDocumentNode<T, V>, variables?: V, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Like {@link request} but fails the test unless the response has data and no errors. */
  query<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T>;
  /** A graphql-ws client connected to this gateway; closed by `stop()`. */
  wsClient(): Client;
  /** Runs SQL against the gateway's own database (for asserting what was, or was not, written). */
  sql<R extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface TestGatewayOptions {
  /** Extra environment for the config (e.g. `{ NODE_ENV: 'production' }`). */
  env?: Record<string, string>;
  /** Force the embedded PGlite under this directory, even when the run has a PostgreSQL server. */
  embeddedDataDir?: string;
  clock?: ManualClock;
}

/**
 * Starts the gateway the way `main.ts` does, on this test run's database (see global-setup) or
 * on a fresh embedded PGlite, listening on a free loopback port.
 */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const databaseUrl = options.embeddedDataDir ? '' : inject('databaseUrl');
  const tempDir = databaseUrl || options.embeddedDataDir ? undefined : await mkdtemp(join(tmpdir(), 'mdm-test-'));
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      DATABASE_URL: databaseUrl,
      DATA_DIR: options.embeddedDataDir ?? tempDir ?? '',
      DB_POOL_SIZE: '5',
      // Tests run the lifecycle sweep on demand (runLifecycleSweep), never on a timer.
      LIFECYCLE_SWEEP_INTERVAL_MS: '0',
      ...options.env,
    },
    [],
  );
  const clock = options.clock ?? new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
  const gateway = await startGateway({ config, clock });
  const clients: Client[] = [];
  const endpoint = `${gateway.url}/graphql`;

  const request: TestGateway['request'] = async (document, variables, headers = {}) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<never>, 'status' | 'headers'>;
    return { ...body, status: response.status, headers: response.headers } as GraphQLResponse<never>;
  };

  return {
    ...gateway,
    clock,
    request,
    async query<T, V>(document: TypedDocumentNode<T, V>, variables?: V): Promise<T> {
      const response = await request(document, variables);
      if (response.errors?.length || !response.data) {
        throw new Error(`GraphQL request failed (${response.status}): ${JSON.stringify(response.errors)}`);
      }
      return response.data;
    },
    wsClient() {
      const client = createClient({ url: endpoint.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
      clients.push(client);
      return client;
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
