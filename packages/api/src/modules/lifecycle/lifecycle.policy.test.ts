import { describe, expect, it } from 'vitest';
import { certificateStatus, isInRenewalWindow } from '../certificate/certificate-status.js';
import { DAY_MS, fixedClock } from '../../shared/clock.js';
import { addValidity } from '../certificate/validity.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import { daysUntil, lifecyclePolicy, numbered, questionMarks } from './lifecycle.policy.js';

const notAfter = new Date('2027-06-15T12:00:00Z');
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
const DAY = DAY_MS;

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

const policy = lifecyclePolicy({
  expiringThresholdsDays: [7, 30, 1],
  renewalWindowDays: 14,
  removalAfterExpiryDays: 180,
});
const live = { notAfter, status: MdmCertificateStatus.valid };
const revoked = { notAfter, status: MdmCertificateStatus.revoked };

describe('LifecyclePolicy', () => {
  it('uses the largest threshold as the expiring window, whatever the order they were configured in', () => {
    expect(policy.thresholdsDays).toEqual([30, 7, 1]);
    expect(policy.expiringWindowDays).toBe(30);
    expect(policy.status(live, plus(notAfter, -30 * DAY))).toBe(MdmCertificateStatus.valid);
    expect(policy.status(live, plus(notAfter, -30 * DAY + 1000))).toBe(MdmCertificateStatus.expiring);
  });

  it('derives status from notAfter and time, except a recorded revocation, which wins', () => {
    expect(policy.status(live, plus(notAfter, 1000))).toBe(MdmCertificateStatus.expired);
    expect(policy.status(revoked, plus(notAfter, -90 * DAY))).toBe(MdmCertificateStatus.revoked);
  });

  it('never reports the expiring state when no threshold is configured', () => {
    const none = lifecyclePolicy({
      expiringThresholdsDays: [],
      renewalWindowDays: 0,
      removalAfterExpiryDays: 0,
    });
    expect(none.status(live, notAfter)).toBe(MdmCertificateStatus.valid);
    expect(none.thresholdDays(live, notAfter)).toBeNull();
  });

  it('names the smallest threshold the certificate is inside, and none once expired or revoked', () => {
    expect(policy.thresholdDays(live, plus(notAfter, -31 * DAY))).toBeNull();
    expect(policy.thresholdDays(live, plus(notAfter, -8 * DAY))).toBe(30);
    expect(policy.thresholdDays(live, plus(notAfter, -7 * DAY + 1000))).toBe(7);
    expect(policy.thresholdDays(live, notAfter)).toBe(1);
    expect(policy.thresholdDays(live, plus(notAfter, 1000))).toBeNull();
    expect(policy.thresholdDays(revoked, notAfter)).toBeNull();
  });

  it('opens the renewal window CERT_RENEWAL_WINDOW_DAYS before notAfter, independently of the thresholds', () => {
    expect(policy.renewalDue(notAfter, plus(notAfter, -14 * DAY))).toBe(false);
    expect(policy.renewalDue(notAfter, plus(notAfter, -14 * DAY + 1000))).toBe(true);
    expect(policy.renewalDue(notAfter, plus(notAfter, 1000))).toBe(false);
  });

  it('gives the expiring window as whole-second instants [now, now + days)', () => {
    const now = new Date('2027-01-01T00:00:00.750Z');
    expect(policy.expiringWindow(now)).toEqual({
      from: new Date('2027-01-01T00:00:00Z'),
      until: new Date('2027-01-31T00:00:00Z'),
    });
    expect(policy.expiringWindow(now, 7).until).toEqual(new Date('2027-01-08T00:00:00Z'));
  });

  it('removes a device 180 days after its certificate expired (Intune), one second after its removal date', () => {
    const removal = policy.removalDate(notAfter);
    expect(removal.getTime() - notAfter.getTime()).toBe(180 * DAY);
    expect(policy.removalDue(notAfter, removal)).toBe(false);
    expect(policy.removalDue(notAfter, plus(removal, 999))).toBe(false);
    expect(policy.removalDue(notAfter, plus(removal, 1000))).toBe(true);
    expect(policy.removalCutoff(plus(removal, 1500))).toEqual(plus(notAfter, 1000));
  });

  it('counts whole days left the same way as the status does', () => {
    expect(policy.daysLeft(notAfter, plus(notAfter, -30 * DAY + 1000))).toBe(29);
    expect(policy.daysLeft(notAfter, plus(notAfter, 1000))).toBe(-1);
  });
});

describe('LifecyclePolicy SQL fragments', () => {
  it('bind the same whole-second instants as the TypeScript rules, with ? or $n placeholders', () => {
    const now = new Date('2027-01-01T00:00:00.750Z');
    const values: unknown[] = [];
    const text = policy.sql.expiring('c.not_after', now, questionMarks(values));
    expect(text).toBe('c.not_after >= ?::timestamptz and c.not_after < ?::timestamptz');
    expect(values).toEqual([policy.expiringWindow(now).from, policy.expiringWindow(now).until]);

    const numberedValues: unknown[] = ['first'];
    expect(policy.sql.removalDue('d.x', now, numbered(numberedValues))).toBe('d.x < $2::timestamptz');
    expect(numberedValues[1]).toEqual(policy.removalCutoff(now));
  });

  it('orders the status CASE as the precedence revoked > expired > expiring > valid', () => {
    const values: unknown[] = [];
    const text = policy.sql.status('c.not_after', "c.status = 'revoked'", notAfter, questionMarks(values));
    expect(text.indexOf("'revoked'")).toBeLessThan(text.indexOf("'expired'"));
    expect(text.indexOf("'expired'")).toBeLessThan(text.indexOf("'expiring'"));
    expect(values).toEqual([notAfter, plus(notAfter, 30 * DAY)]);
  });

  it('builds the threshold CASE smallest threshold first, in exact seconds', () => {
    expect(policy.sql.thresholdAt('c.not_after', '$1')).toBe(
      "case when c.not_after < $1 + interval '86400 seconds' then 1 when c.not_after < $1 + interval '604800 seconds' then 7 when c.not_after < $1 + interval '2592000 seconds' then 30 end",
    );
  });
});
