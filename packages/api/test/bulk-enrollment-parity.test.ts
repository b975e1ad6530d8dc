import {
  CreateExchangeConnectorDocument,
  EnrollDevicesDocument,
  ImportAutopilotDevicesDocument,
  ImportCorporateIdentifiersDocument,
  ImportEasDevicesDocument,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byodInput, uniqueImei, uniqueSerial, uniqueUpn } from './support/builders.js';
import { enrollmentSetup } from './support/enrollment-setup.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** The hardware of one enrollment: unique ids, the same make and model in every case. */
interface Hardware {
  serialNumber: string;
  imei: string;
  manufacturer: string;
  model: string;
}

/**
 * A situation the hardware can be in before it enrolls: what the organisation registered and
 * whether the gateway already manages it. `prepare` sets it up for one piece of hardware and
 * returns the id of the record an enrollment must reuse, if any.
 */
interface IdentifierCase {
  name: string;
  prepare(hardware: Hardware): Promise<string | null>;
}

/** Columns that say who the device is or when it enrolled, not what the enrollment decided. */
const IDENTITY = [
  'id',
  'device_name',
  'serial_number',
  'imei',
  'enrolled_date_time',
  'last_sync_date_time',
  'management_certificate_expiration_date',
  'eas_device_id',
];

/**
 * The same Windows bulk-enrollment row of the catalog (the one `enrollDevices` serves) through
 * both entry points, in every identifier situation: the stored devices must be equal column by
 * column, the same corporate identifiers marked enrolled, the same records reused.
 */
describe('a device enrolled through enrollDevices is stored as enrollDevice stores it', () => {
  let gateway: TestGateway;
  let setup: ReturnType<typeof enrollmentSetup>;
  let token: string;
  let connectorId: string;
  beforeAll(async () => {
    gateway = await startTestGateway();
    setup = enrollmentSetup(gateway);
    token = await setup.bulkToken();
    const { createExchangeConnector: c } = await gateway.query(CreateExchangeConnectorDocument, {
      serverName: 'mail.contoso.example',
      exchangeConnectorType: 'onPremises',
    });
    if (c.__typename !== 'ExchangeConnectorSuccess') throw new Error(c.__typename);
    connectorId = c.connector.id;
  });
  afterAll(() => gateway.stop());

  const importIdentifiers = async (identifierType: 'IMEI' | 'SERIAL' | 'WINDOWS', content: string) => {
    const { importCorporateIdentifiers: r } = await gateway.query(ImportCorporateIdentifiersDocument, {
      identifierType,
      file: { fileName: 'ids.csv', content },
    });
    if (r.__typename !== 'ImportSuccess') throw new Error(`identifiers: ${r.__typename}`);
  };

  /** An earlier Windows BYOD enrollment of the hardware, with a user and a linked Exchange partnership. */
  const enrolledEarlier = async (hardware: Hardware) => {
    const upn = uniqueUpn();
    const easDeviceId = `EAS${uniqueSerial()}`;
    const { importEasDevices: r } = await gateway.query(ImportEasDevicesDocument, {
      connectorId,
      file: {
        fileName: 'eas.json',
        content: JSON.stringify([{ easDeviceId, userPrincipalName: upn, deviceType: 'PC' }]),
      },
    });
    if (r.__typename !== 'ImportSuccess') throw new Error(`eas: ${r.__typename}`);
    const device = await setup.enrolled(
      byodInput({
        platform: 'WINDOWS',
        osVersion: '10.0.22631',
        userPrincipalName: upn,
        easDeviceId,
        ...hardware,
      }),
    );
    expect(device).toMatchObject({ easActivated: true, managementAgent: 'easMdm' });
    return device.id;
  };

  const cases: IdentifierCase[] = [
    { name: 'hardware nobody registered', prepare: async () => null },
    {
      name: 'an IMEI registered as a corporate identifier',
      prepare: async (h) => (await importIdentifiers('IMEI', `${h.imei},desk\n`), null),
    },
    {
      name: 'a serial number registered as a corporate identifier',
      prepare: async (h) => (await importIdentifiers('SERIAL', `${h.serialNumber},desk\n`), null),
    },
    {
      name: 'a Windows manufacturer, model and serial registered as a corporate identifier',
      prepare: async (h) => (
        await importIdentifiers('WINDOWS', `${h.manufacturer},${h.model},${h.serialNumber}\n`),
        null
      ),
    },
    {
      name: 'a serial number registered with Windows Autopilot',
      prepare: async (h) => {
        await gateway.query(ImportAutopilotDevicesDocument, {
          file: {
            fileName: 'ap.csv',
            content: `Device Serial Number,Windows Product ID,Hardware Hash\r\n${h.serialNumber},,QUJDRA==\r\n`,
          },
        });
        return null;
      },
    },
    { name: 'an active record with a user and an Exchange partnership', prepare: enrolledEarlier },
  ];

  const hardware = (): Hardware => ({
    serialNumber: uniqueSerial(),
    imei: uniqueImei(),
    manufacturer: 'Dell',
    model: 'Latitude 7440',
  });

  /** The stored device without its identity, and the enrollment state of its hardware's identifiers. */
  const stored = async (id: string, h: Hardware) => {
    const [row] = await gateway.sql<Record<string, unknown>>('select * from managed_device where id = ?', [
      id,
    ]);
    const decided = Object.fromEntries(Object.entries(row!).filter(([column]) => !IDENTITY.includes(column)));
    const identifiers = await gateway.sql<{ identifier_type: string; enrollment_state: string }>(
      `select identifier_type, enrollment_state from corporate_identifier where identifier in (?, ?) order by identifier_type`,
      [h.imei, h.serialNumber],
    );
    const records = await gateway.sql<{ n: number }>(
      'select count(*)::int as n from managed_device where serial_number = ?',
      [h.serialNumber],
    );
    return { decided, identifiers, records: records[0]!.n, easDeviceId: row!['eas_device_id'] };
  };

  for (const identifierCase of cases) {
    it(`stores the same device for ${identifierCase.name}`, async () => {
      const single = hardware();
      const bulk = hardware();
      const singleReused = await identifierCase.prepare(single);
      const bulkReused = await identifierCase.prepare(bulk);

      const one = await setup.enrolled(
        byodInput({
          platform: 'WINDOWS',
          method: 'BULK_ENROLL',
          userPrincipalName: null,
          bulkEnrollmentToken: token,
          osVersion: '10.0.22631',
          ...single,
        }),
      );
      const { enrollDevices: many } = await gateway.query(EnrollDevicesDocument, {
        input: {
          bulkEnrollmentToken: token,
          devices: [{ deviceName: 'PC', osVersion: '10.0.22631', ...bulk }],
        },
      });
      if (many.__typename !== 'EnrollDevicesSuccess') throw new Error(`bulk: ${many.__typename}`);
      const bulkId = many.enrollments[0]!.device.id;

      expect(one.id === singleReused).toBe(singleReused !== null);
      expect(bulkId === bulkReused).toBe(bulkReused !== null);
      const a = await stored(one.id, single);
      const b = await stored(bulkId, bulk);
      expect(b).toEqual(a);
    });
  }
});
