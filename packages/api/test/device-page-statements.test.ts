import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './support/test-gateway.js';
import { startTracedGateway, type TracedGateway } from './support/traced-gateway.js';

/**
 * Counts the SQL statements one `managedDevices` page costs, through the gateway's own pg
 * tracing (like observability-tracing.test.ts, tracing starts before the gateway is imported).
 * A page of 100 devices with its current certificate and user costs one statement whatever the
 * page size: the page with its users and current certificates joined and its total count as a
 * subquery.
 */
describe('a page of managed devices with their users and certificates', () => {
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
  ): Promise<{ statements: string[]; devices: number; users: number; certificates: Set<string> }> {
    const { LoadDevicePageDocument } = await import('@mdm/schema');
    const { result, statements } = await traced.statementsOf('query LoadDevicePage', () =>
      gateway.query(LoadDevicePageDocument, { first, filter: { search: tag } }),
    );
    const users = new Set(result.managedDevices.edges.map((e) => e.node.user?.id));
    const certificates = new Set(
      result.managedDevices.edges.flatMap((e) =>
        e.node.mdmCertificate ? [e.node.mdmCertificate.serialNumber] : [],
      ),
    );
    return { statements, devices: result.managedDevices.edges.length, users: users.size, certificates };
  }

  it('costs one SQL statement for 100 devices with their certificates, as for 5', async () => {
    const small = await statementsOfOnePage(5);
    expect(small.devices).toBe(5);
    const large = await statementsOfOnePage(100);
    expect(large.devices).toBe(100);
    expect(large.users).toBeGreaterThan(10);
    // Every device has its own current certificate, read in one statement for the whole page.
    expect(large.certificates.size).toBe(100);
    expect(large.statements.filter((sql) => sql.includes('"mdm_certificate"'))).toHaveLength(1);
    // The page itself is read from the database (the count would be 0 if tracing missed it).
    expect(large.statements.some((sql) => sql.includes('"managed_device"'))).toBe(true);
    expect(large.statements.length, large.statements.join('\n')).toBe(1);
    expect(large.statements.length).toBe(small.statements.length);
  });
});

describe('the certificates of a device as its fields', () => {
  let traced: TracedGateway;
  afterAll(() => traced?.stop());

  it('are the current certificate and every certificate newest first, as the mdmCertificates query lists them', async () => {
    traced = await startTracedGateway();
    const gateway = traced.gateway;
    const { EnrollDeviceDocument } = await import('@mdm/schema');
    const { byodInput } = await import('./support/builders.js');
    const { parse } = await import('graphql');
    const input = byodInput();
    const enroll = async () => {
      const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input });
      if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
      return enrollDevice;
    };
    const first = await enroll();
    gateway.clock.advance(60_000);
    const second = await enroll(); // the same hardware again: a new certificate supersedes the first
    expect(second.device.id).toBe(first.device.id);
    type Serials = { serialNumber: string; pem?: string }[];
    const data = await gateway.query(
      parse(
        `query ($id: ID!) { managedDevice(id: $id) { mdmCertificate { serialNumber } mdmCertificates { serialNumber pem } } mdmCertificates(deviceId: $id) { serialNumber pem } }`,
      ) as TypedDocumentNode<
        {
          managedDevice: { mdmCertificate: { serialNumber: string }; mdmCertificates: Serials };
          mdmCertificates: Serials;
        },
        { id: string }
      >,
      { id: first.device.id },
    );
    expect(data.managedDevice.mdmCertificate.serialNumber).toBe(second.certificate.serialNumber);
    expect(data.managedDevice.mdmCertificates.map((c) => c.serialNumber)).toEqual([
      second.certificate.serialNumber,
      first.certificate.serialNumber,
    ]);
    // The same certificates, PEM included, as the mdmCertificates query gives.
    expect(data.managedDevice.mdmCertificates).toEqual(data.mdmCertificates);
    expect(data.mdmCertificates[0]!.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});
