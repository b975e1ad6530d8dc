import { describe, expect, it } from 'vitest';
import { readCsvRecords } from './csv-records.js';

const NO_HEADER = { headerRows: 0, maxDataRows: 10, quotes: true } as const;

describe('readCsvRecords', () => {
  it('splits CRLF, LF and CR endings even when mixed, leaving no stray carriage return', () => {
    expect(readCsvRecords('a,b\r\nc,d\ne,f\rg,h', NO_HEADER)).toEqual({
      ok: true,
      records: [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['c', 'd'] },
        { line: 3, fields: ['e', 'f'] },
        { line: 4, fields: ['g', 'h'] },
      ],
    });
  });

  it('skips blank lines and all-empty rows but numbers records by their text line', () => {
    expect(readCsvRecords('\na\n\n,,\n  b ,\n', NO_HEADER)).toEqual({
      ok: true,
      records: [
        { line: 2, fields: ['a'] },
        { line: 5, fields: ['  b ', ''] },
      ],
    });
  });

  it('honours RFC 4180 quotes when asked and keeps them as text otherwise', () => {
    expect(readCsvRecords('"x, y","say ""hi"""', NO_HEADER)).toEqual({
      ok: true,
      records: [{ line: 1, fields: ['x, y', 'say "hi"'] }],
    });
    expect(readCsvRecords('"x, y"', { ...NO_HEADER, quotes: false })).toEqual({
      ok: true,
      records: [{ line: 1, fields: ['"x', ' y"'] }],
    });
  });

  it('reports an unclosed quote as malformed CSV instead of throwing', () => {
    expect(readCsvRecords('a\n"b,c\n', NO_HEADER)).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_CSV' },
    });
  });

  it('counts the limit in data rows after the header and stops at limit + 1', () => {
    const rows = (n: number): string => ['H', ...Array.from({ length: n }, (_, i) => `r${i}`)].join('\n');
    const options = { headerRows: 1, maxDataRows: 3, quotes: false } as const;
    expect(readCsvRecords(rows(3), options)).toMatchObject({ ok: true, records: { length: 4 } });
    expect(readCsvRecords(rows(4), options)).toEqual({
      ok: false,
      error: {
        code: 'TOO_MANY_ROWS',
        message: 'File has more than 3 rows; split it into files of at most 3',
        limit: 3,
        actual: 4,
        line: 5,
      },
    });
    expect(readCsvRecords('H\n', options)).toMatchObject({ ok: false, error: { code: 'EMPTY_FILE' } });
  });
});
