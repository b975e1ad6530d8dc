import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { dateOf, isoTextOf } from './entity-rows.js';

describe('isoTextOf', () => {
  const json = (value: unknown) => JSON.stringify(value);
  const platform = new PostgreSqlPlatform();
  it('writes what the Date of the same driver text would be written as', () => {
    for (const text of [
      '2026-12-04 16:37:04.999999+00',
      '2026-12-04 16:37:04.1239+00',
      '2026-12-04 16:37:04.12+00',
      '2026-12-04 16:37:04.5+00',
      '2026-12-04 16:37:04+00',
      '0099-01-01 00:00:00+00',
      '9999-12-31 23:59:59.999+00',
      // Not PostgreSQL's UTC text: through a Date.
      '2026-12-04 17:37:04.25+01',
      '2026-12-04T16:37:04.250Z',
      '10000-01-01 00:00:00+00',
    ])
      expect(json(isoTextOf(platform, text)), text).toBe(json(dateOf(platform, text)));
    // PostgreSQL's UTC text becomes text; anything else stays a Date (the scalar writes it).
    expect(isoTextOf(platform, '2026-12-04 16:37:04.25+00')).toBe('2026-12-04T16:37:04.250Z');
    expect(isoTextOf(platform, '10000-01-01 00:00:00+00')).toBeInstanceOf(Date);
    const date = new Date('2026-12-04T16:37:04.250Z');
    expect(isoTextOf(platform, date)).toBe(date);
  });
});
