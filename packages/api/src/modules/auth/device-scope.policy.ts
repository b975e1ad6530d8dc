import type { Principal } from './principal.js';
import { READ_ROLES, type Role } from './role.enum.js';

/**
 * Which devices a caller may act on or read about beyond enrolling them (docs/security.md,
 * "Roles"):
 * - `all`: a token without a user whose role reads the whole fleet (ADMIN, OPERATOR, READER; what
 *   each may do is still its role's), or the gateway itself (no principal: the demo fleet, the
 *   import CLI);
 * - `{ userPrincipalName }`: a user-bound token of any role (a Company Portal session) acts on
 *   that user's devices only;
 * - `none`: an ENROLLER token without a user. An integrator's ENROLLER token enrolls devices and
 *   nothing more: it neither acts on devices nor learns about other users' devices.
 */
export type DeviceScope = 'all' | 'none' | { readonly userPrincipalName: string };

/** The part of a principal the scope depends on. */
export type ScopedCaller = Pick<Principal, 'role' | 'userPrincipalName'>;

/** The {@link DeviceScope} of a caller (null: the gateway itself). */
export function deviceScopeOf(caller: ScopedCaller | null): DeviceScope {
  if (!caller) return 'all';
  if (caller.userPrincipalName) return { userPrincipalName: caller.userPrincipalName };
  return (READ_ROLES as readonly Role[]).includes(caller.role) ? 'all' : 'none';
}

/**
 * Whether a device held by `holder` (its user's principal name, null for a userless device) is
 * within `scope`. UPNs are stored in lower case; a token's UPN is compared the same way.
 */
export function isInScope(scope: DeviceScope, holder: string | null): boolean {
  if (scope === 'all') return true;
  if (scope === 'none') return false;
  return holder !== null && holder === scope.userPrincipalName.toLowerCase();
}
