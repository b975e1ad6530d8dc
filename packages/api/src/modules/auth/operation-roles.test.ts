import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildGatewaySchema } from '../../schema/build-schema.js';
import { deniedRootField, mayUse, operationRoles } from './operation-roles.js';
import type { Principal } from './principal.js';
import { Role } from './role.enum.js';

const as = (role: Role): Principal => ({ tokenId: 't', name: 'n', role, userPrincipalName: null });

describe('roles read from the schema', () => {
  it('reads the roles @Roles wrote into each root field', async () => {
    const schema = await buildGatewaySchema();
    expect(operationRoles(schema, 'Mutation', 'createApiToken')).toEqual([Role.ADMIN]);
    expect(operationRoles(schema, 'Mutation', 'checkIn')).toEqual([Role.DEVICE]);
    expect(operationRoles(schema, 'Subscription', 'deviceCheckedIn')).toEqual([
      Role.ADMIN,
      Role.OPERATOR,
      Role.READER,
    ]);
    expect(operationRoles(schema, 'Query', 'noSuchField')).toBeUndefined();
  });

  it('admits a listed role, everyone for DEVICE, and nobody for a field without roles', () => {
    expect(mayUse([Role.ADMIN], as(Role.ADMIN))).toBe(true);
    expect(mayUse([Role.ADMIN], as(Role.READER))).toBe(false);
    expect(mayUse([Role.ADMIN], null)).toBe(false);
    expect(mayUse([Role.DEVICE], null)).toBe(true);
    expect(mayUse(undefined, as(Role.ADMIN))).toBe(false);
  });

  it('names the first root field of the chosen operation the caller may not use', async () => {
    const schema = await buildGatewaySchema();
    const document = parse(
      'query A { viewer { role } } subscription B { deviceCheckedIn { deviceId } fleetStats { total } } mutation C { createApiToken(input: { name: "x", role: READER }) { __typename } }',
    );
    expect(deniedRootField(schema, document, 'A', as(Role.ENROLLER))).toBeUndefined();
    expect(deniedRootField(schema, document, 'B', as(Role.ENROLLER))).toBe('deviceCheckedIn');
    expect(deniedRootField(schema, document, 'B', as(Role.READER))).toBeUndefined();
    expect(deniedRootField(schema, document, 'C', as(Role.OPERATOR))).toBe('createApiToken');
  });
});
