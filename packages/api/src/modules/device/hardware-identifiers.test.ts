import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, normalizeImei, normalizeSerialNumber } from './hardware-identifiers.js';

describe('luhnCheckDigit', () => {
  it('computes the check digit of well-known IMEI bodies', () => {
    expect(luhnCheckDigit('49015420323751')).toBe(8);
    expect(luhnCheckDigit('35209900176148')).toBe(1);
    expect(luhnCheckDigit('35693803564380')).toBe(9);
    expect(luhnCheckDigit('01234567890123')).toBe(7);
    expect(luhnCheckDigit('00000000000000')).toBe(0);
  });

  it('throws on a non-digit body because that is a programming error', () => {
    expect(() => luhnCheckDigit('')).toThrow(RangeError);
    expect(() => luhnCheckDigit('1234a')).toThrow(RangeError);
  });
});

describe('normalizeImei', () => {
  it('accepts a 15-digit IMEI with a valid Luhn check digit unchanged', () => {
    expect(normalizeImei('490154203237518')).toEqual({ ok: true, value: '490154203237518' });
  });

  it('strips spaces and dashes before validating', () => {
    expect(normalizeImei(' 35-209900-176148-1 ')).toEqual({ ok: true, value: '352099001761481' });
    expect(normalizeImei('35 693803 564380 9')).toEqual({ ok: true, value: '356938035643809' });
  });

  it('completes a 14-digit IMEI, as in Intune’s doc example, with its check digit', () => {
    expect(normalizeImei('01234567890123')).toEqual({
      ok: true,
      value: '012345678901237',
      checkDigitAdded: true,
    });
  });

  it('rejects a wrong check digit and names the expected one', () => {
    const result = normalizeImei('490154203237519');
    expect(result).toMatchObject({ ok: false, rule: 'IMEI_CHECK_DIGIT' });
    expect(!result.ok && result.message).toContain('8');
  });

  it('rejects letters, periods and spreadsheet scientific notation as not digits', () => {
    for (const raw of ['49015420323751A', '4.90154E+14', '490154203.237518']) {
      expect(normalizeImei(raw)).toMatchObject({ ok: false, rule: 'IMEI_NOT_DIGITS' });
    }
  });

  it('rejects empty, short, 16-digit (IMEISV) and overlong values by length', () => {
    for (const raw of ['', '   ', '1234567890123', '4901542032375180', '49015420323751800']) {
      expect(normalizeImei(raw)).toMatchObject({ ok: false, rule: 'IMEI_LENGTH' });
    }
  });
});

describe('normalizeSerialNumber', () => {
  it('keeps case, inner spaces and dashes exactly', () => {
    expect(normalizeSerialNumber('C02ZX1ABMD6T')).toEqual({ ok: true, value: 'C02ZX1ABMD6T' });
    expect(normalizeSerialNumber('ab-12 Cd')).toEqual({ ok: true, value: 'ab-12 Cd' });
  });

  it('removes periods and trims only the outer whitespace', () => {
    expect(normalizeSerialNumber('  F9GT.2QXL.HG7K\t')).toEqual({ ok: true, value: 'F9GT2QXLHG7K' });
    expect(normalizeSerialNumber('. H4K7 PW2X9N')).toEqual({ ok: true, value: 'H4K7 PW2X9N' });
  });

  it('fails with SERIAL_EMPTY when nothing but periods or whitespace remains', () => {
    expect(normalizeSerialNumber('')).toMatchObject({ ok: false, rule: 'SERIAL_EMPTY' });
    expect(normalizeSerialNumber(' ... ')).toMatchObject({ ok: false, rule: 'SERIAL_EMPTY' });
  });

  it('accepts 128 characters and fails with SERIAL_TOO_LONG at 129', () => {
    expect(normalizeSerialNumber('S'.repeat(128))).toEqual({ ok: true, value: 'S'.repeat(128) });
    expect(normalizeSerialNumber('S'.repeat(129))).toMatchObject({ ok: false, rule: 'SERIAL_TOO_LONG' });
  });

  it('counts the length after periods are removed', () => {
    expect(normalizeSerialNumber(`${'S'.repeat(128)}...`)).toEqual({ ok: true, value: 'S'.repeat(128) });
  });

  it('quotes a long refused IMEI by its first 40 characters, not whole', () => {
    const result = normalizeImei('1'.repeat(100_000));
    expect(result).toMatchObject({ ok: false, rule: 'IMEI_LENGTH' });
    expect(!result.ok && result.message.length).toBeLessThan(200);
    expect(!result.ok && result.message).toContain('(100000 characters)');
  });
});
