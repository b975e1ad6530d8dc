import { describe, expect, it } from 'vitest';
import { EnrollmentMethodKind as M } from '../catalog/enrollment-method-kind.enum.js';
import {
  countedForUserLimitSql,
  countsAgainstUserLimit,
  DEFAULT_DEVICE_LIMIT,
  demAccountCapReached,
  demDeviceCapReached,
  MAX_DEM_ACCOUNTS,
  userLimitReached,
} from './device-limits.policy.js';

describe('device limits policy', () => {
  it("allows 5 devices per user by default, as Graph's default device limit restriction", () => {
    expect(DEFAULT_DEVICE_LIMIT).toBe(5);
    expect(userLimitReached(4, DEFAULT_DEVICE_LIMIT)).toBe(false);
    expect(userLimitReached(5, DEFAULT_DEVICE_LIMIT)).toBe(true);
  });

  it('does not count DEM, Windows bulk and DEP enrollments against the user limit, and counts every other method', () => {
    expect(countsAgainstUserLimit(M.DEM)).toBe(false);
    expect(countsAgainstUserLimit(M.BULK_ENROLL)).toBe(false);
    expect(countsAgainstUserLimit(M.DEP)).toBe(false);
    for (const method of [M.BYOD, M.ANDROID_FOR_WORK, M.AUTO_ENROLL, M.USB_SA, M.USB_DIRECT])
      expect(countsAgainstUserLimit(method)).toBe(true);
  });

  it('counts, in SQL, only active devices of counted methods', () => {
    expect(countedForUserLimitSql()).toBe(
      `"management_state" not in ('retired', 'wiped') and "enrollment_method" not in ('DEM', 'BULK_ENROLL', 'DEP')`,
    );
  });

  it('refuses the DEM device that would go past the cap, not the one that reaches it', () => {
    expect(demDeviceCapReached(999, 1000)).toBe(false);
    expect(demDeviceCapReached(1000, 1000)).toBe(true);
  });

  it('allows at most 150 device enrollment manager accounts', () => {
    expect(MAX_DEM_ACCOUNTS).toBe(150);
    expect(demAccountCapReached(149)).toBe(false);
    expect(demAccountCapReached(150)).toBe(true);
  });
});
