import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfiguratorSerials } from './configurator-serials.parser.js';

const SAMPLES =
  process.env.SAMPLES_DIR ?? fileURLToPath(new URL('../../../../../../../shared/samples/', import.meta.url));
const serials = (count: number): string =>
  Array.from({ length: count }, (_, i) => `DMQ${String(i).padStart(7, '0')},cart\r\n`).join('');

describe('Apple Configurator serial lists', () => {
  it('reads a serial,details list such as the corporate serial sample', () => {
    expect(parseConfiguratorSerials(readFileSync(path.join(SAMPLES, 'intune-corpid-serial.csv')))).toEqual({
      kind: 'parsed',
      rows: [
        { rowNumber: 1, serialNumber: 'C02ZX1ABMD6T', details: 'MacBook Pro loaner' },
        { rowNumber: 2, serialNumber: 'F9GT2QXLHG7K', details: 'iPad cart 3' },
        { rowNumber: 3, serialNumber: 'H4K7PW2X9N', details: 'iPhone 15 pool (new 10-char format)' },
      ],
      errors: [],
      notices: [],
    });
  });

  it('accepts 5,000 rows and rejects 5,001', () => {
    const ok = parseConfiguratorSerials(serials(5_000));
    expect(ok.kind === 'parsed' && ok.rows.length).toBe(5_000);
    expect(parseConfiguratorSerials(serials(5_001))).toMatchObject({
      kind: 'rejected',
      error: { code: 'TOO_MANY_ROWS', limit: 5_000 },
    });
  });

  it('removes periods with a notice, leaves out empty details and reports empty serials and long details', () => {
    expect(
      parseConfiguratorSerials(`F9GT.2QXL.HG7K,\n ,orphan detail\nDMQX4T8LP2,${'d'.repeat(129)}\n`),
    ).toEqual({
      kind: 'parsed',
      rows: [{ rowNumber: 1, serialNumber: 'F9GT2QXLHG7K' }],
      errors: [
        { rowNumber: 2, column: 'serial', rule: 'SERIAL_EMPTY', message: 'Serial number is empty' },
        {
          rowNumber: 3,
          column: 'details',
          rule: 'DETAILS_TOO_LONG',
          message: 'details has 129 characters; at most 128',
        },
      ],
      notices: [
        {
          rowNumber: 1,
          column: 'serial',
          rule: 'SERIAL_PERIODS_REMOVED',
          message: 'periods removed from serial number "F9GT.2QXL.HG7K": F9GT2QXLHG7K',
        },
      ],
    });
  });

  it('rejects an empty file', () => {
    expect(parseConfiguratorSerials('')).toMatchObject({ kind: 'rejected', error: { code: 'EMPTY_FILE' } });
  });
});
