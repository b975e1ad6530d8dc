import { describe, expect, it } from 'vitest';
import { certificateStatus, daysUntil, isInRenewalWindow } from './certificate-status.js';
import { fixedClock } from '../../shared/clock.js';
import { addValidity } from './validity.js';

const notAfter = new Date('2027-06-15T12:00:00Z');
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
const DAY = 86_400_000;

describe('certificateStatus', () => {
  it('is valid exactly at notAfter, because the X.509 validity period includes notAfter', () => {
    expect(certificateStatus({ notAfter, now: notAfter, expiringWithinDays: 0 })).toBe('valid');
  });

  it('stays valid for the rest of the notAfter second, since X.509 times have whole-second precision', () => {
    expect(certificateStatus({ notAfter, now: plus(notAfter, 999), expiringWithinDays: 0 })).toBe('valid');
  });

  it('is expired one second after notAfter', () => {
    expect(certificateStatus({ notAfter, now: plus(notAfter, 1000) })).toBe('expired');
  });

  it('is valid when exactly the threshold remains, and expiring from one second later', () => {
    expect(certificateStatus({ notAfter, now: plus(notAfter, -30 * DAY) })).toBe('valid');
    expect(certificateStatus({ notAfter, now: plus(notAfter, -30 * DAY + 1000) })).toBe('expiring');
  });

  it('is expiring (not expired) exactly at notAfter with the default threshold', () => {
    expect(certificateStatus({ notAfter, now: notAfter })).toBe('expiring');
  });

  it('uses a custom expiring threshold when one is given', () => {
    expect(certificateStatus({ notAfter, now: plus(notAfter, -10 * DAY), expiringWithinDays: 7 })).toBe(
      'valid',
    );
    expect(certificateStatus({ notAfter, now: plus(notAfter, -6 * DAY), expiringWithinDays: 7 })).toBe(
      'expiring',
    );
  });

  it('reports revoked over every other state, including expired', () => {
    const revokedAt = plus(notAfter, -100 * DAY);
    expect(certificateStatus({ notAfter, revokedAt, now: plus(notAfter, -90 * DAY) })).toBe('revoked');
    expect(certificateStatus({ notAfter, revokedAt, now: plus(notAfter, 5 * DAY) })).toBe('revoked');
  });

  it('treats a null revokedAt as not revoked', () => {
    expect(certificateStatus({ notAfter, revokedAt: null, now: plus(notAfter, -90 * DAY) })).toBe('valid');
  });

  it('works with time read from an injected clock', () => {
    const clock = fixedClock(plus(notAfter, 2000));
    expect(certificateStatus({ notAfter, now: clock.now() })).toBe('expired');
  });
});

describe('isInRenewalWindow', () => {
  it('opens one second after exactly windowDays remain, and is closed at exactly windowDays', () => {
    expect(isInRenewalWindow(notAfter, plus(notAfter, -30 * DAY + 1000))).toBe(true);
    expect(isInRenewalWindow(notAfter, plus(notAfter, -30 * DAY))).toBe(false);
  });

  it('is never open with a zero-day window', () => {
    expect(isInRenewalWindow(notAfter, notAfter, 0)).toBe(false);
  });

  it('is still open at notAfter and closed once the certificate has expired', () => {
    expect(isInRenewalWindow(notAfter, notAfter)).toBe(true);
    expect(isInRenewalWindow(notAfter, plus(notAfter, 1000))).toBe(false);
  });

  it('honours a custom window size', () => {
    expect(isInRenewalWindow(notAfter, plus(notAfter, -13 * DAY), 14)).toBe(true);
    expect(isInRenewalWindow(notAfter, plus(notAfter, -15 * DAY), 14)).toBe(false);
  });

  it('rejects a negative window', () => {
    expect(() => isInRenewalWindow(notAfter, notAfter, -1)).toThrow(RangeError);
  });
});

describe('daysUntil', () => {
  it('counts whole days remaining, rounding down', () => {
    expect(daysUntil(notAfter, plus(notAfter, -30 * DAY))).toBe(30);
    expect(daysUntil(notAfter, plus(notAfter, -30 * DAY + 1000))).toBe(29);
  });

  it('is zero at notAfter and negative from one second after', () => {
    expect(daysUntil(notAfter, notAfter)).toBe(0);
    expect(daysUntil(notAfter, plus(notAfter, 1000))).toBe(-1);
  });
});

describe('addValidity', () => {
  it('adds 365 days of 86 400 s to 29 Feb 2028, landing on 28 Feb 2029 at the same time of day', () => {
    expect(addValidity(new Date('2028-02-29T10:30:45.678Z'), 365).toISOString()).toBe(
      '2029-02-28T10:30:45.000Z',
    );
  });

  it('counts a leap day as a day when the span crosses it', () => {
    expect(addValidity(new Date('2028-01-01T00:00:00Z'), 365).toISOString()).toBe('2028-12-31T00:00:00.000Z');
  });

  it('rejects zero, negative and fractional validity', () => {
    for (const days of [0, -1, 1.5, Number.NaN])
      expect(() => addValidity(notAfter, days)).toThrow(RangeError);
  });
});
