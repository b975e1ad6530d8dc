import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './support/test-gateway.js';
import { startTracedGateway, type TracedGateway } from './support/traced-gateway.js';

/**
 * Counts the SQL statements one `managedDevices` page costs, through the gateway's own pg
 * tracing (like observability-tracing.test.ts, tracing starts before the gateway is imported).
 * Issue 8: a page of 100 devices with certificate expiry and user costs at most 3 statements
 * whatever the page size (the page, its total count, the users of the page in one select).
 */
describe('a page of managed devices with their users', () => {
  let traced: TracedGateway;
  let gateway: TestGateway;
  const tag = `page-statements-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    traced = await startTracedGateway();
    gateway = traced.gateway;
    const { EnrollDeviceDocument } = await import('@mdm/schema');
    const { byodInput, uniqueUpn } = await import('./support/builders.js');
    // 110 devices of 22 users (the default device limit allows 5 each), enrolled 10 at a time.
    const users = Array.from({ length: 22 }, () => uniqueUpn());
    for (let batch = 0; batch < 11; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
            input: byodInput({
              userPrincipalName: users[(batch * 10 + i) % 22]!,
              deviceName: `${tag} ${batch}-${i}`,
            }),
          });
          if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
        }),
      );
    }
  }, 120_000);
  afterAll(() => traced?.stop());

  /** The SQL statements under the GraphQL operation span of one LoadDevicePage request. */
  async function statementsOfOnePage(
    first: number,
  ): Promise<{ statements: string[]; devices: number; users: number }> {
    const { LoadDevicePageDocument } = await import('@mdm/schema');
    const { result, statements } = await traced.statementsOf('query LoadDevicePage', () =>
      gateway.query(LoadDevicePageDocument, { first, filter: { search: tag } }),
    );
    const users = new Set(result.managedDevices.edges.map((e) => e.node.user?.id));
    return { statements, devices: result.managedDevices.edges.length, users: users.size };
  }

  it('costs at most 3 SQL statements for 100 devices, and no more than for 5', async () => {
    const small = await statementsOfOnePage(5);
    expect(small.devices).toBe(5);
    const large = await statementsOfOnePage(100);
    expect(large.devices).toBe(100);
    expect(large.users).toBeGreaterThan(10);
    // The page itself is read from the database (the count would be 0 if tracing missed it).
    expect(large.statements.some((sql) => sql.includes('"managed_device"'))).toBe(true);
    expect(large.statements.length, large.statements.join('\n')).toBeLessThanOrEqual(3);
    expect(large.statements.length).toBe(small.statements.length);
  });
});
