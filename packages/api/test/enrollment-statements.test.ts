import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracedGateway, type TracedGateway } from './support/traced-gateway.js';

/**
 * Counts the SQL statements (round trips to PostgreSQL) of one enrollment, through the gateway's
 * own pg tracing (as device-page-statements.test.ts does). Enrollment's cost is mostly
 * round trips and the ORM work around each; this keeps the hot path from growing back.
 */
describe('one enrollment, in SQL statements', () => {
  let traced: TracedGateway;
  beforeAll(async () => {
    traced = await startTracedGateway();
  }, 120_000);
  afterAll(() => traced?.stop());

  /** The SQL statements under the GraphQL operation span of one EnrollDevice request. */
  async function statementsOfOneEnrollment(
    input: Record<string, unknown>,
  ): Promise<{ typename: string; statements: string[] }> {
    const { EnrollDeviceDocument } = await import('@mdm/schema');
    const { result, statements } = await traced.statementsOf('mutation EnrollDevice', () =>
      traced.gateway.query(EnrollDeviceDocument, { input: input as never }),
    );
    return { typename: result.enrollDevice.__typename, statements };
  }

  it('a first BYOD enrollment with a user and a server-generated key', async () => {
    const { byodInput } = await import('./support/builders.js');
    // Warm-up: the first request of a gateway loads the API token and the catalog.
    await statementsOfOneEnrollment(byodInput());
    const { typename, statements } = await statementsOfOneEnrollment(
      byodInput({ deviceName: `statements ${randomUUID()}` }),
    );
    expect(typename).toBe('EnrollDeviceSuccess');
    const listing = statements.join('\n---\n');
    // BEGIN; one statement that marks the corporate identifiers, reads what is known of the
    // hardware (Autopilot, existing records) and the restrictions, and upserts the user (its row
    // lock serializes the user's enrollments); device + certificate + the user's device count
    // (one statement, after the lock); COMMIT; and the audit record after the commit. (Earlier
    // versions made 12, then 9, then 8.)
    expect(statements.length, listing).toBeLessThanOrEqual(5);
    const inserts = statements.filter((sql) => /insert into "(managed_device|mdm_certificate)"/.test(sql));
    expect(inserts, listing).toHaveLength(1);
    // One statement: the device's and the certificate's inserts as data-modifying CTEs, then the count.
    expect(inserts[0]).toMatch(
      /^with "new_device" as \(insert into "managed_device"[\s\S]*"new_certificate" as \(insert into "mdm_certificate"[\s\S]*count\(\*\)/,
    );
    // A brand-new device has no certificate to supersede.
    expect(
      statements.some((sql) => /update "mdm_certificate"/.test(sql)),
      listing,
    ).toBe(false);
    expect(statements.at(-1), listing).toMatch(/insert into "?audit_record"?\b/);
  });
});
