import { auditServer } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { useTestGateway } from './support/kit.js';

/**
 * Apollo Server answers some malformed requests with 400 where the GraphQL-over-HTTP spec
 * prefers 200 (for `application/json` responses); the audit reports these as warnings.
 */
const knownApolloWarnings = [
  'SHOULD use 200 status code on document parsing failure when accepting application/json',
  'SHOULD use 200 status code on document validation failure when accepting application/json',
  'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
];

describe('GraphQL-over-HTTP conformance (graphql-http auditServer)', () => {
  const gateway = useTestGateway();

  it('passes every MUST of the audit, with only the listed Apollo warnings', async () => {
    const results = await auditServer({ url: `${gateway.url}/graphql` });
    const errors = results.filter((r) => r.status === 'error').map((r) => r.name);
    expect(errors).toEqual([]);
    const warnings = results.filter((r) => r.status === 'warn').map((r) => r.name);
    expect(warnings.filter((w) => !knownApolloWarnings.includes(w))).toEqual([]);
    expect(results.filter((r) => r.status === 'ok').length).toBeGreaterThan(20);
  });
});
