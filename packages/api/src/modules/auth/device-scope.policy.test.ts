import { describe, expect, it } from 'vitest';
import { deviceScopeOf, isInScope } from './device-scope.policy.js';
import { Role } from './role.enum.js';

describe('device scope', () => {
  it('tokens without a user that read the fleet see every device; the gateway itself too', () => {
    for (const role of [Role.ADMIN, Role.OPERATOR, Role.READER])
      expect(deviceScopeOf({ role, userPrincipalName: null })).toBe('all');
    expect(deviceScopeOf(null)).toBe('all');
  });

  it('an ENROLLER without a user has no device in scope', () => {
    const scope = deviceScopeOf({ role: Role.ENROLLER, userPrincipalName: null });
    expect(scope).toBe('none');
    expect(isInScope(scope, 'a@contoso.example')).toBe(false);
    expect(isInScope(scope, null)).toBe(false);
  });

  it("a token with a user, whatever its role, has that user's devices only (not userless ones)", () => {
    for (const role of [Role.ADMIN, Role.ENROLLER]) {
      const scope = deviceScopeOf({ role, userPrincipalName: 'Ann@Contoso.example' });
      expect(isInScope(scope, 'ann@contoso.example')).toBe(true);
      expect(isInScope(scope, 'bob@contoso.example')).toBe(false);
      expect(isInScope(scope, null)).toBe(false);
    }
  });
});
