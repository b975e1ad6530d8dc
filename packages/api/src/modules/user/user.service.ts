import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { validateInput } from '../../shared/validation.js';
import { DemNotAllowedError } from '../enrollment/enrollment.errors.js';
import { userPrincipalNameSchema } from './user-principal-name.js';
import { User } from './user.entity.js';

/** At most 150 device enrollment manager accounts per tenant (Intune's DEM limit; issue 3). */
export const MAX_DEM_ACCOUNTS = 150;

const upnSchema = userPrincipalNameSchema;
const groupsSchema = z.array(z.string().trim().min(1).max(128)).max(100);

/** Finds and provisions users; marks device enrollment managers; sets group membership. */
export class UserService {
  constructor(private readonly clock: Clock) {}

  /**
   * The user with this UPN (already lower-cased by validation), created on first sight.
   * Uses an upsert so concurrent first enrollments of one user cannot collide.
   */
  async ensure(em: EntityManager, userPrincipalName: string, now: Date): Promise<User> {
    return em.upsert(
      User,
      { id: randomUUID(), userPrincipalName, displayName: userPrincipalName.split('@')[0] ?? userPrincipalName, createdDateTime: now },
      { onConflictFields: ['userPrincipalName'], onConflictMergeFields: ['userPrincipalName'] },
    );
  }

  /**
   * Marks (or unmarks) an account as device enrollment manager (seed: Device enrollment manager).
   * The 150-account cap is checked under a transaction-level advisory lock, so two concurrent
   * grants cannot both take the last place.
   * @throws InputValidationError for a bad UPN; DemNotAllowedError when 150 accounts are already DEMs
   */
  async setDeviceEnrollmentManager(em: EntityManager, userPrincipalName: string, enabled: boolean): Promise<User> {
    const upn = validateInput(upnSchema, userPrincipalName, 'userPrincipalName');
    const now = this.clock.now();
    return em.transactional(async (tx) => {
      await tx.execute(`select pg_advisory_xact_lock(hashtext('dem-accounts'))`);
      const user = await this.ensure(tx, upn, now);
      if (enabled && !user.isDeviceEnrollmentManager) {
        const count = await tx.count(User, { isDeviceEnrollmentManager: true });
        if (count >= MAX_DEM_ACCOUNTS) throw new DemNotAllowedError(`the tenant already has ${MAX_DEM_ACCOUNTS} device enrollment manager accounts, the maximum`);
      }
      user.isDeviceEnrollmentManager = enabled;
      return user;
    });
  }

  /**
   * Replaces the user's group memberships (what enrollment restrictions target).
   * @throws InputValidationError
   */
  async setGroups(em: EntityManager, userPrincipalName: string, groups: string[]): Promise<User> {
    const upn = validateInput(upnSchema, userPrincipalName, 'userPrincipalName');
    const names = validateInput(groupsSchema, groups, 'groups');
    return em.transactional(async (tx) => {
      const user = await this.ensure(tx, upn, this.clock.now());
      user.groups = [...new Set(names)];
      return user;
    });
  }
}
