import { randomUUID } from 'node:crypto';
import {
  EnrollDeviceDocument,
  LoadDevicePageDocument,
  ManagedDeviceDocument,
  ManagedDevicesDocument,
  type ManagedDevicesQuery,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byodInput, uniqueUpn } from './support/builders.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/**
 * The device list is read with plain SQL into read-only instances (no ORM hydration): what it
 * returns must be what the entity path (`managedDevice(id)`) returns for the same device, its
 * user included, and its cursors must page through every order the list offers.
 */
describe('a device page read without the ORM', () => {
  let gateway: TestGateway;
  const tag = `read-model-${randomUUID().slice(0, 8)}`;
  const users = [uniqueUpn(), uniqueUpn()];
  const enrolled: { id: string; upn: string }[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway();
    for (let i = 0; i < 7; i++) {
      gateway.clock.advance(1_000);
      const upn = users[i % 2]!;
      // Names out of enrollment order, so the name order differs from the time order.
      const { enrollDevice } = await gateway.query(EnrollDeviceDocument, {
        input: byodInput({ userPrincipalName: upn, deviceName: `${tag} ${(i * 3) % 7}` }),
      });
      if (enrollDevice.__typename !== 'EnrollDeviceSuccess') throw new Error(enrollDevice.__typename);
      enrolled.push({ id: enrollDevice.device.id, upn });
    }
  });
  afterAll(() => gateway.stop());

  it('returns each device with its user, the same as the single-device query', async () => {
    const { managedDevices } = await gateway.query(LoadDevicePageDocument, {
      first: 10,
      filter: { search: tag },
    });
    expect(managedDevices.totalCount).toBe(7);
    expect(managedDevices.edges.map((e) => e.node.id)).toEqual(enrolled.map((d) => d.id).reverse());
    for (const { node } of managedDevices.edges) {
      expect(node.user?.userPrincipalName).toBe(enrolled.find((d) => d.id === node.id)!.upn);
      const { managedDevice } = await gateway.query(ManagedDeviceDocument, { id: node.id });
      expect(node).toMatchObject({
        deviceName: managedDevice!.deviceName,
        platform: managedDevice!.platform,
        serialNumber: managedDevice!.serialNumber,
        imei: managedDevice!.imei,
        managementState: managedDevice!.managementState,
        lastSyncDateTime: managedDevice!.lastSyncDateTime,
        managementCertificateExpirationDate: managedDevice!.managementCertificateExpirationDate,
        user: {
          id: managedDevice!.user!.id,
          userPrincipalName: managedDevice!.user!.userPrincipalName,
          displayName: managedDevice!.user!.displayName,
        },
      });
    }
    // The devices of one user share one user id.
    const ids = new Set(
      managedDevices.edges
        .filter((e) => e.node.user?.userPrincipalName === users[0])
        .map((e) => e.node.user!.id),
    );
    expect(ids.size).toBe(1);
  });

  it('renders every field the single-device query renders, however the page selects them', async () => {
    const { parse, print } = await import('graphql');
    const { ManagedDeviceFieldsFragmentDoc, MdmCertificateFieldsFragmentDoc } = await import('@mdm/schema');
    type Node = Record<string, unknown> & { id: string };
    type Document<T, V> = import('@graphql-typed-document-node/core').TypedDocumentNode<T, V>;
    const selections: { fields: string; fragments: string }[] = [
      // Every field of the device and its user, through a fragment.
      {
        fields: `...ManagedDeviceFields user { id userPrincipalName displayName createdDateTime }`,
        fragments: print(ManagedDeviceFieldsFragmentDoc),
      },
      // Every field of the current certificate (the cost limit keeps it to a query of its own).
      {
        fields: `id mdmCertificate { ...MdmCertificateFields }`,
        fragments: print(MdmCertificateFieldsFragmentDoc),
      },
      // A few fields, the certificate's derived ones among them, and no user.
      {
        fields: `... on ManagedDevice { id mdmCertificate { status removalDateTime expiringThresholdDays } }`,
        fragments: '',
      },
      // Every certificate beside the current one (both from the per-request loader).
      {
        fields: `id userPrincipalName mdmCertificate { serialNumber } mdmCertificates { serialNumber }`,
        fragments: '',
      },
    ];
    for (const { fields, fragments } of selections) {
      const page = await gateway.query(
        parse(
          `query ($search: String) { managedDevices(first: 10, filter: { search: $search }) { edges { node { ${fields} } } } }\n${fragments}`,
        ) as Document<{ managedDevices: { edges: { node: Node }[] } }, { search: string }>,
        { search: tag },
      );
      expect(page.managedDevices.edges).toHaveLength(7);
      const single = parse(
        `query ($id: ID!) { managedDevice(id: $id) { ${fields} } }\n${fragments}`,
      ) as Document<{ managedDevice: Node }, { id: string }>;
      for (const { node } of page.managedDevices.edges) {
        const { managedDevice } = await gateway.query(single, { id: node.id });
        expect(node).toEqual(managedDevice);
      }
    }
  });

  it('pages by name in both directions through its cursors, each device once, with the same total', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const names: string[] = [];
      let after: string | null = null;
      let previous = false;
      do {
        const page: ManagedDevicesQuery = await gateway.query(ManagedDevicesDocument, {
          first: 3,
          after,
          filter: { search: tag },
          orderBy: 'deviceName',
          direction,
        });
        const { managedDevices } = page;
        expect(managedDevices.totalCount).toBe(7);
        expect(managedDevices.pageInfo.hasPreviousPage).toBe(previous);
        expect(managedDevices.pageInfo.startCursor).toBe(managedDevices.edges[0]?.cursor ?? null);
        expect(managedDevices.pageInfo.endCursor).toBe(managedDevices.edges.at(-1)?.cursor ?? null);
        for (const { node } of managedDevices.edges) {
          names.push(node.deviceName);
          expect(node.userPrincipalName).toBe(enrolled.find((d) => d.id === node.id)!.upn);
        }
        after = managedDevices.pageInfo.hasNextPage ? (managedDevices.pageInfo.endCursor ?? null) : null;
        previous = true;
      } while (after);
      const expected = Array.from({ length: 7 }, (_, i) => `${tag} ${i}`);
      expect(names).toEqual(direction === 'ASC' ? expected : expected.reverse());
    }
  });

  it('filters by the user principal name in any case and by certificate status', async () => {
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, {
      first: 10,
      filter: { search: tag, userPrincipalName: users[1]!.toUpperCase() },
    });
    expect(managedDevices.edges.map((e) => e.node.id).sort()).toEqual(
      enrolled
        .filter((d) => d.upn === users[1])
        .map((d) => d.id)
        .sort(),
    );
    const valid = await gateway.query(ManagedDevicesDocument, {
      first: 10,
      filter: { search: tag, certificateStatus: 'VALID' },
    });
    expect(valid.managedDevices.totalCount).toBe(7);
    const none = await gateway.query(ManagedDevicesDocument, {
      first: 10,
      filter: { search: tag, certificateStatus: 'NONE' },
    });
    expect(none.managedDevices.totalCount).toBe(0);
  });
});
