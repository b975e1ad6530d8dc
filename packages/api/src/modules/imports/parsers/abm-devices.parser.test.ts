import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAbmDevicesPage, reduceAbmSync, type AbmDevice } from './abm-devices.parser.js';

const SAMPLES =
  process.env.SAMPLES_DIR ?? fileURLToPath(new URL('../../../../../../../shared/samples/', import.meta.url));
const sample = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));
const at = (iso: string): Date => new Date(iso);

function rowsOf(input: string | Buffer): AbmDevice[] {
  const result = parseAbmDevicesPage(input);
  if (result.kind !== 'parsed') throw new Error(result.error.message);
  return result.rows;
}
const page = (devices: unknown[], extra: object = {}): string => JSON.stringify({ devices, ...extra });

const IPHONE = {
  serialNumber: 'C7N2KD4WQX',
  model: 'iPhone 14',
  description: 'IPHONE 14 MIDNIGHT 128GB-ZDD',
  color: 'MIDNIGHT',
  os: 'iOS',
  deviceFamily: 'iPhone',
  profileUuid: '95C2189CA0EFB3272AC8B3C66201F33',
  profileStatus: 'removed',
  profileStatusRaw: 'removed',
  profileAssignTime: at('2025-04-29T18:06:53Z'),
  profilePushTime: null,
  deviceAssignedBy: 'abm-admin@example.appleid.com',
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

describe('Apple device page samples', () => {
  it('reads the fetch page exactly, with "" as empty profile status and missing dates as null', () => {
    expect(parseAbmDevicesPage(sample('abm-fetch-devices.json'))).toEqual({
      kind: 'parsed',
      cursor: 'MDovOjE7NDU6Njc0MjIyODU1MTc0NTgyNzQyMjI3MTp0cnVlOjE0NDU7Mjc1LiIjUDU',
      fetchedUntil: at('2025-04-28T08:03:42Z'),
      moreToFollow: false,
      rows: [
        {
          position: 0,
          serialNumber: 'F7QTR2Z8HLM4',
          model: 'iPad mini 4',
          description: 'IPAD MINI 4 WI-FI 16GB SPACE GRAY-FRD',
          color: 'SPACE GRAY',
          os: 'iOS',
          deviceFamily: 'iPad',
          profileUuid: '7A3C81EC2F9D9F6CAC4106A7CE1AD6B2',
          profileStatus: 'pushed',
          profileStatusRaw: 'pushed',
          profileAssignTime: at('2025-02-18T15:43:38Z'),
          profilePushTime: at('2025-02-18T20:13:06Z'),
          deviceAssignedBy: 'abm-admin@example.com',
          deviceAssignedDate: at('2022-03-03T08:16:27Z'),
          opType: 'added',
          opDate: null,
        },
        {
          position: 1,
          serialNumber: 'K9W3XH2M7Q',
          model: 'iPhone 14',
          description: 'IPHONE 14 MIDNIGHT 128GB-ZDD',
          color: 'MIDNIGHT',
          os: 'iOS',
          deviceFamily: 'iPhone',
          profileUuid: '8B4081EC2F9D9F6CAC4152A79E1006C3',
          profileStatus: 'empty',
          profileStatusRaw: '',
          profileAssignTime: null,
          profilePushTime: null,
          deviceAssignedBy: 'abm-admin@example.appleid.com',
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
    expect(parseAbmDevicesPage(sample('abm-sync-devices.json'))).toEqual({
      kind: 'parsed',
      cursor: 'MTAwOjA6MTc0NjMwNjExNTA1OToxNzQ2MzA2NDgyNTM2OnRydWU6MTc0NjMwNjExNTA1OQ',
      fetchedUntil: at('2025-05-03T21:01:55Z'),
      moreToFollow: false,
      rows: [
        {
          ...IPHONE,
          position: 0,
          deviceAssignedDate: at('2025-05-03T20:59:31Z'),
          opDate: at('2025-05-03T20:59:31Z'),
        },
        {
          ...IPHONE,
          position: 1,
          deviceAssignedDate: at('2025-05-03T21:01:55Z'),
          opDate: at('2025-05-03T21:01:55Z'),
        },
        {
          ...NONE,
          position: 2,
          serialNumber: 'DMQX4T8LP2',
          model: 'iPad Air',
          os: 'iOS',
          deviceFamily: 'iPad',
          profileStatus: 'empty',
          profileStatusRaw: 'empty',
          opType: 'added',
          opDate: at('2025-05-03T21:00:10Z'),
        },
        {
          ...NONE,
          position: 3,
          serialNumber: 'DMQX4T8LP2',
          profileStatus: null,
          profileStatusRaw: null,
          opType: 'deleted',
          opDate: at('2025-05-03T20:58:00Z'),
        },
      ],
      errors: [],
      notices: [],
    });
  });
});

describe('reduceAbmSync', () => {
  const rows = rowsOf(sample('abm-sync-devices.json'));

  it('keeps the latest op_date per serial, so an older deleted arriving after a newer added loses', () => {
    expect(reduceAbmSync(rows).map((d) => [d.serialNumber, d.opType, d.position])).toEqual([
      ['C7N2KD4WQX', 'modified', 1],
      ['DMQX4T8LP2', 'added', 2],
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
