import { print } from 'graphql';
import {
  CorporateIdentifiersDocument,
  CreateDepOnboardingSettingDocument,
  DepOnboardingSettingsDocument,
  CreateExchangeConnectorDocument,
  EasDevicesDocument,
  ExchangeConnectorsDocument,
  GraphImportedDevicesDocument,
  ImportAbmDevicesDocument,
  ImportAutopilotDevicesDocument,
  ImportCompletedEventsDocument,
  ImportConfiguratorSerialsDocument,
  ImportCorporateIdentifiersDocument,
  ImportEasDevicesDocument,
  ImportGraphManagedDevicesDocument,
  SetEasDeviceAccessStateDocument,
  SetExchangeConnectorStatusDocument,
} from '@mdm/schema';
import { describe, expect, it } from 'vitest';
import { abmPage, byodInput, uniqueImei, uniqueSerial, uniqueUpn } from './support/builders.js';
import { EventCollector } from './support/deferred.js';
import { fixtureText } from './support/fixtures.js';
import { enrollmentSetup } from './support/enrollment-setup.js';
import { useTestGateway } from './support/kit.js';

const sample = fixtureText;

describe('imports from real formats', () => {
  const gateway = useTestGateway();
  const setup = enrollmentSetup(gateway);

  const tables = [
    'corporate_identifier',
    'apple_device',
    'autopilot_device',
    'eas_device',
    'graph_imported_device',
    'import_record',
  ];
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        tables.map(async (t) => [
          t,
          Number((await gateway.sql<{ n: string }>(`select count(*) as n from ${t}`))[0]!.n),
        ]),
      ),
    );
  /** Import result without ids and times, for exact comparison. */
  const summary = (r: { __typename: string } & Record<string, unknown>) => {
    if (r.__typename !== 'ImportSuccess') return r;
    const { id: _id, completedDateTime: _t, ...record } = r['importRecord'] as Record<string, unknown>;
    return { record, rows: r['rows'], rowErrors: r['rowErrors'], notices: r['notices'] };
  };

  describe('every fixture file, asserted exactly', () => {
    it('corporate-imei-14-digit.csv: 14-digit IMEIs completed with their check digit', async () => {
      const { importCorporateIdentifiers: r } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'IMEI',
        file: {
          fileName: 'corporate-imei-14-digit.csv',
          content: sample('corporate-imei-14-digit.csv'),
        },
      });
      expect(summary(r)).toMatchInlineSnapshot(`
        {
          "notices": [
            {
              "column": "imei",
              "message": "14-digit IMEI 35847209113572 completed with its check digit: 358472091135722",
              "rowNumber": 1,
              "rule": "IMEI_CHECK_DIGIT_ADDED",
            },
            {
              "column": "imei",
              "message": "14-digit IMEI 35847209113580 completed with its check digit: 358472091135805",
              "rowNumber": 2,
              "rule": "IMEI_CHECK_DIGIT_ADDED",
            },
          ],
          "record": {
            "conflictingCount": 0,
            "deletedCount": 0,
            "fileName": "corporate-imei-14-digit.csv",
            "importedBy": "bootstrap",
            "kind": "CORPORATE_IDENTIFIERS",
            "newCount": 2,
            "overwrittenCount": 0,
            "partial": false,
            "rejectedRowCount": 0,
            "rowCount": 2,
            "unchangedCount": 0,
          },
          "rowErrors": [],
          "rows": [
            {
              "key": "358472091135722",
              "outcome": "NEW",
              "rowNumber": 1,
            },
            {
              "key": "358472091135805",
              "outcome": "NEW",
              "rowNumber": 2,
            },
          ],
        }
      `);
    });

    it('corporate-imei.csv', async () => {
      const file = {
        fileName: 'corporate-imei.csv',
        content: sample('corporate-imei.csv'),
      };
      const { importCorporateIdentifiers: r } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'IMEI',
        file,
      });
      expect(summary(r)).toMatchInlineSnapshot(`
        {
          "notices": [],
          "record": {
            "conflictingCount": 0,
            "deletedCount": 0,
            "fileName": "corporate-imei.csv",
            "importedBy": "bootstrap",
            "kind": "CORPORATE_IDENTIFIERS",
            "newCount": 3,
            "overwrittenCount": 0,
            "partial": false,
            "rejectedRowCount": 0,
            "rowCount": 3,
            "unchangedCount": 0,
          },
          "rowErrors": [],
          "rows": [
            {
              "key": "353322110447167",
              "outcome": "NEW",
              "rowNumber": 1,
            },
            {
              "key": "358754061277307",
              "outcome": "NEW",
              "rowNumber": 2,
            },
            {
              "key": "352906120588431",
              "outcome": "NEW",
              "rowNumber": 3,
            },
          ],
        }
      `);
      const { importCorporateIdentifiers: again } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'IMEI',
        file,
      });
      expect(again.__typename === 'ImportSuccess' && again.rows.map((row) => row.outcome)).toEqual([
        'UNCHANGED',
        'UNCHANGED',
        'UNCHANGED',
      ]);
    });

    it('corporate-serial.csv', async () => {
      const { importCorporateIdentifiers: r } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'SERIAL',
        file: { fileName: 'corporate-serial.csv', content: sample('corporate-serial.csv') },
      });
      expect(summary(r)).toMatchInlineSnapshot(`
        {
          "notices": [],
          "record": {
            "conflictingCount": 0,
            "deletedCount": 0,
            "fileName": "corporate-serial.csv",
            "importedBy": "bootstrap",
            "kind": "CORPORATE_IDENTIFIERS",
            "newCount": 3,
            "overwrittenCount": 0,
            "partial": false,
            "rejectedRowCount": 0,
            "rowCount": 3,
            "unchangedCount": 0,
          },
          "rowErrors": [],
          "rows": [
            {
              "key": "G8WN3KQ7PL2D",
              "outcome": "NEW",
              "rowNumber": 1,
            },
            {
              "key": "J2RX9TV4MH6C",
              "outcome": "NEW",
              "rowNumber": 2,
            },
            {
              "key": "Q7L4MD2X8K",
              "outcome": "NEW",
              "rowNumber": 3,
            },
          ],
        }
      `);
    });

    it('corporate-windows.csv', async () => {
      const { importCorporateIdentifiers: r } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'WINDOWS',
        file: {
          fileName: 'corporate-windows.csv',
          content: sample('corporate-windows.csv'),
        },
      });
      expect(summary(r)).toMatchInlineSnapshot(`
        {
          "notices": [],
          "record": {
            "conflictingCount": 0,
            "deletedCount": 0,
            "fileName": "corporate-windows.csv",
            "importedBy": "bootstrap",
            "kind": "CORPORATE_IDENTIFIERS",
            "newCount": 2,
            "overwrittenCount": 0,
            "partial": false,
            "rejectedRowCount": 0,
            "rowCount": 2,
            "unchangedCount": 0,
          },
          "rowErrors": [],
          "rows": [
            {
              "key": "7QZ4K83",
              "outcome": "NEW",
              "rowNumber": 1,
            },
            {
              "key": "5CD4210XQP",
              "outcome": "NEW",
              "rowNumber": 2,
            },
          ],
        }
      `);
    });

    it('abm-fetch-devices.json', async () => {
      const { importAbmDevices: r } = await gateway.query(ImportAbmDevicesDocument, {
        file: { fileName: 'abm-fetch-devices.json', content: sample('abm-fetch-devices.json') },
      });
      expect(summary(r)).toMatchInlineSnapshot(`
        {
          "notices": [
            {
              "column": "profile_status",
              "message": "profile_status "" read as "empty"",
              "rowNumber": 2,
              "rule": "PROFILE_STATUS_BLANK",
            },
          ],
          "record": {
            "conflictingCount": 0,
            "deletedCount": 0,
            "fileName": "abm-fetch-devices.json",
            "importedBy": "bootstrap",
            "kind": "ABM_DEVICES",
            "newCount": 2,
            "overwrittenCount": 0,
            "partial": false,
            "rejectedRowCount": 0,
            "rowCount": 2,
            "unchangedCount": 0,
          },
          "rowErrors": [],
          "rows": [
            {
              "key": "H2VKQ9D3XN7P",
              "outcome": "NEW",
              "rowNumber": 1,
            },
            {
              "key": "V6MT4QX8RJ",
              "outcome": "NEW",
              "rowNumber": 2,
            },
          ],
        }
      `);
    });

    it('abm-sync-devices.json: the latest op_date wins per serial, and applying the page twice changes nothing', async () => {
      const file = { fileName: 'abm-sync-devices.json', content: sample('abm-sync-devices.json') };
      const { importAbmDevices: r } = await gateway.query(ImportAbmDevicesDocument, { file });
      expect(summary(r)).toMatchInlineSnapshot(`
        {
          "notices": [],
          "record": {
            "conflictingCount": 0,
            "deletedCount": 0,
            "fileName": "abm-sync-devices.json",
            "importedBy": "bootstrap",
            "kind": "ABM_DEVICES",
            "newCount": 2,
            "overwrittenCount": 0,
            "partial": false,
            "rejectedRowCount": 0,
            "rowCount": 2,
            "unchangedCount": 0,
          },
          "rowErrors": [],
          "rows": [
            {
              "key": "L4PX7WN2QD",
              "outcome": "NEW",
              "rowNumber": 2,
            },
            {
              "key": "N9QZ3KT6WB",
              "outcome": "NEW",
              "rowNumber": 3,
            },
          ],
        }
      `);
      const stored = await gateway.sql(
        `select serial_number, op_date_time, profile_status, updated_date_time from apple_device where source = 'DEP' order by serial_number`,
      );
      gateway.clock.advance(60_000);
      const { importAbmDevices: again } = await gateway.query(ImportAbmDevicesDocument, { file });
      expect(
        again.__typename === 'ImportSuccess' &&
          again.rows.map((row) => row.outcome).every((o) => o === 'UNCHANGED'),
      ).toBe(true);
      expect(
        await gateway.sql(
          `select serial_number, op_date_time, profile_status, updated_date_time from apple_device where source = 'DEP' order by serial_number`,
        ),
      ).toEqual(stored);
    });

    it('autopilot-devices.csv', async () => {
      const { importAutopilotDevices: r } = await gateway.query(ImportAutopilotDevicesDocument, {
        file: { fileName: 'autopilot-devices.csv', content: sample('autopilot-devices.csv') },
      });
      expect(summary(r)).toMatchInlineSnapshot(`
        {
          "notices": [],
          "record": {
            "conflictingCount": 0,
            "deletedCount": 0,
            "fileName": "autopilot-devices.csv",
            "importedBy": "bootstrap",
            "kind": "AUTOPILOT_DEVICES",
            "newCount": 3,
            "overwrittenCount": 0,
            "partial": false,
            "rejectedRowCount": 0,
            "rowCount": 3,
            "unchangedCount": 0,
          },
          "rowErrors": [],
          "rows": [
            {
              "key": "R90K7HQ2LM",
              "outcome": "NEW",
              "rowNumber": 2,
            },
            {
              "key": "MXL0412TQ7",
              "outcome": "NEW",
              "rowNumber": 3,
            },
            {
              "key": "4012-7781-0933-2256-8140-3371-95",
              "outcome": "NEW",
              "rowNumber": 4,
            },
          ],
        }
      `);
    });

    it('autopilot-devices-3col.csv', async () => {
      const { importAutopilotDevices: r } = await gateway.query(ImportAutopilotDevicesDocument, {
        file: { fileName: 'autopilot-devices-3col.csv', content: sample('autopilot-devices-3col.csv') },
      });
      expect(summary(r)).toMatchInlineSnapshot(`
        {
          "notices": [],
          "record": {
            "conflictingCount": 0,
            "deletedCount": 0,
            "fileName": "autopilot-devices-3col.csv",
            "importedBy": "bootstrap",
            "kind": "AUTOPILOT_DEVICES",
            "newCount": 1,
            "overwrittenCount": 0,
            "partial": false,
            "rejectedRowCount": 0,
            "rowCount": 1,
            "unchangedCount": 0,
          },
          "rowErrors": [],
          "rows": [
            {
              "key": "CND7310VWX",
              "outcome": "NEW",
              "rowNumber": 2,
            },
          ],
        }
      `);
    });

    it('graph-managed-devices.json: timestamps keep their instant, unknown enums keep their value, byte counts are not truncated', async () => {
      const { importGraphManagedDevices: r } = await gateway.query(ImportGraphManagedDevicesDocument, {
        file: {
          fileName: 'graph-managed-devices.json',
          content: sample('graph-managed-devices.json'),
        },
      });
      expect(summary(r)).toMatchInlineSnapshot(`
        {
          "notices": [
            {
              "column": "easActivationDateTime",
              "message": "0001-01-01T00:00:00Z is Graph's "never" value; read as null",
              "rowNumber": 1,
              "rule": "MIN_DATE_AS_NULL",
            },
          ],
          "record": {
            "conflictingCount": 0,
            "deletedCount": 0,
            "fileName": "graph-managed-devices.json",
            "importedBy": "bootstrap",
            "kind": "GRAPH_MANAGED_DEVICES",
            "newCount": 1,
            "overwrittenCount": 0,
            "partial": false,
            "rejectedRowCount": 0,
            "rowCount": 1,
            "unchangedCount": 0,
          },
          "rowErrors": [],
          "rows": [
            {
              "key": "3b9d2e71-5c4a-4f08-9e1d-7a62c0f4b815",
              "outcome": "NEW",
              "rowNumber": 1,
            },
          ],
        }
      `);
      const { graphImportedDevices } = await gateway.query(GraphImportedDevicesDocument, {});
      expect(graphImportedDevices).toMatchInlineSnapshot(`
        [
          {
            "complianceState": "compliant",
            "deviceEnrollmentType": "windowsAzureADJoin",
            "deviceName": "FAB-LT-0417",
            "enrolledDateTime": "2025-03-11T09:14:27.4829130+01:00",
            "enumOriginalsJson": "{"complianceState":"compliant","managementAgent":"mdm","exchangeAccessState":"allowed","deviceEnrollmentType":"windowsAzureADJoin","managedDeviceOwnerType":"company","deviceRegistrationState":"registered","exchangeAccessStateReason":"compliant","partnerReportedThreatState":"unknown"}",
            "freeStorageSpaceInBytes": "287762808832",
            "graphId": "3b9d2e71-5c4a-4f08-9e1d-7a62c0f4b815",
            "lastSyncDateTime": "2025-10-14T08:05:31.9081726+02:00",
            "managedDeviceOwnerType": "company",
            "managementAgent": "mdm",
            "physicalMemoryInBytes": "34359738368",
            "totalStorageSpaceInBytes": "511101108224",
          },
        ]
      `);
    });
  });

  it('a Graph export round-trips its timestamps exactly, keeps unknown enum values and byte counts beyond 32 bits', async () => {
    const graphId = `graph-${uniqueSerial()}`;
    const device = {
      id: graphId,
      deviceName: 'Migrated',
      managementAgent: 'someAgentFromTheFuture',
      managedDeviceOwnerType: 'company',
      enrolledDateTime: '2024-05-01T10:11:12.1234567+05:30',
      lastSyncDateTime: '2024-05-02T00:00:00.0000001Z',
      totalStorageSpaceInBytes: '68719476736',
      freeStorageSpaceInBytes: 4294967297,
      physicalMemoryInBytes: '9007199254740993',
    };
    const { importGraphManagedDevices: r } = await gateway.query(ImportGraphManagedDevicesDocument, {
      file: { fileName: 'export.json', content: JSON.stringify({ value: [device] }) },
    });
    expect(r).toMatchObject({
      __typename: 'ImportSuccess',
      notices: [expect.objectContaining({ rule: 'UNKNOWN_ENUM_VALUE', column: 'managementAgent' })],
    });
    const stored = (await gateway.query(GraphImportedDevicesDocument, {})).graphImportedDevices.find(
      (d) => d.graphId === graphId,
    );
    expect(stored).toMatchObject({
      enrolledDateTime: '2024-05-01T10:11:12.1234567+05:30',
      lastSyncDateTime: '2024-05-02T00:00:00.0000001Z',
      managementAgent: 'unknown',
      totalStorageSpaceInBytes: '68719476736',
      freeStorageSpaceInBytes: '4294967297',
      physicalMemoryInBytes: '9007199254740993',
    });
    expect(JSON.parse(stored!.enumOriginalsJson)).toMatchObject({
      managementAgent: 'someAgentFromTheFuture',
      managedDeviceOwnerType: 'company',
    });
  });

  describe('whole-file validation', () => {
    it('a bad row rejects the whole file with row, column and reason, and writes nothing', async () => {
      const before = await counts();
      const content = `${uniqueImei()},ok\n356938035643808,wrong check digit\n12AB,letters\n`;
      const { importCorporateIdentifiers: r } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'IMEI',
        file: { fileName: 'bad.csv', content },
      });
      expect(r).toMatchObject({
        __typename: 'ImportRejectedError',
        code: 'IMPORT_REJECTED',
        fileError: null,
        rowErrors: [
          { rowNumber: 2, column: 'imei', rule: 'IMEI_CHECK_DIGIT' },
          { rowNumber: 3, column: 'imei', rule: 'IMEI_NOT_DIGITS' },
        ],
      });
      expect(await counts()).toEqual(before);
    });

    it('with partial, the good rows are imported and the bad ones reported', async () => {
      const good = uniqueImei();
      const content = `${good},ok\n356938035643808,wrong check digit\n`;
      const { importCorporateIdentifiers: r } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'IMEI',
        file: { fileName: 'partial.csv', content, partial: true },
      });
      expect(r).toMatchObject({
        __typename: 'ImportSuccess',
        importRecord: { partial: true, rowCount: 1, newCount: 1, rejectedRowCount: 1 },
        rows: [{ rowNumber: 1, key: good, outcome: 'NEW' }],
        rowErrors: [{ rowNumber: 2, rule: 'IMEI_CHECK_DIGIT' }],
      });
    });

    it('UTF-16 is refused with a clear error, never garbage identifiers', async () => {
      const before = await counts();
      const utf16 = Buffer.from(`\ufeff${uniqueImei()},x\n`, 'utf16le').toString('latin1');
      const { importCorporateIdentifiers: r } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'IMEI',
        file: { fileName: 'utf16.csv', content: utf16 },
      });
      expect(r).toMatchObject({
        __typename: 'ImportRejectedError',
        fileError: { code: 'UNSUPPORTED_ENCODING' },
      });
      expect(await counts()).toEqual(before);
    });

    it('UTF-8 with BOM and CRLF is read', async () => {
      const serial = uniqueSerial();
      const { importCorporateIdentifiers: r } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'SERIAL',
        file: { fileName: 'bom.csv', content: `\ufeff${serial},Lab\r\n` },
      });
      expect(r).toMatchObject({ __typename: 'ImportSuccess', rows: [{ key: serial, outcome: 'NEW' }] });
    });
  });

  describe('limits', () => {
    const imeis = (n: number) => Array.from({ length: n }, () => `${uniqueImei()},d`).join('\n');

    it('5,000 identifiers are accepted, 5,001 refused before anything is written', async () => {
      const { importCorporateIdentifiers: ok } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'IMEI',
        file: { fileName: '5000.csv', content: imeis(5000) },
      });
      expect(ok).toMatchObject({
        __typename: 'ImportSuccess',
        importRecord: { rowCount: 5000, newCount: 5000 },
      });
      const before = await counts();
      const { importCorporateIdentifiers: tooMany } = await gateway.query(
        ImportCorporateIdentifiersDocument,
        { identifierType: 'IMEI', file: { fileName: '5001.csv', content: imeis(5001) } },
      );
      expect(tooMany).toMatchObject({
        __typename: 'ImportRejectedError',
        fileError: { code: 'TOO_MANY_ROWS', limit: 5000 },
      });
      expect(await counts()).toEqual(before);
    });

    it('500 Autopilot devices are accepted, 501 refused', async () => {
      const header = 'Device Serial Number,Windows Product ID,Hardware Hash';
      const rows = (n: number) =>
        [header, ...Array.from({ length: n }, () => `${uniqueSerial()},,QUJDRA==`)].join('\r\n');
      const { importAutopilotDevices: ok } = await gateway.query(ImportAutopilotDevicesDocument, {
        file: { fileName: '500.csv', content: rows(500) },
      });
      expect(ok).toMatchObject({
        __typename: 'ImportSuccess',
        importRecord: { rowCount: 500, newCount: 500 },
      });
      const { importAutopilotDevices: tooMany } = await gateway.query(ImportAutopilotDevicesDocument, {
        file: { fileName: '501.csv', content: rows(501) },
      });
      expect(tooMany).toMatchObject({
        __typename: 'ImportRejectedError',
        fileError: { code: 'TOO_MANY_ROWS', limit: 500 },
      });
    });
  });

  describe('duplicates and conflicts', () => {
    it('identical duplicates are merged with a notice; of differing ones the first row wins, also with a notice', async () => {
      const [a, b] = [uniqueSerial(), uniqueSerial()];
      const { importCorporateIdentifiers: merged } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'SERIAL',
        file: { fileName: 'dup.csv', content: `${a},x\n${a},x\n` },
      });
      expect(merged).toMatchObject({
        __typename: 'ImportSuccess',
        rows: [{ key: a, outcome: 'NEW' }],
        notices: [{ rowNumber: 2, rule: 'DUPLICATE_IDENTICAL' }],
      });
      const { importCorporateIdentifiers: conflict } = await gateway.query(
        ImportCorporateIdentifiersDocument,
        {
          identifierType: 'SERIAL',
          file: { fileName: 'conflict.csv', content: `${b},x\n${b},y\n` },
        },
      );
      expect(conflict).toMatchObject({
        __typename: 'ImportSuccess',
        rows: [{ rowNumber: 1, key: b, outcome: 'NEW' }],
        notices: [{ rowNumber: 2, rule: 'DUPLICATE_IGNORED' }],
      });
    });

    it('a stored identifier with different details is CONFLICTING unless overwrite is asked', async () => {
      const serial = uniqueSerial();
      await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'SERIAL',
        file: { fileName: 'a.csv', content: `${serial},old\n` },
      });
      const { importCorporateIdentifiers: kept } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'SERIAL',
        file: { fileName: 'b.csv', content: `${serial},new\n` },
      });
      expect(kept).toMatchObject({
        rows: [{ outcome: 'CONFLICTING' }],
        importRecord: { conflictingCount: 1 },
      });
      expect(
        (await gateway.query(CorporateIdentifiersDocument, { identifier: serial })).corporateIdentifiers[0]
          ?.details,
      ).toBe('old');
      const { importCorporateIdentifiers: over } = await gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'SERIAL',
        file: { fileName: 'c.csv', content: `${serial},new\n`, overwrite: true },
      });
      expect(over).toMatchObject({
        rows: [{ outcome: 'OVERWRITTEN' }],
        importRecord: { overwrittenCount: 1 },
      });
      expect(
        (await gateway.query(CorporateIdentifiersDocument, { identifier: serial })).corporateIdentifiers[0]
          ?.details,
      ).toBe('new');
    });
  });

  describe('Apple DEP and Configurator', () => {
    it('out-of-order sync pages applied twice end in the latest state', async () => {
      const serial = uniqueSerial();
      const newer = abmPage([serial], '2026-02-01T00:00:00Z', 'deleted');
      const older = abmPage([serial], '2026-01-01T00:00:00Z', 'added');
      for (let i = 0; i < 2; i++) {
        await gateway.query(ImportAbmDevicesDocument, { file: { fileName: 'newer.json', content: older } });
        await gateway.query(ImportAbmDevicesDocument, { file: { fileName: 'older.json', content: newer } });
      }
      expect(
        await gateway.sql(`select serial_number from apple_device where serial_number = ?`, [serial]),
      ).toEqual([]);
      const readded = abmPage([serial], '2026-03-01T00:00:00Z', 'added');
      await gateway.query(ImportAbmDevicesDocument, { file: { fileName: 'readded.json', content: readded } });
      await gateway.query(ImportAbmDevicesDocument, {
        file: { fileName: 'stale-delete.json', content: newer },
      });
      expect(
        await gateway.sql(`select serial_number from apple_device where serial_number = ?`, [serial]),
      ).toHaveLength(1);
    });

    it('a sync with a DEP token records its time and count, and an expired token is refused', async () => {
      const expires = new Date(gateway.clock.now().getTime() + 86_400_000);
      const { createDepOnboardingSetting: c } = await gateway.query(CreateDepOnboardingSettingDocument, {
        appleIdentifier: 'mdm@contoso.example',
        tokenExpirationDateTime: expires.toISOString(),
      });
      if (c.__typename !== 'CreateDepOnboardingSettingSuccess') throw new Error(c.__typename);
      const id = c.depOnboardingSetting.id;
      const { importAbmDevices: r } = await gateway.query(ImportAbmDevicesDocument, {
        file: { fileName: 'sync.json', content: abmPage([uniqueSerial()]) },
        depOnboardingSettingId: id,
      });
      expect(r.__typename).toBe('ImportSuccess');
      const [{ n }] = (await gateway.sql<{ n: string }>(
        `select count(*) as n from apple_device where source = 'DEP'`,
      )) as [{ n: string }];
      const token = (await gateway.query(DepOnboardingSettingsDocument, {})).depOnboardingSettings.find(
        (t) => t.id === id,
      );
      expect(token).toMatchObject({
        lastSyncDateTime: gateway.clock.now().toISOString(),
        syncedDeviceCount: Number(n),
      });
      gateway.clock.advance(86_400_000);
      const { importAbmDevices: expired } = await gateway.query(ImportAbmDevicesDocument, {
        file: { fileName: 'sync.json', content: abmPage([uniqueSerial()]) },
        depOnboardingSettingId: id,
      });
      expect(expired).toMatchObject({ __typename: 'OperationRefusedError', code: 'PREREQUISITE_MISSING' });
    });

    it('a DEP enrollment of a serial that is not in the list is refused', async () => {
      const result = await setup.enroll(
        byodInput({ method: 'DEP', userPrincipalName: null, serialNumber: uniqueSerial() }),
      );
      expect(result).toMatchObject({ code: 'PREREQUISITE_MISSING' });
    });

    it('a deleted DEP serial refuses new enrollments but the enrolled device keeps its record', async () => {
      const serial = await setup.depSerial({});
      const device = await setup.enrolled(
        byodInput({ method: 'DEP', userPrincipalName: null, serialNumber: serial }),
      );
      await gateway.query(ImportAbmDevicesDocument, {
        file: { fileName: 'gone.json', content: abmPage([serial], '2027-01-01T00:00:00Z', 'deleted') },
      });
      expect(
        await gateway.sql(`select id, management_state from managed_device where id = ?`, [device.id]),
      ).toEqual([{ id: device.id, management_state: 'managed' }]);
      expect(
        await setup.enroll(byodInput({ method: 'DEP', userPrincipalName: null, serialNumber: serial })),
      ).toMatchObject({ code: 'PREREQUISITE_MISSING' });
    });

    it('a Configurator serial list imports with a USB-SA profile; a USB-Direct export expires after two weeks', async () => {
      const serial = await setup.usbSaSerial({});
      expect(
        (await setup.enrolled(byodInput({ method: 'USB_SA', userPrincipalName: null, serialNumber: serial })))
          .isSupervised,
      ).toBe(true);
      const { token } = await setup.usbDirectToken();
      gateway.clock.advance(15 * 86_400_000);
      expect(
        await setup.enroll(
          byodInput({ method: 'USB_DIRECT', userPrincipalName: null, profileExportToken: token }),
        ),
      ).toMatchObject({ code: 'PREREQUISITE_MISSING' });
    });

    it('a Configurator list refuses a profile that is not USB-SA', async () => {
      const dep = await setup.createProfile({ kind: 'DEP' });
      const { importConfiguratorSerials: r } = await gateway.query(ImportConfiguratorSerialsDocument, {
        file: { fileName: 'c.csv', content: `${uniqueSerial()},x\n` },
        profileId: dep.id,
      });
      expect(r).toMatchObject({
        __typename: 'InvalidInputError',
        violations: [{ field: 'profileId', rule: 'usbSaProfile' }],
      });
    });
  });

  it('an Autopilot-registered Windows device enrolls as corporate (serial matched exactly, spaces kept)', async () => {
    const serial = `${uniqueSerial()} 01`;
    await gateway.query(ImportAutopilotDevicesDocument, {
      file: {
        fileName: 'ap.csv',
        content: `Device Serial Number,Windows Product ID,Hardware Hash\r\n${serial},,QUJDRA==\r\n`,
      },
    });
    const device = await setup.enrolled(
      byodInput({ platform: 'WINDOWS', serialNumber: serial, osVersion: '10.0.22631' }),
    );
    expect(device.managedDeviceOwnerType).toBe('company');
    expect(
      (
        await setup.enrolled(
          byodInput({ platform: 'WINDOWS', serialNumber: `${serial}X`, osVersion: '10.0.22631' }),
        )
      ).managedDeviceOwnerType,
    ).toBe('personal');
  });

  it('an EAS device that enrolls later is linked, not duplicated; admins set its access state', async () => {
    const { createExchangeConnector: c } = await gateway.query(CreateExchangeConnectorDocument, {
      serverName: 'mail.contoso.example',
      exchangeConnectorType: 'onPremises',
    });
    if (c.__typename !== 'ExchangeConnectorSuccess') throw new Error(c.__typename);
    const easDeviceId = `EAS${uniqueSerial()}`;
    const upn = uniqueUpn();
    const content = JSON.stringify([
      {
        easDeviceId,
        userPrincipalName: upn,
        deviceType: 'iPhone',
        operatingSystem: 'iOS 17.4',
        lastSyncDateTime: '2026-03-01T08:00:00Z',
      },
    ]);
    const { importEasDevices: r } = await gateway.query(ImportEasDevicesDocument, {
      connectorId: c.connector.id,
      file: { fileName: 'eas.json', content },
    });
    expect(r).toMatchObject({ __typename: 'ImportSuccess', rows: [{ key: easDeviceId, outcome: 'NEW' }] });
    const connector = (await gateway.query(ExchangeConnectorsDocument, {})).exchangeConnectors.find(
      (x) => x.id === c.connector.id,
    );
    expect(connector).toMatchObject({
      status: 'connected',
      exchangeConnectorType: 'onPremises',
      lastSyncDateTime: gateway.clock.now().toISOString(),
    });
    const { setExchangeConnectorStatus } = await gateway.query(SetExchangeConnectorStatusDocument, {
      connectorId: c.connector.id,
      status: 'disconnected',
    });
    expect(setExchangeConnectorStatus).toMatchObject({ connector: { status: 'disconnected' } });
    const [eas] = (await gateway.query(EasDevicesDocument, { connectorId: c.connector.id })).easDevices;
    expect(eas).toMatchObject({
      managementAgent: 'eas',
      accessState: 'allowed',
      linkedDeviceId: null,
      userPrincipalName: upn,
    });
    const { setEasDeviceAccessState } = await gateway.query(SetEasDeviceAccessStateDocument, {
      id: eas!.id,
      accessState: 'quarantined',
    });
    expect(setEasDeviceAccessState).toMatchObject({ easDevice: { accessState: 'quarantined' } });
    const device = await setup.enrolled(byodInput({ userPrincipalName: upn, easDeviceId }));
    expect(device).toMatchObject({ easActivated: true, easDeviceId, managementAgent: 'easMdm' });
    const [linked] = (await gateway.query(EasDevicesDocument, { connectorId: c.connector.id })).easDevices;
    expect(linked).toMatchObject({ linkedDeviceId: device.id, managementAgent: 'eas' });
    expect(
      await gateway.sql('select id from managed_device where eas_device_id = ?', [easDeviceId]),
    ).toHaveLength(1);
  });

  it('each import is recorded and publishes one import.completed event after commit', async () => {
    const client = gateway.wsClient();
    const events = new EventCollector(client.iterate({ query: print(ImportCompletedEventsDocument) }));
    const importOne = () =>
      gateway.query(ImportCorporateIdentifiersDocument, {
        identifierType: 'SERIAL',
        file: { fileName: 'event.csv', content: `${uniqueSerial()},x\n` },
      });
    const primed = await events.prime(importOne);
    const { importCorporateIdentifiers: r } = await importOne();
    const received = await events.waitFor(primed + 1);
    if (r.__typename !== 'ImportSuccess') throw new Error(r.__typename);
    expect(received.at(-1)).toEqual({
      data: {
        importCompleted: {
          importId: r.importRecord.id,
          kind: 'CORPORATE_IDENTIFIERS',
          fileName: 'event.csv',
          rowCount: 1,
          newCount: 1,
          unchangedCount: 0,
          overwrittenCount: 0,
          conflictingCount: 0,
          deletedCount: 0,
          rejectedRowCount: 0,
          completedAt: gateway.clock.now().toISOString(),
        },
      },
    });
    const [stored] = await gateway.sql('select kind, file_name, new_count from import_record where id = ?', [
      r.importRecord.id,
    ]);
    expect(stored).toEqual({ kind: 'CORPORATE_IDENTIFIERS', file_name: 'event.csv', new_count: 1 });
  });
});
