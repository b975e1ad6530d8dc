import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGraphManagedDevices, readByteCount } from './graph-managed-devices.parser.js';
import { formatInstant, parseInstant } from './instants.js';

const SAMPLES =
  process.env.SAMPLES_DIR ?? fileURLToPath(new URL('../../../../../../../shared/samples/', import.meta.url));
const sample = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));
const instant = (raw: string) => parseInstant(raw) ?? expect.fail(`bad test timestamp ${raw}`);
const known = (value: string) => ({ value, original: value, recognized: true });
const list = (devices: object[], extra: object = {}): string => JSON.stringify({ value: devices, ...extra });

describe('Graph managedDevice sample', () => {
  it('reads the list response exactly', () => {
    expect(parseGraphManagedDevices(sample('graph-manageddevices-list.json'))).toEqual({
      kind: 'parsed',
      nextLink: null,
      errors: [],
      notices: [],
      rows: [
        {
          rowNumber: 1,
          id: '705c034c-034c-705c-4c03-5c704c035c70',
          userId: 'User Id value',
          deviceName: 'Device Name value',
          operatingSystem: 'Operating System value',
          jailBroken: 'Jail Broken value',
          osVersion: 'Os Version value',
          easDeviceId: 'Eas Device Id value',
          emailAddress: 'Email Address value',
          azureADDeviceId: 'Azure ADDevice Id value',
          deviceCategoryDisplayName: 'Device Category Display Name value',
          userPrincipalName: 'User Principal Name value',
          model: 'Model value',
          manufacturer: 'Manufacturer value',
          imei: 'Imei value',
          serialNumber: 'Serial Number value',
          phoneNumber: 'Phone Number value',
          androidSecurityPatchLevel: 'Android Security Patch Level value',
          userDisplayName: 'User Display Name value',
          wiFiMacAddress: 'Wi Fi Mac Address value',
          subscriberCarrier: 'Subscriber Carrier value',
          meid: 'Meid value',
          managedDeviceName: 'Managed Device Name value',
          iccid: 'Iccid value',
          udid: 'Udid value',
          notes: 'Notes value',
          ethernetMacAddress: 'Ethernet Mac Address value',
          easActivated: true,
          azureADRegistered: true,
          isSupervised: true,
          isEncrypted: true,
          requireUserEnrollmentApproval: true,
          enrolledDateTime: instant('2016-12-31T23:59:43.797191-08:00'),
          lastSyncDateTime: instant('2017-01-01T00:02:49.3205976-08:00'),
          easActivationDateTime: instant('2016-12-31T23:59:43.4878784-08:00'),
          exchangeLastSuccessfulSyncDateTime: instant('2017-01-01T00:00:45.8803083-08:00'),
          complianceGracePeriodExpirationDateTime: instant('2016-12-31T23:56:44.951111-08:00'),
          managementCertificateExpirationDate: instant('2016-12-31T23:57:59.9789653-08:00'),
          managedDeviceOwnerType: known('company'),
          complianceState: known('compliant'),
          managementState: null,
          managementAgent: known('mdm'),
          deviceEnrollmentType: known('userEnrollment'),
          deviceRegistrationState: known('registered'),
          exchangeAccessState: known('unknown'),
          exchangeAccessStateReason: known('unknown'),
          partnerReportedThreatState: known('activated'),
          totalStorageSpaceInBytes: 8n,
          freeStorageSpaceInBytes: 7n,
          physicalMemoryInBytes: 5n,
          deviceActionResults: [
            {
              actionName: 'Action Name value',
              actionState: known('pending'),
              startDateTime: instant('2016-12-31T23:58:46.7156189-08:00'),
              lastUpdatedDateTime: instant('2017-01-01T00:00:56.8321556-08:00'),
            },
          ],
        },
      ],
    });
  });

  it('round-trips the sample timestamps keeping their 7-digit fraction', () => {
    const result = parseGraphManagedDevices(sample('graph-manageddevices-list.json'));
    const device = result.kind === 'parsed' ? result.rows[0] : undefined;
    const last = device?.lastSyncDateTime;
    expect(last?.raw).toBe('2017-01-01T00:02:49.3205976-08:00');
    expect(last && formatInstant(last.ticks, last.offsetMinutes)).toBe('2017-01-01T00:02:49.3205976-08:00');
    expect(last && formatInstant(last.ticks)).toBe('2017-01-01T08:02:49.3205976Z');
    expect(last?.date.toISOString()).toBe('2017-01-01T08:02:49.320Z');
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
