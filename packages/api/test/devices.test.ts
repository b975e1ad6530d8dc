import { EnrollDeviceDocument, ManagedDevicesDocument, type EnrollDeviceInput, type ManagedDevicesQuery } from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byodInput, uniqueImei, uniqueUpn } from './support/builders.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

describe('managedDevices', () => {
  let gateway: TestGateway;
  const upn = uniqueUpn();
  const enrolled: { id: string; input: EnrollDeviceInput }[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway();
    const inputs = [
      byodInput({ userPrincipalName: upn, platform: 'IOS' }),
      byodInput({ userPrincipalName: upn, platform: 'ANDROID', imei: uniqueImei() }),
      byodInput({ userPrincipalName: upn, platform: 'WINDOWS', method: 'AUTO_ENROLL', joinType: 'azureADRegistered' }),
      byodInput({ userPrincipalName: upn, platform: 'MACOS' }),
      byodInput({ userPrincipalName: upn, platform: 'IOS' }),
    ];
    for (const input of inputs) {
      gateway.clock.advance(1_000);
      const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input });
      if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
      enrolled.push({ id: enrollDevice.device.id, input });
    }
  });
  afterAll(() => gateway.stop());

  it('pages through every device of a filter exactly once, newest first, with stable cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: ManagedDevicesQuery = await gateway.query(ManagedDevicesDocument, { first: 2, after, filter: { userPrincipalName: upn } });
      const { managedDevices } = page;
      expect(managedDevices.totalCount).toBe(5);
      seen.push(...managedDevices.edges.map((e) => e.node.id));
      after = managedDevices.pageInfo.hasNextPage ? managedDevices.pageInfo.endCursor ?? null : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(enrolled.map((d) => d.id).reverse());
  });

  it('sorts ascending by device name when asked', async () => {
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, {
      first: 10,
      filter: { userPrincipalName: upn },
      orderBy: 'deviceName',
      direction: 'ASC',
    });
    const names = managedDevices.edges.map((e) => e.node.deviceName);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('filters by platform for one user', async () => {
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, { filter: { userPrincipalName: upn, platform: 'IOS' } });
    expect(managedDevices.edges.map((e) => e.node.id).sort()).toEqual(
      enrolled.filter((d) => d.input.platform === 'IOS').map((d) => d.id).sort(),
    );
  });

  it('filters by owner type and enrollment method', async () => {
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, {
      filter: { userPrincipalName: upn, enrollmentMethod: 'AUTO_ENROLL', managedDeviceOwnerType: 'personal' },
    });
    expect(managedDevices.edges.map((e) => e.node.id)).toEqual([enrolled[2]!.id]);
  });

  it('finds a device by part of its serial number, case-insensitively', async () => {
    const serial = enrolled[0]!.input.serialNumber!;
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, { filter: { search: serial.slice(2, 9).toLowerCase() } });
    expect(managedDevices.edges.map((e) => e.node.id)).toContain(enrolled[0]!.id);
  });

  it('finds a device by the beginning of its IMEI', async () => {
    const imei = enrolled[1]!.input.imei!;
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, { filter: { search: imei.slice(0, 12) } });
    expect(managedDevices.edges.map((e) => e.node.id)).toEqual([enrolled[1]!.id]);
  });

  it('treats LIKE wildcards in a search as literal text', async () => {
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, { filter: { userPrincipalName: upn, search: '%' } });
    expect(managedDevices.totalCount).toBe(0);
  });

  it('refuses a page size above the maximum and a forged cursor with BAD_USER_INPUT', async () => {
    const tooBig = await gateway.request(ManagedDevicesDocument, { first: 501 });
    expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', violations: [expect.objectContaining({ field: 'first', rule: 'maximum' })] });
    const forged = await gateway.request(ManagedDevicesDocument, { after: Buffer.from('["x"]').toString('base64url') });
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', violations: [expect.objectContaining({ field: 'after' })] });
    const garbage = await gateway.request(ManagedDevicesDocument, { after: '!!!' });
    expect(garbage.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});

describe('managedDevices by certificate status', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.stop());

  it('tells valid, expiring (within 30 days) and expired certificates apart, as time passes', async () => {
    const upn = uniqueUpn();
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input: byodInput({ userPrincipalName: upn }) });
    if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
    const notAfter = new Date(enrollDevice.certificate.notAfter).getTime();
    const statusIs = async (certificateStatus: 'VALID' | 'EXPIRING' | 'EXPIRED' | 'NONE') =>
      (await gateway.query(ManagedDevicesDocument, { filter: { userPrincipalName: upn, certificateStatus } })).managedDevices.totalCount === 1;
    expect([await statusIs('VALID'), await statusIs('EXPIRING'), await statusIs('EXPIRED'), await statusIs('NONE')]).toEqual([true, false, false, false]);
    gateway.clock.set(new Date(notAfter - 10 * 86_400_000));
    expect([await statusIs('VALID'), await statusIs('EXPIRING')]).toEqual([false, true]);
    gateway.clock.set(new Date(notAfter + 1_000));
    expect([await statusIs('EXPIRING'), await statusIs('EXPIRED')]).toEqual([false, true]);
  });
});
