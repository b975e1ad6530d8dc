import { describe, expect, it } from 'vitest';
import { addDays, daysLeft, formatRelative, formatUtc, requirementLabel } from './format';

const now = new Date('2026-03-02T09:00:00.000Z');

describe('formatting', () => {
  it('shows instants in UTC to the second, whatever the browser time zone', () => {
    expect(formatUtc('2026-03-02T09:00:00.123+02:00')).toBe('2026-03-02 07:00:00 UTC');
    expect(formatUtc(null)).toBe('—');
    expect(formatUtc('garbage')).toBe('—');
  });

  it('describes how long ago or until an instant', () => {
    expect(formatRelative('2026-03-02T08:59:59.600Z', now)).toBe('just now');
    expect(formatRelative('2026-03-02T08:59:30.000Z', now)).toBe('30 s ago');
    expect(formatRelative('2026-03-02T08:57:00.000Z', now)).toBe('3 min ago');
    expect(formatRelative('2026-03-02T06:00:00.000Z', now)).toBe('3 h ago');
    expect(formatRelative('2026-03-12T09:00:00.000Z', now)).toBe('in 10 d');
  });

  it('counts whole days left, negative once expired', () => {
    expect(daysLeft('2026-03-03T08:59:59.000Z', now)).toBe(0);
    expect(daysLeft('2026-03-04T09:00:00.000Z', now)).toBe(2);
    expect(daysLeft('2026-03-01T09:00:00.000Z', now)).toBe(-1);
  });

  it('adds whole UTC days across a leap day', () => {
    expect(addDays('2028-01-01T00:00:00.000Z', 180)).toBe('2028-06-29T00:00:00.000Z');
  });

  it('writes seed cells as the seed does', () => {
    expect(['YES', 'NO', 'OPTIONAL'].map(requirementLabel)).toEqual(['Yes', 'No', 'Optional']);
  });
});
