import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant, TICKS_PER_MS } from './instants.js';

const ticksOf = (utcMs: number, subMsTicks: bigint): bigint => BigInt(utcMs) * TICKS_PER_MS + subMsTicks;

describe('parseInstant', () => {
  it('reads a Graph timestamp with offset and 7 fractional digits to exact 100-ns ticks', () => {
    const raw = '2016-12-31T23:58:46.7156189-08:00';
    expect(parseInstant(raw)).toEqual({
      raw,
      ticks: ticksOf(Date.UTC(2017, 0, 1, 7, 58, 46, 715), 6189n),
      date: new Date('2017-01-01T07:58:46.715Z'),
      offsetMinutes: -480,
    });
  });

  it('reads fewer fractional digits as a decimal fraction', () => {
    expect(parseInstant('2016-12-31T23:59:43.797191-08:00')?.ticks).toBe(
      ticksOf(Date.UTC(2017, 0, 1, 7, 59, 43, 797), 1910n),
    );
    expect(parseInstant('2025-02-18T15:43:38Z')?.ticks).toBe(ticksOf(Date.UTC(2025, 1, 18, 15, 43, 38), 0n));
  });

  it('handles dates before 1970 and year 0001 without mapping years below 100 to the 1900s', () => {
    const year1 = parseInstant('0001-01-01T00:00:00Z');
    expect(year1?.date.getUTCFullYear()).toBe(1);
    expect(year1?.ticks).toBe(-621_355_968_000_000_000n);
    expect(parseInstant('1969-12-31T23:59:59.9999999Z')?.ticks).toBe(-1n);
    expect(parseInstant('1969-12-31T23:59:59.9999999Z')?.date.getTime()).toBe(-1);
  });

  it('rejects impossible dates, leap seconds, missing offsets and more than 7 fractional digits', () => {
    for (const raw of [
      '2025-02-29T00:00:00Z',
      '2025-04-31T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2016-12-31T23:59:60Z',
      '2025-01-01T00:00:00',
      '2025-01-01 00:00:00Z',
      '2025-01-01T00:00:00.12345678Z',
      '2025-01-01T00:00:00+24:00',
      '',
      'yesterday',
      '0',
    ]) {
      expect(parseInstant(raw), raw).toBeNull();
    }
    expect(parseInstant('2024-02-29T00:00:00Z')).not.toBeNull();
  });
});

describe('formatInstant', () => {
  it('round-trips a 7-digit Graph timestamp to the identical string', () => {
    for (const raw of [
      '2016-12-31T23:58:46.7156189-08:00',
      '2017-01-01T00:02:49.3205976-08:00',
      '2016-12-31T23:57:59.9789653-08:00',
      '2020-06-30T12:00:00.0000001+05:30',
      '1969-12-31T23:59:59.9999999-01:00',
    ]) {
      const instant = parseInstant(raw);
      expect(instant && formatInstant(instant.ticks, instant.offsetMinutes)).toBe(raw);
    }
  });

  it('writes UTC with Z and always 7 fractional digits', () => {
    const instant = parseInstant('2016-12-31T23:59:43.797191-08:00');
    expect(instant && formatInstant(instant.ticks)).toBe('2017-01-01T07:59:43.7971910Z');
    expect(formatInstant(-621_355_968_000_000_000n)).toBe('0001-01-01T00:00:00.0000000Z');
  });
});
