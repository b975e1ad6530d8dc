import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../support/kit.js';

const BUDGET = 4;

describe('the device protocol routes have a per-address budget of their own', () => {
  const gateway = useTestGateway({ env: { RATE_LIMIT_DEVICE_PROTOCOL_PER_MINUTE: String(BUDGET) } });

  it('answers 429 with Retry-After once an address spent it, on every protocol route, before reading the body; GraphQL keeps its own budget', async () => {
    const caps = () => fetch(`${gateway.url}/scep?operation=GetCACaps`);
    for (let i = 0; i < BUDGET; i++) expect((await caps()).status).toBe(200);

    const refused = [
      await caps(),
      await fetch(`${gateway.url}/mdm/checkin`, { method: 'PUT', body: 'x' }),
      await fetch(`${gateway.url}/mdm/connect`, { method: 'PUT', body: 'x' }),
      await fetch(`${gateway.url}/enrollment/apple/profile?token=nope`),
      await fetch(`${gateway.url}/enrollment/apple/dep`, { method: 'POST', body: 'x' }),
    ];
    for (const response of refused) {
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await response.text()).toMatch(/^RATE_LIMITED/);
    }
    // Nothing reached the handlers, which audit every unreadable message they are sent.
    const requestIds = refused.map((r) => r.headers.get('x-request-id'));
    expect(requestIds.every(Boolean)).toBe(true);
    expect(
      await gateway.sql('select id from audit_record where request_id in (?, ?, ?, ?, ?)', requestIds),
    ).toEqual([]);

    const graphql = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(graphql.status).not.toBe(429);
  });
});
