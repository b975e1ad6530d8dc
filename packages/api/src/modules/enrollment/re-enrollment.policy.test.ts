import { describe, expect, it } from 'vitest';
import { Role } from '../auth/role.enum.js';
import { disclosedPreviousUser, mayReEnroll, type ReEnrollmentFacts } from './re-enrollment.policy.js';

const enroller = { role: Role.ENROLLER, userPrincipalName: null };
const held: ReEnrollmentFacts = {
  existing: { active: true, userId: 'ann' },
  userId: 'bob',
  resetsDevice: false,
  provenByDevice: false,
  caller: enroller,
};

describe('re-enrolling hardware another user holds', () => {
  it("is refused on a stranger's word", () => {
    expect(mayReEnroll(held)).toBe(false);
    expect(mayReEnroll({ ...held, userId: null })).toBe(false);
    expect(mayReEnroll({ ...held, caller: { role: Role.OPERATOR, userPrincipalName: null } })).toBe(false);
    expect(mayReEnroll({ ...held, caller: { role: Role.ADMIN, userPrincipalName: 'bob@x.example' } })).toBe(
      false,
    );
  });

  it("needs the device's credential, a resetting method or an administrator", () => {
    expect(mayReEnroll({ ...held, provenByDevice: true })).toBe(true);
    expect(mayReEnroll({ ...held, resetsDevice: true })).toBe(true);
    expect(mayReEnroll({ ...held, caller: { role: Role.ADMIN, userPrincipalName: null } })).toBe(true);
    expect(mayReEnroll({ ...held, caller: null })).toBe(true);
  });

  it('does not apply to new hardware, inactive or userless records, or the holder itself', () => {
    expect(mayReEnroll({ ...held, existing: null })).toBe(true);
    expect(mayReEnroll({ ...held, existing: { active: false, userId: 'ann' } })).toBe(true);
    expect(mayReEnroll({ ...held, existing: { active: true, userId: null } })).toBe(true);
    expect(mayReEnroll({ ...held, userId: 'ann' })).toBe(true);
  });

  it("names the previous user only to fleet readers, or when it is the enrollment's own", () => {
    expect(disclosedPreviousUser(enroller, 'ann@x.example', 'bob@x.example')).toBeNull();
    expect(disclosedPreviousUser(enroller, 'ann@x.example', 'ann@x.example')).toBe('ann@x.example');
    expect(
      disclosedPreviousUser(
        { role: Role.OPERATOR, userPrincipalName: null },
        'ann@x.example',
        'bob@x.example',
      ),
    ).toBe('ann@x.example');
  });
});
