import {
  EnrollDeviceDocument,
  ManagedDevicesDocument,
  type EnrollDeviceInput,
  type ManagedDevicesQuery,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byodInput, uniqueImei, uniqueUpn } from './support/builders.js';
import { startTestGateway, type TestGateway, useTestGateway } from './support/kit.js';

describe('managedDevices', () => {
  let gateway: TestGateway;
  const upn = uniqueUpn();
  const enrolled: { id: string; input: EnrollDeviceInput }[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway();
    const inputs = [
      byodInput({ userPrincipalName: upn, platform: 'IOS' }),
      byodInput({ userPrincipalName: upn, platform: 'ANDROID', imei: uniqueImei() }),
      byodInput({
        userPrincipalName: upn,
        platform: 'WINDOWS',
        method: 'AUTO_ENROLL',
        joinType: 'azureADRegistered',
      }),
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
      const page: ManagedDevicesQuery = await gateway.query(ManagedDevicesDocument, {
        first: 2,
        after,
        filter: { userPrincipalName: upn },
      });
      const { managedDevices } = page;
      expect(managedDevices.totalCount).toBe(5);
      seen.push(...managedDevices.edges.map((e) => e.node.id));
      after = managedDevices.pageInfo.hasNextPage ? (managedDevices.pageInfo.endCursor ?? null) : null;
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
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, {
      filter: { userPrincipalName: upn, platform: 'IOS' },
    });
    expect(managedDevices.edges.map((e) => e.node.id).sort()).toEqual(
      enrolled
        .filter((d) => d.input.platform === 'IOS')
        .map((d) => d.id)
        .sort(),
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
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, {
      filter: { search: serial.slice(2, 9).toLowerCase() },
    });
    expect(managedDevices.edges.map((e) => e.node.id)).toContain(enrolled[0]!.id);
  });

  it('finds a device by the beginning of its IMEI', async () => {
    const imei = enrolled[1]!.input.imei!;
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, {
      filter: { search: imei.slice(0, 12) },
    });
    expect(managedDevices.edges.map((e) => e.node.id)).toEqual([enrolled[1]!.id]);
  });

  it('treats LIKE wildcards in a search as literal text', async () => {
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, {
      filter: { userPrincipalName: upn, search: '%' },
    });
    expect(managedDevices.totalCount).toBe(0);
  });

  it('refuses a page size above the maximum and a forged cursor with BAD_USER_INPUT', async () => {
    const tooBig = await gateway.request(ManagedDevicesDocument, { first: 501 });
    expect(tooBig.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      violations: [expect.objectContaining({ field: 'first', rule: 'maximum' })],
    });
    const forged = await gateway.request(ManagedDevicesDocument, {
      after: Buffer.from('["x"]').toString('base64url'),
    });
    expect(forged.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      violations: [expect.objectContaining({ field: 'after' })],
    });
    const garbage = await gateway.request(ManagedDevicesDocument, { after: '!!!' });
    expect(garbage.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  const refusedCursor = {
    code: 'BAD_USER_INPUT',
    violations: [{ field: 'after', rule: 'cursor', message: 'is not a cursor issued by this list' }],
  };

  it('refuses a cursor issued for another ordering with BAD_USER_INPUT, both ways', async () => {
    const byName = await gateway.query(ManagedDevicesDocument, {
      first: 2,
      orderBy: 'deviceName',
      filter: { userPrincipalName: upn },
    });
    const nameCursor = byName.managedDevices.pageInfo.endCursor!;
    for (const orderBy of ['lastSyncDateTime', 'enrolledDateTime'] as const) {
      const response = await gateway.request(ManagedDevicesDocument, {
        first: 2,
        after: nameCursor,
        orderBy,
      });
      expect(response.status).toBe(200);
      expect(response.errors?.[0]?.extensions).toMatchObject(refusedCursor);
    }
    // A timestamp cursor used with deviceName is a legal string comparison: a later page, no error.
    const byDate = await gateway.query(ManagedDevicesDocument, {
      first: 2,
      orderBy: 'lastSyncDateTime',
      filter: { userPrincipalName: upn },
    });
    const mixed = await gateway.request(ManagedDevicesDocument, {
      first: 2,
      after: byDate.managedDevices.pageInfo.endCursor,
      orderBy: 'deviceName',
    });
    expect(mixed.errors).toBeUndefined();
  });

  it.each([
    [
      'an impossible timestamp',
      ['9999999-99-99T99:99:99Z', '00000000-0000-4000-8000-000000000000'],
      'enrolledDateTime',
    ],
    [
      'a timestamp past the year 9999',
      ['+275760-09-13T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'],
      'lastSyncDateTime',
    ],
    ['a number for a date', [1, '00000000-0000-4000-8000-000000000000'], 'enrolledDateTime'],
    ['null for a name', [null, '00000000-0000-4000-8000-000000000000'], 'deviceName'],
    ['a name holding NUL', ['a\u0000', '00000000-0000-4000-8000-000000000000'], 'deviceName'],
    ['a name holding a lone surrogate', ['\uD800', '00000000-0000-4000-8000-000000000000'], 'deviceName'],
  ] as const)('refuses a hand-made cursor with %s with BAD_USER_INPUT', async (_case, parts, orderBy) => {
    for (const encoding of ['base64', 'base64url'] as const) {
      const response = await gateway.request(ManagedDevicesDocument, {
        first: 2,
        after: Buffer.from(JSON.stringify(parts)).toString(encoding),
        orderBy,
      });
      expect(response.status).toBe(200);
      expect(response.errors?.[0]?.extensions).toMatchObject(refusedCursor);
    }
  });

  it('pages by deviceName past a device named like a timestamp', async () => {
    const named = byodInput({
      userPrincipalName: uniqueUpn(),
      deviceName: '2026-01-01T00:00:00.000Z laptop',
    });
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, { input: named });
    if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
    const filter = { userPrincipalName: named.userPrincipalName };
    const first = await gateway.query(ManagedDevicesDocument, { first: 1, orderBy: 'deviceName', filter });
    const next = await gateway.request(ManagedDevicesDocument, {
      first: 1,
      after: first.managedDevices.pageInfo.endCursor,
      orderBy: 'deviceName',
      filter,
    });
    expect(next.errors).toBeUndefined();
    expect(next.data?.managedDevices.edges).toEqual([]);
  });
});

describe('managedDevices by certificate status', () => {
  const gateway = useTestGateway();

  it('tells valid, expiring (within 30 days) and expired certificates apart, as time passes', async () => {
    const upn = uniqueUpn();
    const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ userPrincipalName: upn }),
    });
    if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
    const notAfter = new Date(enrollDevice.certificate.notAfter).getTime();
    const statusIs = async (certificateStatus: 'VALID' | 'EXPIRING' | 'EXPIRED' | 'NONE') =>
      (await gateway.query(ManagedDevicesDocument, { filter: { userPrincipalName: upn, certificateStatus } }))
        .managedDevices.totalCount === 1;
    expect([
      await statusIs('VALID'),
      await statusIs('EXPIRING'),
      await statusIs('EXPIRED'),
      await statusIs('NONE'),
    ]).toEqual([true, false, false, false]);
    gateway.clock.set(new Date(notAfter - 10 * 86_400_000));
    expect([await statusIs('VALID'), await statusIs('EXPIRING')]).toEqual([false, true]);
    gateway.clock.set(new Date(notAfter + 1_000));
    expect([await statusIs('EXPIRING'), await statusIs('EXPIRED')]).toEqual([false, true]);
  });
});
