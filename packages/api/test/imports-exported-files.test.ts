import { readFileSync } from 'node:fs';
import {
  CorporateIdentifiersDocument,
  GraphImportedDevicesDocument,
  ImportAbmDevicesDocument,
  ImportCorporateIdentifiersDocument,
  ImportGraphManagedDevicesDocument,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** Files shaped as admins export them, kept in the repository (test/fixtures/imports). */
const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/imports/${name}`, import.meta.url), 'utf8');
const file = (name: string, extra: { partial?: boolean; overwrite?: boolean } = {}) => ({
  fileName: name,
  content: fixture(name),
  ...extra,
});
const success = <R extends { __typename: string }>(r: R): Extract<R, { __typename: 'ImportSuccess' }> => {
  if (r.__typename !== 'ImportSuccess') throw new Error(`expected ImportSuccess, got ${JSON.stringify(r)}`);
  return r as Extract<R, { __typename: 'ImportSuccess' }>;
};

describe('imports of files as admins export them', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.stop());

  describe('a Graph managedDevices export', () => {
    it('imports overlapping pages once, and a replay reports every row UNCHANGED', async () => {
      const first = success(
        (
          await gateway.query(ImportGraphManagedDevicesDocument, {
            file: file('graph-managed-devices-overlapping-pages.json'),
          })
        ).importGraphManagedDevices,
      );
      expect(first.rows.map((r) => [r.rowNumber, r.outcome])).toEqual([
        [1, 'NEW'],
        [2, 'NEW'],
        [4, 'NEW'],
      ]);
      expect(first.notices).toEqual([
        expect.objectContaining({ rowNumber: 3, column: 'id', rule: 'DUPLICATE_IDENTICAL' }),
      ]);
      const stored = await gateway.sql<{ imported_date_time: Date }>(
        `select imported_date_time from graph_imported_device where graph_id like '8c2d4f7e-%' order by graph_id`,
      );
      expect(stored).toHaveLength(3);

      const replay = success(
        (
          await gateway.query(ImportGraphManagedDevicesDocument, {
            file: file('graph-managed-devices-overlapping-pages.json'),
          })
        ).importGraphManagedDevices,
      );
      expect(replay.rows.map((r) => r.outcome)).toEqual(['UNCHANGED', 'UNCHANGED', 'UNCHANGED']);
      expect(replay.importRecord).toMatchObject({ unchangedCount: 3, overwrittenCount: 0, newCount: 0 });
      expect(
        await gateway.sql(
          `select imported_date_time from graph_imported_device where graph_id like '8c2d4f7e-%' order by graph_id`,
        ),
      ).toEqual(stored);
    });

    it('reports differing records of one id as a row conflict, never an internal error', async () => {
      const { importGraphManagedDevices: refused } = await gateway.query(ImportGraphManagedDevicesDocument, {
        file: file('graph-managed-devices-conflicting-duplicate.json'),
      });
      expect(refused).toMatchObject({
        __typename: 'ImportRejectedError',
        rowErrors: [
          { rowNumber: 2, column: 'id', rule: 'DUPLICATE_CONFLICT' },
          { rowNumber: 4, column: 'id', rule: 'DUPLICATE_CONFLICT' },
        ],
      });
      const partial = success(
        (
          await gateway.query(ImportGraphManagedDevicesDocument, {
            file: file('graph-managed-devices-conflicting-duplicate.json', { partial: true }),
          })
        ).importGraphManagedDevices,
      );
      expect(partial.rows.map((r) => [r.rowNumber, r.outcome])).toEqual([
        [1, 'UNCHANGED'],
        [3, 'UNCHANGED'],
      ]);
      expect(partial.importRecord.rejectedRowCount).toBe(2);
      const { graphImportedDevices } = await gateway.query(GraphImportedDevicesDocument, {});
      expect(graphImportedDevices.filter((d) => d.graphId.startsWith('8c2d4f7e-'))).toHaveLength(3);
      expect(
        await gateway.sql(
          `select os_version from graph_imported_device where graph_id = '8c2d4f7e-1a3b-4c5d-9e8f-0a1b2c3d4e03'`,
        ),
      ).toEqual([{ os_version: '17.6' }]);
    });
  });

  describe('Intune corporate-identifier CSVs', () => {
    it('skips the header, stores one identifier per serial whatever its case, and refuses placeholders', async () => {
      const result = success(
        (
          await gateway.query(ImportCorporateIdentifiersDocument, {
            identifierType: 'SERIAL',
            file: file('intune-serials-with-header.csv', { partial: true }),
          })
        ).importCorporateIdentifiers,
      );
      expect(result.rows.map((r) => [r.rowNumber, r.key, r.outcome])).toEqual([
        [2, 'C02ZX1ABMD6T', 'NEW'],
        [4, 'F9GT2QXLHG7K', 'NEW'],
        [5, 'K9W3XH2M7Q', 'NEW'],
        [10, 'DMPXK2ABCD12', 'NEW'],
      ]);
      expect(result.rowErrors.map((e) => [e.rowNumber, e.rule])).toEqual([
        [7, 'PLACEHOLDER_IDENTIFIER'],
        [8, 'PLACEHOLDER_IDENTIFIER'],
        [9, 'PLACEHOLDER_IDENTIFIER'],
      ]);
      expect(result.notices.map((n) => [n.rowNumber, n.rule])).toEqual([
        [1, 'HEADER_ROW_SKIPPED'],
        [3, 'DUPLICATE_IDENTICAL'],
        [4, 'SERIAL_PERIODS_REMOVED'],
        [5, 'IDENTIFIER_TRIMMED'],
        [6, 'DUPLICATE_IGNORED'],
      ]);
      const stored = await gateway.sql<{ identifier: string; details: string | null }>(
        `select identifier, details from corporate_identifier where upper(identifier) = 'C02ZX1ABMD6T' or identifier in ('Serial Number', 'Default string')`,
      );
      expect(stored).toEqual([{ identifier: 'C02ZX1ABMD6T', details: 'Design team MacBook Pro' }]);
    });

    it('matches a case variant of a stored serial instead of storing a second identifier', async () => {
      const result = success(
        (
          await gateway.query(ImportCorporateIdentifiersDocument, {
            identifierType: 'SERIAL',
            file: {
              fileName: 'variant.csv',
              content: 'c02zx1abmd6t,Design team MacBook Pro\nk9w3xh2m7q,Other\n',
            },
          })
        ).importCorporateIdentifiers,
      );
      expect(result.rows.map((r) => r.outcome)).toEqual(['UNCHANGED', 'CONFLICTING']);
      // Asked by value (the unfiltered list stops at 5,000 and the run's database may hold more).
      const upper = await gateway.query(CorporateIdentifiersDocument, { identifier: 'C02ZX1ABMD6T' });
      const lower = await gateway.query(CorporateIdentifiersDocument, { identifier: 'c02zx1abmd6t' });
      expect(upper.corporateIdentifiers.map((c) => c.identifier)).toEqual(['C02ZX1ABMD6T']);
      expect(lower.corporateIdentifiers.filter((c) => c.identifier !== 'C02ZX1ABMD6T')).toEqual([]);
    });

    it('imports IMEIs written with spaces and a header, noting each normalisation', async () => {
      const result = success(
        (
          await gateway.query(ImportCorporateIdentifiersDocument, {
            identifierType: 'IMEI',
            file: file('intune-imeis-with-header.csv', { partial: true }),
          })
        ).importCorporateIdentifiers,
      );
      expect(result.rows.map((r) => r.key)).toEqual([
        '352099001761481',
        '356938035643809',
        '490154203237518',
      ]);
      expect(result.rowErrors.map((e) => e.rule)).toEqual(['PLACEHOLDER_IDENTIFIER']);
      expect(result.notices.map((n) => n.rule)).toEqual([
        'HEADER_ROW_SKIPPED',
        'IMEI_SEPARATORS_REMOVED',
        'IMEI_SEPARATORS_REMOVED',
        'DUPLICATE_IGNORED',
      ]);
    });
  });

  describe('an Apple Business Manager device details response', () => {
    it('imports the SUCCESS serials and reports each NOT_ACCESSIBLE serial without touching it', async () => {
      const before = await gateway.sql(`select count(*)::int as n from apple_device`);
      const result = success(
        (await gateway.query(ImportAbmDevicesDocument, { file: file('abm-device-details.json') }))
          .importAbmDevices,
      );
      expect(result.rows.map((r) => [r.rowNumber, r.key, r.outcome])).toEqual([
        [1, 'F17XK2ABHG7P', 'NEW'],
        [3, 'C02ZX1ABMD6U', 'NEW'],
      ]);
      expect(result.notices.map((n) => [n.rowNumber, n.column, n.rule])).toEqual([
        [2, 'response_status', 'DEVICE_NOT_ACCESSIBLE'],
        [4, 'response_status', 'DEVICE_NOT_ACCESSIBLE'],
      ]);
      expect(result.notices[0]?.message).toContain('DMPXK2ABCD99');
      const after = await gateway.sql<{ serial_number: string }>(
        `select serial_number from apple_device where serial_number in ('DMPXK2ABCD99', 'F9GT2QXLHG7Z')`,
      );
      expect(after).toEqual([]);
      expect(await gateway.sql(`select count(*)::int as n from apple_device`)).toEqual([
        { n: (before[0] as { n: number }).n + 2 },
      ]);
      const replay = success(
        (await gateway.query(ImportAbmDevicesDocument, { file: file('abm-device-details.json') }))
          .importAbmDevices,
      );
      expect(replay.rows.map((r) => r.outcome)).toEqual(['UNCHANGED', 'UNCHANGED']);
    });
  });
});
