import { readFileSync } from 'node:fs';
import {
  type AppleDevicesQuery,
  AppleDevicesDocument,
  AutopilotDevicesDocument,
  ImportAbmDevicesDocument,
  ImportAutopilotDevicesDocument,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollDevice } from './support/device-credential.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** Files shaped as admins export them, kept in the repository (test/fixtures/imports). */
const file = (name: string) => ({
  fileName: name,
  content: readFileSync(new URL(`./fixtures/imports/${name}`, import.meta.url), 'utf8'),
});

/**
 * The ABM fixture with serials of this file's own (other tests import the same fixture into the
 * run's database, and expect its serials new).
 */
const SERIALS: Record<string, string> = {
  F17XK2ABHG7P: 'F17QALIST01P',
  C02ZX1ABMD6U: 'C02QALIST06U',
  DMPXK2ABCD99: 'DMPQALIST099',
};
const ownSerials = (content: string) =>
  Object.entries(SERIALS).reduce((text, [from, to]) => text.replaceAll(from, to), content);

describe('what the imports registered, page by page', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
    const fixture = file('abm-device-details.json');
    const abm = await gateway.query(ImportAbmDevicesDocument, {
      file: { ...fixture, content: ownSerials(fixture.content) },
    });
    expect(abm.importAbmDevices.__typename).toBe('ImportSuccess');
    const autopilot = await gateway.query(ImportAutopilotDevicesDocument, {
      file: file('autopilot-devices.csv'),
    });
    expect(autopilot.importAutopilotDevices.__typename).toBe('ImportSuccess');
  });
  afterAll(() => gateway.stop());

  it('lists the Apple serials of an Apple Business Manager response, and none of its NOT_ACCESSIBLE ones', async () => {
    const { appleDevices } = await gateway.query(AppleDevicesDocument, {
      first: 50,
      filter: { source: 'DEP' },
    });
    const serials = appleDevices.edges.map((e) => e.node.serialNumber);
    expect(serials).toEqual(expect.arrayContaining(['F17QALIST01P', 'C02QALIST06U']));
    expect(serials).not.toContain('DMPQALIST099');
    expect(appleDevices.totalCount).toBe(serials.length);
    expect(appleDevices.edges.find((e) => e.node.serialNumber === 'F17QALIST01P')?.node).toMatchObject({
      model: 'iPhone 15',
      profileStatus: 'assigned',
    });
  });

  it('pages through the Apple serials in serial order, one at a time, without skipping or repeating', async () => {
    const all = await gateway.query(AppleDevicesDocument, { first: 500 });
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 500; page++) {
      const { appleDevices }: AppleDevicesQuery = await gateway.query(AppleDevicesDocument, {
        first: 1,
        after,
      });
      seen.push(...appleDevices.edges.map((e) => e.node.serialNumber));
      if (!appleDevices.pageInfo.hasNextPage) break;
      after = appleDevices.pageInfo.endCursor ?? null;
    }
    const expected = all.appleDevices.edges.map((e) => e.node.serialNumber);
    expect(seen).toEqual(expected);
    expect([...expected].sort()).toEqual(expected);
  });

  it('searches serials case-insensitively and tells which ones an active device already reports', async () => {
    const search = await gateway.query(AppleDevicesDocument, { filter: { search: 'c02qalist06' } });
    expect(search.appleDevices.edges.map((e) => e.node.serialNumber)).toEqual(['C02QALIST06U']);

    const before = await gateway.query(AppleDevicesDocument, {
      filter: { search: 'F17QALIST01P', enrolled: true },
    });
    expect(before.appleDevices.totalCount).toBe(0);
    await enrollDevice(gateway, { serialNumber: 'F17QALIST01P' });
    const enrolled = await gateway.query(AppleDevicesDocument, {
      filter: { search: 'F17QALIST01P', enrolled: true },
    });
    expect(enrolled.appleDevices.edges.map((e) => e.node.serialNumber)).toEqual(['F17QALIST01P']);
    const waiting = await gateway.query(AppleDevicesDocument, {
      filter: { search: 'QALIST', enrolled: false },
    });
    expect(waiting.appleDevices.edges.map((e) => e.node.serialNumber)).toContain('C02QALIST06U');
    expect(waiting.appleDevices.edges.map((e) => e.node.serialNumber)).not.toContain('F17QALIST01P');
  });

  it('lists the Autopilot registrations with their group tags, filtered by tag', async () => {
    // Filtered to this fixture's serials: the run's database may hold other tests' registrations.
    const { autopilotDevices } = await gateway.query(AutopilotDevicesDocument, {
      filter: { search: 'QA-AP-', groupTag: 'SALES' },
    });
    expect(autopilotDevices.edges.map((e) => e.node.serialNumber)).toEqual(['QA-AP-0001', 'QA-AP-0003']);
    expect(autopilotDevices.edges[0]?.node.assignedUser).toBe('alex@contoso.example');
    const everything = await gateway.query(AutopilotDevicesDocument, {
      first: 2,
      filter: { search: 'QA-AP-' },
    });
    expect(everything.autopilotDevices.totalCount).toBe(3);
    expect(everything.autopilotDevices.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses a forged cursor and an oversized page as bad input', async () => {
    const forged = await gateway.request(AppleDevicesDocument, { after: 'bm90LWEtY3Vyc29y' });
    expect(forged.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const huge = await gateway.request(AutopilotDevicesDocument, { first: 100_000 });
    expect(huge.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('is readable by a READER and refused to an ENROLLER', async () => {
    const reader = gateway.as(await gateway.createToken('READER'));
    const read = await reader.request(AutopilotDevicesDocument, { filter: { search: 'QA-AP-' } });
    expect(read.data?.autopilotDevices.totalCount).toBe(3);
    const enroller = gateway.as(await gateway.createToken('ENROLLER'));
    expect((await enroller.request(AppleDevicesDocument, {})).errors?.[0]?.extensions?.['code']).toBe(
      'FORBIDDEN',
    );
  });
});
