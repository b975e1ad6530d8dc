import { deviceScopeOf, type ScopedCaller } from '../auth/device-scope.policy.js';
import { Role } from '../auth/role.enum.js';

/**
 * Who may re-enroll hardware that another user holds actively.
 *
 * Source: Intune's "What is device enrollment" (the project's seed; docs/enrollment.md): an enrolled device is associated with its user (column "User Affinity") and
 * holds an MDM certificate issued to it; column "Reset Required" names the methods that factory
 * reset the device during enrollment (DEP and USB-SA), after which nothing of the previous user
 * remains on it. Intune re-enrolls a device for a new user the same ways: the device enrolling
 * itself again (it holds its enrollment's credential), a reset (wipe, Autopilot reset, a
 * factory-reset enrollment), or an administrator (retire or wipe, change of primary user). A
 * stranger's word that he now has the hardware (knowing its serial number or IMEI) is none of
 * these: the device stays with its user, and its certificate stays valid.
 */
export interface ReEnrollmentFacts {
  /** The record the hardware already has, if any: whether it is active (managed or an action pending) and its user's id. */
  existing: { active: boolean; userId: string | null } | null;
  /** The user this enrollment is for; null for a userless enrollment. */
  userId: string | null;
  /** The method factory-resets the device (seed column "Reset Required"). */
  resetsDevice: boolean;
  /** The enrollment carried a proof made with the credential of the existing record's current certificate. */
  provenByDevice: boolean;
  /** Who asks (null: the gateway itself, e.g. the demo fleet). */
  caller: ScopedCaller | null;
}

/**
 * True unless the hardware's record is active, held by a user, and this enrollment is for
 * somebody else (another user, or nobody) without the device's credential, a resetting method or
 * an administrator (an ADMIN token without a user, or the gateway itself).
 */
export function mayReEnroll(facts: ReEnrollmentFacts): boolean {
  const { existing } = facts;
  if (!existing?.active || existing.userId === null || existing.userId === facts.userId) return true;
  return facts.resetsDevice || facts.provenByDevice || isAdministrator(facts.caller);
}

/** An operator in the sense of this rule: ADMIN without a user (a user-bound token acts as its user). */
function isAdministrator(caller: ScopedCaller | null): boolean {
  return caller === null || (caller.role === Role.ADMIN && !caller.userPrincipalName);
}

/**
 * What the enrollment's answer may say about the record's previous user: only to a caller who
 * reads the whole fleet (auth/device-scope.policy.ts: ADMIN, OPERATOR), or when it is the
 * enrollment's own user.
 * Anyone else gets null: an ENROLLER or a user token never learns another user's name.
 */
export function disclosedPreviousUser(
  caller: ScopedCaller | null,
  previousUserPrincipalName: string | null,
  newUserPrincipalName: string | null,
): string | null {
  if (previousUserPrincipalName === null || previousUserPrincipalName === newUserPrincipalName)
    return previousUserPrincipalName;
  return deviceScopeOf(caller) === 'all' ? previousUserPrincipalName : null;
}
