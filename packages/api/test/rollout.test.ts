import {
  CheckInDocument,
  CreateEnrollmentRestrictionDocument,
  DeviceFreshnessDocument,
  EnrollDeviceDocument,
  EnrollmentFailureAttemptsDocument,
  EnrollmentFailuresDocument,
  RolloutActivityDocument,
  SetUserGroupsDocument,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/shared/clock.js';
import { byodInput, uniqueGroup, uniqueUpn } from './support/builders.js';
import { enrollDevice, signedCheckIn } from './support/device-credential.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe('the rollout read model: activity with failures, failed enrollments by cause, device freshness', () => {
  let gateway: TestGateway;
  let restrictionName: string;
  let blockedUpn: string;
  beforeAll(async () => {
    // A clock of its own, far from other test files' activity in the shared database.
    gateway = await startTestGateway({ clock: new ManualClock(new Date('2033-05-20T10:00:30.000Z')) });
    const group = uniqueGroup();
    blockedUpn = uniqueUpn();
    await gateway.query(SetUserGroupsDocument, { userPrincipalName: blockedUpn, groups: [group] });
    restrictionName = `No personal iOS ${group}`;
    const { createEnrollmentRestriction: r } = await gateway.query(CreateEnrollmentRestrictionDocument, {
      input: {
        displayName: restrictionName,
        kind: 'PLATFORM',
        platform: 'IOS',
        personalDeviceEnrollmentBlocked: true,
        targetGroups: [group],
        priority: 9_000 + Math.floor(Math.random() * 900),
      },
    });
    expect(r.__typename).toBe('CreateEnrollmentRestrictionSuccess');
  });
  afterAll(() => gateway.stop());

  const refusedEnrollment = async () => {
    const { enrollDevice: result } = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ userPrincipalName: blockedUpn, deviceName: 'Blocked iPhone' }),
    });
    expect(result).toMatchObject({ code: 'ENROLLMENT_RESTRICTED' });
  };

  it('counts enrollments, check-ins and refused enrollments per bucket and marks the current one partial', async () => {
    const { credential } = await enrollDevice(gateway);
    await refusedEnrollment();
    gateway.clock.advance(MINUTE);
    await gateway.query(CheckInDocument, { input: signedCheckIn(credential, gateway.clock.now()) });
    await refusedEnrollment();
    await refusedEnrollment();

    const { rolloutActivity } = await gateway.query(RolloutActivityDocument, {
      rangeMinutes: 15,
      bucketMinutes: 1,
    });
    expect(rolloutActivity).toHaveLength(15);
    expect(rolloutActivity.at(-1)).toEqual({
      start: '2033-05-20T10:01:00.000Z',
      enrollments: 0,
      checkIns: 1,
      failures: 2,
      partial: true,
    });
    expect(rolloutActivity.at(-2)).toEqual({
      start: '2033-05-20T10:00:00.000Z',
      enrollments: 1,
      checkIns: 0,
      failures: 1,
      partial: false,
    });
    expect(rolloutActivity.slice(0, -2).every((b) => b.enrollments + b.checkIns + b.failures === 0)).toBe(
      true,
    );

    const { rolloutActivity: hours } = await gateway.query(RolloutActivityDocument, {
      rangeMinutes: 7 * 24 * 60,
      bucketMinutes: 60,
    });
    expect(hours).toHaveLength(168);
    expect(hours.at(-1)).toMatchObject({ start: '2033-05-20T10:00:00.000Z', enrollments: 1, failures: 3 });
  });

  it('groups refused enrollments by code, platform, method and the restriction that refused them, and lists a group', async () => {
    const { enrollmentFailures } = await gateway.query(EnrollmentFailuresDocument, { sinceMinutes: 15 });
    expect(enrollmentFailures).toContainEqual({
      code: 'ENROLLMENT_RESTRICTED',
      platform: 'IOS',
      method: 'BYOD',
      restriction: restrictionName,
      count: 3,
      lastOccurredDateTime: '2033-05-20T10:01:30.000Z',
    });
    const { enrollmentFailureAttempts } = await gateway.query(EnrollmentFailureAttemptsDocument, {
      sinceMinutes: 15,
      group: { code: 'ENROLLMENT_RESTRICTED', platform: 'IOS', method: 'BYOD', restriction: restrictionName },
    });
    expect(enrollmentFailureAttempts).toHaveLength(3);
    expect(enrollmentFailureAttempts[0]).toMatchObject({
      outcome: 'refused',
      userPrincipalName: blockedUpn,
      deviceName: 'Blocked iPhone',
      reason: expect.stringContaining('personally owned devices are blocked'),
    });
    const { enrollmentFailureAttempts: none } = await gateway.query(EnrollmentFailureAttemptsDocument, {
      sinceMinutes: 15,
      group: { code: 'ENROLLMENT_RESTRICTED', restriction: null },
    });
    expect(none.filter((a) => a.userPrincipalName === blockedUpn)).toEqual([]);
  });

  it('refuses a range of more than 7 days or of more than 1,440 buckets, with the field named', async () => {
    for (const [variables, field] of [
      [{ rangeMinutes: 7 * 24 * 60 + 1, bucketMinutes: 60 }, 'rangeMinutes'],
      [{ rangeMinutes: 7 * 24 * 60, bucketMinutes: 1 }, 'bucketMinutes'],
    ] as const) {
      const response = await gateway.request(RolloutActivityDocument, variables);
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        violations: [expect.objectContaining({ field })],
      });
    }
  });

  it('counts a device missing once it has not checked in for the given days', async () => {
    const before = (await gateway.query(DeviceFreshnessDocument, { onlineMinutes: 60, missingDays: 3 }))
      .deviceFreshness;
    await enrollDevice(gateway);
    const justEnrolled = (await gateway.query(DeviceFreshnessDocument, { onlineMinutes: 60, missingDays: 3 }))
      .deviceFreshness;
    expect(justEnrolled.online).toBe(before.online + 1);
    gateway.clock.advance(4 * DAY);
    const later = (await gateway.query(DeviceFreshnessDocument, { onlineMinutes: 60, missingDays: 3 }))
      .deviceFreshness;
    // Relative to the counts before: the run's database may hold other tests' devices.
    expect(later.online).toBeLessThan(justEnrolled.online);
    expect(later.missing).toBeGreaterThan(before.missing);
  });
});
