import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../../test/support/fixtures.js';
import { parseCorporateIdentifiers } from './corporate-identifiers.parser.js';
import { FIVE_MB } from './text-decoding.js';

const imeiRows = (count: number): string =>
  Array.from({ length: count }, (_, i) => `${String(35_209_900_000_000 + i)},pool ${i}\n`).join('');

describe('Intune corporate identifier files', () => {
  it("completes 14-digit IMEIs (as Intune's own example writes them) with their check digits", () => {
    expect(parseCorporateIdentifiers(fixture('corporate-imei-14-digit.csv'), 'IMEI')).toEqual({
      kind: 'parsed',
      rows: [
        { rowNumber: 1, identifierType: 'IMEI', identifier: '358472091135722', details: 'Reception tablets' },
        { rowNumber: 2, identifierType: 'IMEI', identifier: '358472091135805', details: 'Reception tablets' },
      ],
      errors: [],
      notices: [
        {
          rowNumber: 1,
          column: 'imei',
          rule: 'IMEI_CHECK_DIGIT_ADDED',
          message: '14-digit IMEI 35847209113572 completed with its check digit: 358472091135722',
        },
        {
          rowNumber: 2,
          column: 'imei',
          rule: 'IMEI_CHECK_DIGIT_ADDED',
          message: '14-digit IMEI 35847209113580 completed with its check digit: 358472091135805',
        },
      ],
    });
  });

  it('reads realistic 15-digit IMEIs, leaving out empty details', () => {
    expect(parseCorporateIdentifiers(fixture('corporate-imei.csv'), 'IMEI')).toEqual({
      kind: 'parsed',
      rows: [
        {
          rowNumber: 1,
          identifierType: 'IMEI',
          identifier: '353322110447167',
          details: 'Field service phones',
        },
        {
          rowNumber: 2,
          identifierType: 'IMEI',
          identifier: '358754061277307',
          details: 'Loading dock scanner 2',
        },
        { rowNumber: 3, identifierType: 'IMEI', identifier: '352906120588431' },
      ],
      errors: [],
      notices: [],
    });
  });

  it('reads 12- and 10-character Apple serial numbers', () => {
    expect(parseCorporateIdentifiers(fixture('corporate-serial.csv'), 'SERIAL')).toEqual({
      kind: 'parsed',
      rows: [
        {
          rowNumber: 1,
          identifierType: 'SERIAL',
          identifier: 'G8WN3KQ7PL2D',
          details: 'Design studio MacBook Air',
        },
        {
          rowNumber: 2,
          identifierType: 'SERIAL',
          identifier: 'J2RX9TV4MH6C',
          details: 'Classroom iPad trolley 1',
        },
        {
          rowNumber: 3,
          identifierType: 'SERIAL',
          identifier: 'Q7L4MD2X8K',
          details: 'iPhone 16 pool (10-character serial)',
        },
      ],
      errors: [],
      notices: [],
    });
  });

  it('reads Windows manufacturer, model and serial rows keeping their case', () => {
    expect(parseCorporateIdentifiers(fixture('corporate-windows.csv'), 'WINDOWS')).toEqual({
      kind: 'parsed',
      rows: [
        {
          rowNumber: 1,
          identifierType: 'WINDOWS',
          identifier: '7QZ4K83',
          manufacturer: 'Dell',
          model: 'latitude 7450',
        },
        {
          rowNumber: 2,
          identifierType: 'WINDOWS',
          identifier: '5CD4210XQP',
          manufacturer: 'HP',
          model: 'elitebook 840 g11',
        },
      ],
      errors: [],
      notices: [],
    });
  });

  it('gives the same rows for a file saved with a BOM and CRLF, or handed over as a string', () => {
    const text = fixture('corporate-imei.csv').toString('utf8');
    const expected = parseCorporateIdentifiers(text, 'IMEI');
    expect(parseCorporateIdentifiers(`\uFEFF${text.replace(/\n/g, '\r\n')}`, 'IMEI')).toEqual(expected);
    expect(parseCorporateIdentifiers(Buffer.from(`\uFEFF${text}`), 'IMEI')).toEqual(expected);
  });

  it('rejects a file saved as UTF-16', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(fixture('corporate-serial.csv').toString(), 'utf16le'),
    ]);
    expect(parseCorporateIdentifiers(utf16, 'SERIAL')).toMatchObject({
      kind: 'rejected',
      error: { code: 'UNSUPPORTED_ENCODING' },
    });
  });
});

describe('limits', () => {
  it('accepts 5,000 rows and rejects 5,001 as a file error', () => {
    const accepted = parseCorporateIdentifiers(imeiRows(5_000), 'IMEI');
    expect(accepted.kind === 'parsed' && [accepted.rows.length, accepted.errors.length]).toEqual([5_000, 0]);
    expect(parseCorporateIdentifiers(imeiRows(5_001), 'IMEI')).toMatchObject({
      kind: 'rejected',
      error: { code: 'TOO_MANY_ROWS', limit: 5_000, line: 5_001 },
    });
  });

  it('does not count blank lines towards the row limit', () => {
    const result = parseCorporateIdentifiers(`${imeiRows(5_000)}\n\n,\n`, 'IMEI');
    expect(result.kind === 'parsed' && result.rows.length).toBe(5_000);
  });

  it('accepts a file of exactly 5 MiB and rejects one byte more before parsing', () => {
    const row = '490154203237518,x\n';
    const exact = row + '\n'.repeat(FIVE_MB - row.length);
    expect(parseCorporateIdentifiers(exact, 'IMEI')).toMatchObject({
      kind: 'parsed',
      rows: [{ identifier: '490154203237518' }],
    });
    expect(parseCorporateIdentifiers(`${exact}\n`, 'IMEI')).toMatchObject({
      kind: 'rejected',
      error: { code: 'FILE_TOO_LARGE', limit: 5_242_880, actual: 5_242_881 },
    });
  });

  it('accepts 128-character details and rejects 129, counting characters rather than bytes', () => {
    const result = parseCorporateIdentifiers(
      `490154203237518,${'é'.repeat(128)}\n352099001761481,${'d'.repeat(129)}\n`,
      'IMEI',
    );
    expect(result).toMatchObject({
      kind: 'parsed',
      rows: [{ rowNumber: 1, details: 'é'.repeat(128) }],
      errors: [{ rowNumber: 2, column: 'details', rule: 'DETAILS_TOO_LONG' }],
    });
  });
});

describe('row rules', () => {
  it('reports each bad row with its line, column and rule and keeps the good rows', () => {
    const csv = [
      '490154203237519,bad check digit',
      '4.90154E+14,excel',
      '',
      '12345,short',
      '35-209900-176148-1 , spaced ',
    ].join('\n');
    expect(parseCorporateIdentifiers(csv, 'IMEI')).toMatchObject({
      kind: 'parsed',
      rows: [{ rowNumber: 5, identifier: '352099001761481', details: 'spaced' }],
      errors: [
        { rowNumber: 1, column: 'imei', rule: 'IMEI_CHECK_DIGIT' },
        { rowNumber: 2, column: 'imei', rule: 'IMEI_NOT_DIGITS' },
        { rowNumber: 4, column: 'imei', rule: 'IMEI_LENGTH' },
      ],
    });
  });

  it('accepts a quoted detail containing a comma but rejects a third field', () => {
    const result = parseCorporateIdentifiers('C02ZX1ABMD6T,"Loaner, floor 2"\nF9GT2QXLHG7K,a,b\n', 'SERIAL');
    expect(result).toMatchObject({
      kind: 'parsed',
      rows: [{ identifier: 'C02ZX1ABMD6T', details: 'Loaner, floor 2' }],
      errors: [{ rowNumber: 2, column: null, rule: 'COLUMN_COUNT' }],
    });
  });

  it('removes periods from serial numbers, also in Windows rows, and requires manufacturer and model', () => {
    expect(parseCorporateIdentifiers('C02.ZX1.ABMD6T\n', 'SERIAL')).toMatchObject({
      rows: [{ identifier: 'C02ZX1ABMD6T' }],
    });
    expect(
      parseCorporateIdentifiers('Dell,,AB.12\nDell,Latitude 7440,AB.12\nDell,Latitude\n', 'WINDOWS'),
    ).toMatchObject({
      rows: [{ rowNumber: 2, identifier: 'AB12', manufacturer: 'Dell', model: 'Latitude 7440' }],
      errors: [
        { rowNumber: 1, column: 'model', rule: 'REQUIRED' },
        { rowNumber: 3, rule: 'COLUMN_COUNT' },
      ],
    });
  });

  it('rejects malformed CSV with the line of the problem, and a file without rows', () => {
    expect(parseCorporateIdentifiers('C02ZX1ABMD6T,ok\nF9GT2QXLHG7K,"open\n', 'SERIAL')).toMatchObject({
      kind: 'rejected',
      error: { code: 'MALFORMED_CSV' },
    });
    expect(parseCorporateIdentifiers('\r\n\r\n', 'SERIAL')).toMatchObject({
      kind: 'rejected',
      error: { code: 'EMPTY_FILE' },
    });
  });
});

describe('duplicates within one file', () => {
  it('keeps one row for an identifier repeated with the same details and notes the repeat', () => {
    const result = parseCorporateIdentifiers('490154203237518,A\n49015420323751,A\n', 'IMEI');
    expect(result).toMatchObject({
      kind: 'parsed',
      rows: [{ rowNumber: 1, identifier: '490154203237518', details: 'A' }],
      errors: [],
      notices: [
        { rowNumber: 2, rule: 'IMEI_CHECK_DIGIT_ADDED' },
        {
          rowNumber: 2,
          column: 'imei',
          rule: 'DUPLICATE_IDENTICAL',
          message: '490154203237518 repeats row 1 with the same data; imported once',
        },
      ],
    });
  });

  it('keeps the first row of an identifier repeated with different details and notes the others', () => {
    const result = parseCorporateIdentifiers(
      'C02ZX1ABMD6T,A\nF9GT2QXLHG7K,B\nC02ZX1ABMD6T,C\nC02ZX1ABMD6T\n',
      'SERIAL',
    );
    const message = 'C02ZX1ABMD6T repeats row 1 with different data; the first row wins, this one is ignored';
    expect(result).toEqual({
      kind: 'parsed',
      rows: [
        { rowNumber: 1, identifierType: 'SERIAL', identifier: 'C02ZX1ABMD6T', details: 'A' },
        { rowNumber: 2, identifierType: 'SERIAL', identifier: 'F9GT2QXLHG7K', details: 'B' },
      ],
      errors: [],
      notices: [3, 4].map((rowNumber) => ({
        rowNumber,
        column: 'serial',
        rule: 'DUPLICATE_IGNORED',
        message,
      })),
    });
  });

  it('treats serials that differ only in case as one identifier, keeping the first spelling', () => {
    const result = parseCorporateIdentifiers('abc123,x\nABC123,x\n', 'SERIAL');
    expect(result).toMatchObject({
      kind: 'parsed',
      rows: [{ rowNumber: 1, identifier: 'abc123' }],
      notices: [{ rowNumber: 2, rule: 'DUPLICATE_IDENTICAL' }],
    });
  });
});

describe('files as admins export them (fixtures in test/fixtures/imports)', () => {
  const fixture = (name: string): Buffer =>
    readFileSync(new URL(`../../../../test/fixtures/imports/${name}`, import.meta.url));

  it('skips the header row, merges case variants, keeps the first of duplicates and refuses placeholders', () => {
    const result = parseCorporateIdentifiers(fixture('intune-serials-with-header.csv'), 'SERIAL');
    if (result.kind !== 'parsed') throw new Error('expected a parsed file');
    expect(result.rows.map((r) => [r.rowNumber, r.identifier, r.details ?? null])).toEqual([
      [2, 'C02ZX1ABMD6T', 'Design team MacBook Pro'],
      [4, 'F9GT2QXLHG7K', 'Reception iPad'],
      [5, 'K9W3XH2M7Q', 'Sales iPhone 14'],
      [10, 'DMPXK2ABCD12', null],
    ]);
    expect(result.errors.map((e) => [e.rowNumber, e.rule])).toEqual([
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
  });

  it('reports every IMEI normalisation and keeps the first row of an IMEI written twice', () => {
    const result = parseCorporateIdentifiers(fixture('intune-imeis-with-header.csv'), 'IMEI');
    if (result.kind !== 'parsed') throw new Error('expected a parsed file');
    expect(result.rows.map((r) => [r.rowNumber, r.identifier])).toEqual([
      [2, '352099001761481'],
      [3, '356938035643809'],
      [4, '490154203237518'],
    ]);
    expect(result.errors.map((e) => [e.rowNumber, e.rule])).toEqual([[5, 'PLACEHOLDER_IDENTIFIER']]);
    expect(result.notices.map((n) => [n.rowNumber, n.rule])).toEqual([
      [1, 'HEADER_ROW_SKIPPED'],
      [2, 'IMEI_SEPARATORS_REMOVED'],
      [3, 'IMEI_SEPARATORS_REMOVED'],
      [6, 'DUPLICATE_IGNORED'],
    ]);
  });

  it('recognises the Windows header and compares Windows serials without case', () => {
    const result = parseCorporateIdentifiers(fixture('intune-windows-with-header.csv'), 'WINDOWS');
    if (result.kind !== 'parsed') throw new Error('expected a parsed file');
    expect(result.rows.map((r) => [r.rowNumber, r.manufacturer, r.identifier])).toEqual([
      [2, 'Microsoft Corporation', '0F3A6B2C1D'],
      [3, 'Dell Inc.', '7H2KQ34'],
    ]);
    expect(result.errors.map((e) => [e.rowNumber, e.rule])).toEqual([[5, 'PLACEHOLDER_IDENTIFIER']]);
    expect(result.notices.map((n) => [n.rowNumber, n.rule])).toEqual([
      [1, 'HEADER_ROW_SKIPPED'],
      [2, 'SERIAL_PERIODS_REMOVED'],
      [4, 'DUPLICATE_IDENTICAL'],
    ]);
  });

  it('reads a first row that is a real serial as data, not as a header', () => {
    const result = parseCorporateIdentifiers('SERIAL1234,Serial Number\n', 'SERIAL');
    expect(result).toMatchObject({ kind: 'parsed', rows: [{ identifier: 'SERIAL1234' }], notices: [] });
  });
});
