import { Writable } from 'node:stream';
import { CreateApiTokenDocument } from '@mdm/schema';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

describe('production mode hides what an attacker could learn', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => gateway.stop());

  const post = async (query: string) => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
      body: JSON.stringify({ query }),
    });
    return response.text();
  };

  it('gives no "Did you mean" field suggestions', async () => {
    const text = await post('{ managedDevice(id: "00000000-0000-4000-8000-000000000000") { deviceNme } }');
    expect(text).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(text).not.toMatch(/did you mean/i);
  });

  it('gives no suggestions when variables do not coerce, not even to a caller without a token', async () => {
    const enroll = 'mutation($input: EnrollDeviceInput!) { enrollDevice(input: $input) { __typename } }';
    for (const input of [
      { platfrm: 'IOS', deviceName: 'd', osVersion: '1' },
      { platform: 'IO', deviceName: 'd', osVersion: '1' },
    ]) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: enroll, variables: { input } }),
      });
      const text = await response.text();
      expect(text).toContain('BAD_USER_INPUT');
      expect(text).not.toMatch(/did you mean/i);
    }
  });

  it('gives no suggestions over graphql-ws either', async () => {
    const client = gateway.wsClient();
    const results: unknown[] = [];
    try {
      for await (const result of client.iterate({
        query: 'query($f: ManagedDeviceFilter) { managedDevices(filter: $f) { totalCount } }',
        variables: { f: { platfrm: 'IOS', platform: 'IO' } },
      }))
        results.push(result);
    } catch (errors) {
      results.push(errors);
    }
    const text = JSON.stringify(results);
    expect(text).toContain('BAD_USER_INPUT');
    expect(text).not.toMatch(/did you mean/i);
  });

  it('turns introspection off', async () => {
    const refused = await post('{ __schema { types { name } } }');
    expect(refused).toContain('GRAPHQL_VALIDATION_FAILED');
    // The operator's switch, not Apollo's advice to pass an option to ApolloServer.
    expect(refused).toContain('set INTROSPECTION=true to allow it');
  });
});

describe('secrets never reach the logs', () => {
  it("a created token's secret and the presented bearer token are absent from every log line", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const gateway = await startTestGateway({
      env: { LOG_LEVEL: 'trace' },
      logger: pino({ level: 'trace' }, sink),
    });
    try {
      const { createApiToken } = await gateway.query(CreateApiTokenDocument, {
        input: { name: 'secret-check', role: 'READER' },
      });
      if (createApiToken.__typename !== 'CreateApiTokenSuccess') throw new Error(createApiToken.__typename);
      const log = lines.join('');
      expect(log).toContain('"msg":"request"');
      expect(log).not.toContain(createApiToken.secret);
      expect(log).not.toContain(gateway.adminToken);
    } finally {
      await gateway.stop();
    }
  });
});
