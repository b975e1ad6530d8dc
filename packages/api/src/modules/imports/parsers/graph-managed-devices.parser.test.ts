import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../test/support/fixtures.js';
import { parseGraphManagedDevices, readByteCount } from './graph-managed-devices.parser.js';
import { formatInstant, parseInstant } from './instants.js';

const instant = (raw: string) => parseInstant(raw) ?? expect.fail(`bad test timestamp ${raw}`);
const known = (value: string) => ({ value, original: value, recognized: true });
const list = (devices: object[], extra: object = {}): string => JSON.stringify({ value: devices, ...extra });

describe('Graph managedDevice list', () => {
  it('reads a list response exactly, with Graph\'s "never" date as null', () => {
    expect(parseGraphManagedDevices(fixture('graph-managed-devices.json'))).toEqual({
      kind: 'parsed',
      nextLink: null,
      errors: [],
      notices: [
        {
          rowNumber: 1,
          column: 'easActivationDateTime',
          rule: 'MIN_DATE_AS_NULL',
          message: '0001-01-01T00:00:00Z is Graph\'s "never" value; read as null',
        },
      ],
      rows: [
        {
          rowNumber: 1,
          id: '3b9d2e71-5c4a-4f08-9e1d-7a62c0f4b815',
          userId: '8f14c2d6-0b3e-4a7f-9c51-2e6d8a4b7f30',
          deviceName: 'FAB-LT-0417',
          operatingSystem: 'Windows',
          jailBroken: 'Unknown',
          osVersion: '10.0.26100.2033',
          easDeviceId: '8C1F52A0E37B4D96',
          emailAddress: 'morgan.diaz@fabrikam.example',
          azureADDeviceId: 'c5e0a9b4-71d2-4e3f-8a6b-93f1d07e2c48',
          deviceCategoryDisplayName: 'Laptops',
          userPrincipalName: 'morgan.diaz@fabrikam.example',
          model: 'Latitude 7450',
          manufacturer: 'Dell Inc.',
          imei: '',
          serialNumber: '7QZ4K83',
          phoneNumber: '',
          androidSecurityPatchLevel: '',
          userDisplayName: 'Morgan Diaz',
          wiFiMacAddress: '3C219C4E7A15',
          subscriberCarrier: '',
          meid: '',
          managedDeviceName: 'morgan.diaz_Windows_3/11/2025_8:14 AM',
          iccid: null,
          udid: null,
          notes: 'Finance team loaner',
          ethernetMacAddress: 'F4A80D3362B1',
          easActivated: false,
          azureADRegistered: true,
          isSupervised: false,
          isEncrypted: true,
          requireUserEnrollmentApproval: false,
          enrolledDateTime: instant('2025-03-11T09:14:27.482913+01:00'),
          lastSyncDateTime: instant('2025-10-14T08:05:31.9081726+02:00'),
          easActivationDateTime: null,
          exchangeLastSuccessfulSyncDateTime: instant('2025-10-14T07:58:12.3456789+02:00'),
          complianceGracePeriodExpirationDateTime: instant('9999-12-31T23:59:59.9999999Z'),
          managementCertificateExpirationDate: instant('2026-03-11T08:04:27.0000000Z'),
          managedDeviceOwnerType: known('company'),
          complianceState: known('compliant'),
          managementState: null,
          managementAgent: known('mdm'),
          deviceEnrollmentType: known('windowsAzureADJoin'),
          deviceRegistrationState: known('registered'),
          exchangeAccessState: known('allowed'),
          exchangeAccessStateReason: known('compliant'),
          partnerReportedThreatState: known('unknown'),
          totalStorageSpaceInBytes: 511_101_108_224n,
          freeStorageSpaceInBytes: 287_762_808_832n,
          physicalMemoryInBytes: 34_359_738_368n,
          deviceActionResults: [
            {
              actionName: 'syncDevice',
              actionState: known('done'),
              startDateTime: instant('2025-10-13T16:20:05.1234567+02:00'),
              lastUpdatedDateTime: instant('2025-10-13T16:21:42.7654321+02:00'),
            },
          ],
        },
      ],
    });
  });

  it('round-trips the timestamps keeping their 7-digit fraction', () => {
    const result = parseGraphManagedDevices(fixture('graph-managed-devices.json'));
    const device = result.kind === 'parsed' ? result.rows[0] : undefined;
    const last = device?.lastSyncDateTime;
    expect(last?.raw).toBe('2025-10-14T08:05:31.9081726+02:00');
    expect(last && formatInstant(last.ticks, last.offsetMinutes)).toBe('2025-10-14T08:05:31.9081726+02:00');
    expect(last && formatInstant(last.ticks)).toBe('2025-10-14T06:05:31.9081726Z');
    expect(last?.date.toISOString()).toBe('2025-10-14T06:05:31.908Z');
  });
});

describe('tolerance and exactness', () => {
  it('maps enum values newer than ours to unknown, keeping the original, with a notice', () => {
    const result = parseGraphManagedDevices(
      list([
        {
          id: 'd1',
          managementState: 'quarantinedByPartner',
          complianceState: 'unknownFutureValue',
          deviceEnrollmentType: 'windowsAutopilotV2',
        },
      ]),
    );
    expect(result).toMatchObject({
      rows: [
        {
          managementState: { value: 'unknown', original: 'quarantinedByPartner', recognized: false },
          complianceState: { value: 'unknown', original: 'unknownFutureValue', recognized: false },
          deviceEnrollmentType: { value: 'unknown', original: 'windowsAutopilotV2', recognized: false },
          managedDeviceOwnerType: null,
        },
      ],
      notices: [
        { rowNumber: 1, column: 'complianceState', rule: 'UNKNOWN_ENUM_VALUE' },
        { rowNumber: 1, column: 'managementState', rule: 'UNKNOWN_ENUM_VALUE' },
        { rowNumber: 1, column: 'deviceEnrollmentType', rule: 'UNKNOWN_ENUM_VALUE' },
      ],
    });
  });

  it('keeps byte counts beyond 32 bits exactly as bigint, from numbers and from digit strings', () => {
    const result = parseGraphManagedDevices(
      list([
        {
          id: 'd1',
          totalStorageSpaceInBytes: 137438953472,
          freeStorageSpaceInBytes: 4294967297,
          physicalMemoryInBytes: '18446744073709551615',
        },
      ]),
    );
    expect(result).toMatchObject({
      rows: [
        {
          totalStorageSpaceInBytes: 137_438_953_472n,
          freeStorageSpaceInBytes: 4_294_967_297n,
          physicalMemoryInBytes: 18_446_744_073_709_551_615n,
        },
      ],
    });
  });

  it('never rounds a JSON number above 2^53: it is read exactly or rejected as UNSAFE_INTEGER', () => {
    const result = parseGraphManagedDevices(
      '{"value":[{"id":"d1","totalStorageSpaceInBytes":9007199254740993}]}',
    );
    const exact =
      result.kind === 'parsed' && result.rows[0]?.totalStorageSpaceInBytes === 9_007_199_254_740_993n;
    const refused = result.kind === 'parsed' && result.errors[0]?.rule === 'UNSAFE_INTEGER';
    expect(exact || refused).toBe(true);
    expect(readByteCount(2 ** 53)).toMatchObject({ rule: 'UNSAFE_INTEGER' });
    expect(readByteCount(-1)).toMatchObject({ rule: 'INVALID_VALUE' });
    expect(readByteCount('12.5')).toMatchObject({ rule: 'INVALID_VALUE' });
  });

  it('reads Graph’s 0001-01-01 "never" timestamp as null and rejects malformed timestamps', () => {
    const result = parseGraphManagedDevices(
      list([
        { id: 'd1', lastSyncDateTime: '0001-01-01T00:00:00Z' },
        { id: 'd2', lastSyncDateTime: '2017-01-01T00:02:49.32059761-08:00' },
        { id: 'd3', deviceActionResults: [{ actionName: 'wipe', startDateTime: 'soon' }] },
      ]),
    );
    expect(result).toMatchObject({
      rows: [{ id: 'd1', lastSyncDateTime: null }],
      errors: [
        { rowNumber: 2, column: 'lastSyncDateTime', rule: 'INVALID_TIMESTAMP' },
        { rowNumber: 3, column: 'deviceActionResults.0.startDateTime', rule: 'INVALID_TIMESTAMP' },
      ],
      notices: [{ rowNumber: 1, column: 'lastSyncDateTime', rule: 'MIN_DATE_AS_NULL' }],
    });
  });

  it('reports wrong JSON types per device and returns the next link', () => {
    const result = parseGraphManagedDevices(
      list([{ id: 'd1', isEncrypted: 'yes' }, { deviceName: 'no id' }, { id: 'ok' }], {
        '@odata.nextLink': 'https://graph.example/next',
      }),
    );
    expect(result).toMatchObject({
      nextLink: 'https://graph.example/next',
      rows: [{ id: 'ok', deviceActionResults: [] }],
      errors: [
        { rowNumber: 1, column: 'isEncrypted', rule: 'INVALID_VALUE' },
        { rowNumber: 2, column: 'id', rule: 'INVALID_VALUE' },
      ],
    });
  });

  it('rejects a document without a value array, malformed JSON and UTF-16', () => {
    expect(parseGraphManagedDevices('{"devices":[]}')).toMatchObject({
      kind: 'rejected',
      error: { code: 'INVALID_DOCUMENT' },
    });
    expect(parseGraphManagedDevices('{"value":[}')).toMatchObject({
      kind: 'rejected',
      error: { code: 'MALFORMED_JSON' },
    });
    const utf16 = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(list([]), 'utf16le').swap16()]);
    expect(parseGraphManagedDevices(utf16)).toMatchObject({
      kind: 'rejected',
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
  });
});

describe('the same Graph id twice in one file', () => {
  const device = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    deviceName: 'A',
    osVersion: '18.1',
    ...extra,
  });

  it('keeps one row for identical records, whatever their key order', () => {
    const result = parseGraphManagedDevices(
      JSON.stringify({ value: [device('a'), { osVersion: '18.1', deviceName: 'A', id: 'a' }, device('b')] }),
    );
    expect(result).toMatchObject({
      kind: 'parsed',
      rows: [
        { rowNumber: 1, id: 'a' },
        { rowNumber: 3, id: 'b' },
      ],
      errors: [],
      notices: [{ rowNumber: 2, column: 'id', rule: 'DUPLICATE_IDENTICAL' }],
    });
  });

  it('flags every row of an id whose records differ and keeps none of them', () => {
    const result = parseGraphManagedDevices(
      JSON.stringify({ value: [device('a'), device('b'), device('a', { osVersion: '18.2' })] }),
    );
    expect(result).toMatchObject({
      kind: 'parsed',
      rows: [{ rowNumber: 2, id: 'b' }],
      errors: [
        { rowNumber: 1, column: 'id', rule: 'DUPLICATE_CONFLICT' },
        { rowNumber: 3, column: 'id', rule: 'DUPLICATE_CONFLICT' },
      ],
    });
  });
});
