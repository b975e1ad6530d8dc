import { describe, expect, it } from 'vitest';
import { fixtureText } from '../../../../test/support/fixtures.js';
import { AUTOPILOT_COLUMNS, parseAutopilotDevices } from './autopilot.parser.js';

/** Test oracle: the n-th comma-separated value of line `line` (the fixtures contain no quotes). */
const cell = (text: string, line: number, column: number): string =>
  text.split(/\r?\n/)[line - 1]?.split(',')[column] ?? '';

const HEADER = AUTOPILOT_COLUMNS.join(',');
const HASH = 'T0sgaGFyZHdhcmUgaGFzaA==';
const device = (i: number): string => `SN-${i},,${HASH},,`;
const file = (rows: string[], header = HEADER): string => [header, ...rows].join('\r\n');

describe('Autopilot device lists', () => {
  it('reads a five-column CRLF list exactly, keeping the dashed serial', () => {
    const text = fixtureText('autopilot-devices.csv');
    expect(parseAutopilotDevices(Buffer.from(text))).toEqual({
      kind: 'parsed',
      columns: [...AUTOPILOT_COLUMNS],
      rows: [
        {
          rowNumber: 2,
          serialNumber: 'R90K7HQ2LM',
          windowsProductId: null,
          hardwareHash: cell(text, 2, 2),
          groupTag: 'FINANCE-NA',
          assignedUser: 'sam.lee@fabrikam.example',
        },
        {
          rowNumber: 3,
          serialNumber: 'MXL0412TQ7',
          windowsProductId: null,
          hardwareHash: cell(text, 3, 2),
          groupTag: null,
          assignedUser: null,
        },
        {
          rowNumber: 4,
          serialNumber: '4012-7781-0933-2256-8140-3371-95',
          windowsProductId: null,
          hardwareHash: cell(text, 4, 2),
          groupTag: 'KIOSK',
          assignedUser: null,
        },
      ],
      errors: [],
      notices: [],
    });
    expect(cell(text, 2, 2)).toHaveLength(3728);
  });

  it('reads a three-column list as written by the collection script', () => {
    const text = fixtureText('autopilot-devices-3col.csv');
    expect(parseAutopilotDevices(text)).toEqual({
      kind: 'parsed',
      columns: ['Device Serial Number', 'Windows Product ID', 'Hardware Hash'],
      rows: [
        {
          rowNumber: 2,
          serialNumber: 'CND7310VWX',
          windowsProductId: null,
          hardwareHash: cell(text, 2, 2),
          groupTag: null,
          assignedUser: null,
        },
      ],
      errors: [],
      notices: [],
    });
  });

  it('gives the same result with LF endings or a UTF-8 BOM, and rejects UTF-16', () => {
    const text = fixtureText('autopilot-devices.csv');
    const expected = parseAutopilotDevices(text);
    expect(parseAutopilotDevices(text.replace(/\r\n/g, '\n'))).toEqual(expected);
    expect(parseAutopilotDevices(Buffer.from(`\uFEFF${text}`))).toEqual(expected);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(parseAutopilotDevices(utf16)).toMatchObject({
      kind: 'rejected',
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
  });
});

describe('Autopilot header', () => {
  it('rejects a header that differs only in letter case, saying so', () => {
    const result = parseAutopilotDevices(file([device(1)], HEADER.replace('Hardware Hash', 'Hardware hash')));
    expect(result).toMatchObject({ kind: 'rejected', error: { code: 'HEADER_MISMATCH', line: 1 } });
    expect(result.kind === 'rejected' && result.error.message).toContain('case');
  });

  it('accepts the four-column form with Group Tag and rejects a sixth column or a quoted header', () => {
    const four = AUTOPILOT_COLUMNS.slice(0, 4).join(',');
    expect(parseAutopilotDevices(file([`SN-1,,${HASH},Kiosk`], four))).toMatchObject({
      kind: 'parsed',
      rows: [{ groupTag: 'Kiosk', assignedUser: null }],
    });
    expect(parseAutopilotDevices(file([`${device(1)},x`], `${HEADER},Notes`))).toMatchObject({
      error: { code: 'HEADER_MISMATCH' },
    });
    expect(
      parseAutopilotDevices(file([device(1)], `"Device Serial Number",Windows Product ID,Hardware Hash`)),
    ).toMatchObject({ error: { code: 'HEADER_MISMATCH' } });
    expect(parseAutopilotDevices(file([device(1)], 'Device Serial Number,Windows Product ID'))).toMatchObject(
      { error: { code: 'HEADER_MISMATCH' } },
    );
  });
});

describe('Autopilot rows', () => {
  it('accepts 500 rows and rejects 501 as a file error', () => {
    const ok = parseAutopilotDevices(file(Array.from({ length: 500 }, (_, i) => device(i))));
    expect(ok.kind === 'parsed' && [ok.rows.length, ok.errors.length]).toEqual([500, 0]);
    expect(parseAutopilotDevices(file(Array.from({ length: 501 }, (_, i) => device(i))))).toMatchObject({
      kind: 'rejected',
      error: { code: 'TOO_MANY_ROWS', limit: 500, line: 502 },
    });
  });

  it('rejects quotation marks even around a value that contains a comma', () => {
    const result = parseAutopilotDevices(file([`SN-1,,${HASH},"Sales, EMEA",`, `SN-2,,${HASH},"Sales",`]));
    expect(result).toMatchObject({
      kind: 'parsed',
      rows: [],
      errors: [
        { rowNumber: 2, column: 'Group Tag', rule: 'QUOTES_NOT_ALLOWED' },
        { rowNumber: 2, column: 'Assigned User', rule: 'QUOTES_NOT_ALLOWED' },
        { rowNumber: 2, column: null, rule: 'EXTRA_COLUMNS' },
        { rowNumber: 3, column: 'Group Tag', rule: 'QUOTES_NOT_ALLOWED' },
      ],
    });
  });

  it('rejects extra and missing columns', () => {
    expect(parseAutopilotDevices(file([`${device(1)},extra`, `SN-2,,${HASH}`]))).toMatchObject({
      rows: [],
      errors: [
        { rowNumber: 2, rule: 'EXTRA_COLUMNS' },
        { rowNumber: 3, rule: 'MISSING_COLUMNS' },
      ],
    });
  });

  it('keeps serials with spaces and dashes exactly and refuses outer whitespace', () => {
    const result = parseAutopilotDevices(file([`AB 12-C.3,,${HASH},,`, ` AB12,,${HASH},,`]));
    expect(result).toMatchObject({
      rows: [{ rowNumber: 2, serialNumber: 'AB 12-C.3' }],
      errors: [{ rowNumber: 3, column: 'Device Serial Number', rule: 'SERIAL_WHITESPACE' }],
    });
  });

  it('accepts Windows-1252 text such as é and € and rejects other characters and tabs', () => {
    const result = parseAutopilotDevices(
      file([`SN-1,,${HASH},Café €5,`, `SN-2,,${HASH},Łódź,`, `SN-3,,${HASH},a\tb,`]),
    );
    expect(result).toMatchObject({
      rows: [{ rowNumber: 2, groupTag: 'Café €5' }],
      errors: [
        {
          rowNumber: 3,
          column: 'Group Tag',
          rule: 'NON_ANSI_CHARACTER',
          message: 'Character U+0141 is not ANSI (Windows-1252) printable text',
        },
        { rowNumber: 4, column: 'Group Tag', rule: 'NON_ANSI_CHARACTER' },
      ],
    });
  });

  it('accepts a 2,048-character group tag and rejects 2,049', () => {
    const result = parseAutopilotDevices(
      file([`SN-1,,${HASH},${'g'.repeat(2_048)},`, `SN-2,,${HASH},${'g'.repeat(2_049)},`]),
    );
    expect(result).toMatchObject({
      rows: [{ rowNumber: 2 }],
      errors: [{ rowNumber: 3, column: 'Group Tag', rule: 'TOO_LONG' }],
    });
  });

  it('requires serial and base64 hash and a user principal name when a user is given', () => {
    const result = parseAutopilotDevices(file([`,,${HASH},,`, 'SN-2,,not base64!,,', `SN-3,,${HASH},,alex`]));
    expect(result).toMatchObject({
      rows: [],
      errors: [
        { rowNumber: 2, column: 'Device Serial Number', rule: 'REQUIRED' },
        { rowNumber: 3, column: 'Hardware Hash', rule: 'HASH_NOT_BASE64' },
        { rowNumber: 4, column: 'Assigned User', rule: 'INVALID_VALUE' },
      ],
    });
  });

  it('merges an identical repeated serial and flags a serial repeated with another hash', () => {
    const result = parseAutopilotDevices(file([device(1), device(1), device(2), `SN-2,,QUJD,,`]));
    expect(result).toMatchObject({
      rows: [{ rowNumber: 2, serialNumber: 'SN-1' }],
      errors: [
        { rowNumber: 4, rule: 'DUPLICATE_CONFLICT' },
        { rowNumber: 5, rule: 'DUPLICATE_CONFLICT' },
      ],
      notices: [{ rowNumber: 3, rule: 'DUPLICATE_IDENTICAL' }],
    });
  });

  it('rejects a file with a header and no devices', () => {
    expect(parseAutopilotDevices(`${HEADER}\r\n`)).toMatchObject({
      kind: 'rejected',
      error: { code: 'EMPTY_FILE' },
    });
  });
});
