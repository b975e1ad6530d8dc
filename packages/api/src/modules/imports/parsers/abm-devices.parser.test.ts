import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../test/support/fixtures.js';
import { parseAbmDevicesPage, reduceAbmSync, type AbmDevice } from './abm-devices.parser.js';

const at = (iso: string): Date => new Date(iso);

function rowsOf(input: string | Buffer): AbmDevice[] {
  const result = parseAbmDevicesPage(input);
  if (result.kind !== 'parsed') throw new Error(result.error.message);
  return result.rows;
}
const page = (devices: unknown[], extra: object = {}): string => JSON.stringify({ devices, ...extra });

const IPHONE = {
  serialNumber: 'L4PX7WN2QD',
  model: 'iPhone 15',
  description: 'IPHONE 15 BLACK 128GB-ZDA',
  color: 'BLACK',
  os: 'iOS',
  deviceFamily: 'iPhone',
  profileUuid: 'A7E20C5B93D14F68B2E1094C7D3F5A18',
  profileStatus: 'removed',
  profileStatusRaw: 'removed',
  profileAssignTime: at('2025-10-02T08:15:40Z'),
  profilePushTime: null,
  deviceAssignedBy: 'it-purchasing@fabrikam.example',
  opType: 'modified',
} as const;
const NONE = {
  model: null,
  description: null,
  color: null,
  os: null,
  deviceFamily: null,
  profileUuid: null,
  profileAssignTime: null,
  profilePushTime: null,
  deviceAssignedBy: null,
  deviceAssignedDate: null,
};

describe('Apple device pages', () => {
  it('reads the fetch page exactly, with "" as empty profile status and missing dates as null', () => {
    expect(parseAbmDevicesPage(fixture('abm-fetch-devices.json'))).toEqual({
      kind: 'parsed',
      cursor: 'NDU6MDoxNzYwNDI0MzE5MDAwOjE3NjA0MjQzMTkwMDA6ZmFsc2U6Mjgz',
      fetchedUntil: at('2025-10-14T06:45:19Z'),
      moreToFollow: false,
      rows: [
        {
          position: 0,
          serialNumber: 'H2VKQ9D3XN7P',
          model: 'iPad Air 11-inch',
          description: 'IPAD AIR 11 WI-FI 128GB STARLIGHT-ZML',
          color: 'STARLIGHT',
          os: 'iOS',
          deviceFamily: 'iPad',
          profileUuid: '3F1D92AB7C4E5A60B8D2C19E47F0A3B5',
          profileStatus: 'pushed',
          profileStatusRaw: 'pushed',
          profileAssignTime: at('2025-09-04T10:12:07Z'),
          profilePushTime: at('2025-09-04T11:30:45Z'),
          deviceAssignedBy: 'it-purchasing@fabrikam.example',
          deviceAssignedDate: at('2024-11-19T14:02:51Z'),
          opType: 'added',
          opDate: null,
        },
        {
          position: 1,
          serialNumber: 'V6MT4QX8RJ',
          model: 'iPhone 16',
          description: 'IPHONE 16 ULTRAMARINE 256GB-ZDA',
          color: 'ULTRAMARINE',
          os: 'iOS',
          deviceFamily: 'iPhone',
          profileUuid: 'C08E5B1427D94F3A9E6B0D72A1F5C38E',
          profileStatus: 'empty',
          profileStatusRaw: '',
          profileAssignTime: null,
          profilePushTime: null,
          deviceAssignedBy: 'it-purchasing@fabrikam.example',
          deviceAssignedDate: null,
          opType: 'added',
          opDate: null,
        },
      ],
      errors: [],
      notices: [
        {
          rowNumber: 2,
          column: 'profile_status',
          rule: 'PROFILE_STATUS_BLANK',
          message: 'profile_status "" read as "empty"',
        },
      ],
    });
  });

  it('reads the sync page exactly, keeping every record in array order', () => {
    expect(parseAbmDevicesPage(fixture('abm-sync-devices.json'))).toEqual({
      kind: 'parsed',
      cursor: 'MTAwOjA6MTc1OTc0MzYyMzAwMDoxNzU5NzQzNjIzMDAwOnRydWU6MTc1OTc0MzYyMzAwMA',
      fetchedUntil: at('2025-10-06T09:47:03Z'),
      moreToFollow: false,
      rows: [
        {
          ...IPHONE,
          position: 0,
          deviceAssignedDate: at('2025-10-06T09:41:12Z'),
          opDate: at('2025-10-06T09:41:12Z'),
        },
        {
          ...IPHONE,
          position: 1,
          deviceAssignedDate: at('2025-10-06T09:47:03Z'),
          opDate: at('2025-10-06T09:47:03Z'),
        },
        {
          ...NONE,
          position: 2,
          serialNumber: 'N9QZ3KT6WB',
          model: 'iPad mini',
          os: 'iOS',
          deviceFamily: 'iPad',
          profileStatus: 'empty',
          profileStatusRaw: 'empty',
          opType: 'added',
          opDate: at('2025-10-06T09:44:30Z'),
        },
        {
          ...NONE,
          position: 3,
          serialNumber: 'N9QZ3KT6WB',
          profileStatus: null,
          profileStatusRaw: null,
          opType: 'deleted',
          opDate: at('2025-10-06T09:38:55Z'),
        },
      ],
      errors: [],
      notices: [],
    });
  });
});

describe('reduceAbmSync', () => {
  const rows = rowsOf(fixture('abm-sync-devices.json'));

  it('keeps the latest op_date per serial, so an older deleted arriving after a newer added loses', () => {
    expect(reduceAbmSync(rows).map((d) => [d.serialNumber, d.opType, d.position])).toEqual([
      ['L4PX7WN2QD', 'modified', 1],
      ['N9QZ3KT6WB', 'added', 2],
    ]);
  });

  it('gives the same winners whatever the order of the array', () => {
    const winners = (list: AbmDevice[]): number[] =>
      reduceAbmSync(list)
        .map((d) => d.position)
        .sort();
    expect(winners([...rows].reverse())).toEqual([1, 2]);
    expect(winners([rows[3], rows[1], rows[2], rows[0]] as AbmDevice[])).toEqual([1, 2]);
  });

  it('changes nothing when the same page is applied twice', () => {
    expect(reduceAbmSync([...rows, ...rows])).toEqual(reduceAbmSync(rows));
  });

  it('lets the later record win a tie on op_date, and any dated record beat an undated fetch record', () => {
    const tie = rowsOf(
      page([
        { serial_number: 'S1', op_type: 'modified', op_date: '2025-05-03T21:00:00Z', color: 'first' },
        { serial_number: 'S1', op_type: 'modified', op_date: '2025-05-03T21:00:00Z', color: 'second' },
        { serial_number: 'S2', op_type: 'deleted', op_date: '2020-01-01T00:00:00Z' },
        { serial_number: 'S2', color: 'fetched, no op_date' },
      ]),
    );
    expect(reduceAbmSync(tie).map((d) => [d.serialNumber, d.color, d.opType])).toEqual([
      ['S1', 'second', 'modified'],
      ['S2', null, 'deleted'],
    ]);
  });
});

describe('validation', () => {
  it('reports a bad date, an unknown op_type and a missing serial per record and keeps the others', () => {
    const result = parseAbmDevicesPage(
      page(
        [
          {
            serial_number: 'OK1',
            device_assigned_date: null,
            op_type: 'added',
            op_date: '2025-05-03T21:00:00Z',
          },
          { serial_number: 'BAD1', op_date: '03/05/2025' },
          { serial_number: 'BAD2', op_type: 'archived' },
          { model: 'no serial' },
          'not an object',
        ],
        { more_to_follow: true },
      ),
    );
    expect(result).toMatchObject({
      kind: 'parsed',
      moreToFollow: true,
      cursor: null,
      fetchedUntil: null,
      rows: [{ serialNumber: 'OK1', deviceAssignedDate: null }],
      errors: [
        { rowNumber: 2, column: 'op_date', rule: 'INVALID_DATE' },
        { rowNumber: 3, column: 'op_type', rule: 'UNKNOWN_OP_TYPE' },
        { rowNumber: 4, column: 'serial_number', rule: 'INVALID_VALUE' },
        { rowNumber: 5, column: null, rule: 'INVALID_VALUE' },
      ],
    });
  });

  it('keeps an unknown profile status as unknown with its original and a notice', () => {
    const result = parseAbmDevicesPage(page([{ serial_number: 'S1', profile_status: 'queued' }]));
    expect(result).toMatchObject({
      rows: [{ profileStatus: 'unknown', profileStatusRaw: 'queued' }],
      notices: [{ rowNumber: 1, column: 'profile_status', rule: 'UNKNOWN_ENUM_VALUE' }],
    });
  });

  it('rejects text that is not JSON, a document without devices, and UTF-16', () => {
    expect(parseAbmDevicesPage('{"devices": [')).toMatchObject({
      kind: 'rejected',
      error: { code: 'MALFORMED_JSON' },
    });
    expect(parseAbmDevicesPage('{"value": []}')).toMatchObject({
      kind: 'rejected',
      error: { code: 'INVALID_DOCUMENT' },
    });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(page([]), 'utf16le')]);
    expect(parseAbmDevicesPage(utf16)).toMatchObject({
      kind: 'rejected',
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
  });
});

describe('Apple device details responses', () => {
  it('reads SUCCESS records as rows and reports every other response_status as a notice', () => {
    const result = parseAbmDevicesPage(
      readFileSync(new URL('../../../../test/fixtures/imports/abm-device-details.json', import.meta.url)),
    );
    if (result.kind !== 'parsed') throw new Error('expected a parsed response');
    expect(result.rows.map((r) => [r.position, r.serialNumber, r.opType, r.profileStatus])).toEqual([
      [0, 'F17XK2ABHG7P', 'added', 'assigned'],
      [2, 'C02ZX1ABMD6U', 'added', 'empty'],
    ]);
    expect(result.errors).toEqual([]);
    expect(result.notices).toEqual([
      {
        rowNumber: 2,
        column: 'response_status',
        rule: 'DEVICE_NOT_ACCESSIBLE',
        message: 'Apple answered NOT_ACCESSIBLE for serial DMPXK2ABCD99; nothing changed for it',
      },
      {
        rowNumber: 4,
        column: 'response_status',
        rule: 'DEVICE_NOT_ACCESSIBLE',
        message: 'Apple answered NOT_ACCESSIBLE for serial F9GT2QXLHG7Z; nothing changed for it',
      },
    ]);
  });

  it('takes the serial from the key when the record omits it, and refuses a record for another serial', () => {
    const result = parseAbmDevicesPage(
      JSON.stringify({
        devices: {
          AAAA1111BBBB: { model: 'iPad', response_status: 'SUCCESS' },
          CCCC2222DDDD: { serial_number: 'EEEE3333FFFF', response_status: 'SUCCESS' },
        },
      }),
    );
    expect(result).toMatchObject({
      kind: 'parsed',
      rows: [{ serialNumber: 'AAAA1111BBBB', model: 'iPad' }],
      errors: [{ rowNumber: 2, column: 'serial_number', rule: 'SERIAL_MISMATCH' }],
    });
  });
});
