import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { validateInput } from '../../shared/validation.js';
import { DemNotAllowedError } from '../enrollment/enrollment.errors.js';
import { demAccountCapReached, MAX_DEM_ACCOUNTS } from '../enrollment/device-limits.policy.js';
import { userPrincipalNameSchema } from './user-principal-name.js';
import type { User } from './user.entity.js';
import { UserStore } from './user.store.js';

/** At most 150 device enrollment manager accounts per tenant (enrollment/device-limits.policy.ts). */
export { MAX_DEM_ACCOUNTS };

const upnSchema = userPrincipalNameSchema;
const groupsSchema = z.array(z.string().trim().min(1).max(128)).max(100);

/** Finds and provisions users; marks device enrollment managers; sets group membership. */
export class UserService {
  constructor(
    private readonly clock: Clock,
    private readonly store = new UserStore(),
  ) {}

  /**
   * The user with this UPN (already lower-cased by validation), created on first sight, as a
   * managed entity of `em` (changes to it are flushed with the transaction).
   * Concurrent first enrollments of one user cannot collide, and inside a transaction the user's
   * row stays locked (inserted or updated by it) until commit, which is what serializes one user's
   * enrollments (user.store.ts `ensure`). Every caller runs it in a transaction.
   */
  ensure(em: EntityManager, userPrincipalName: string, now: Date): Promise<User> {
    return this.store.ensure(em, userPrincipalName, now);
  }

  /**
   * The user with this UPN locked for update until the transaction ends; null when unknown.
   * One device enrollment manager's enrollments are serialized by it, so its cap holds.
   */
  lockByUserPrincipalName(tx: EntityManager, userPrincipalName: string): Promise<User | null> {
    return this.store.byUserPrincipalName(tx, userPrincipalName, true);
  }

  /** The user with this UPN; null when unknown. */
  byUserPrincipalName(em: EntityManager, userPrincipalName: string): Promise<User | null> {
    return this.store.byUserPrincipalName(em, userPrincipalName);
  }

  /**
   * Marks (or unmarks) an account as device enrollment manager (seed: Device enrollment manager).
   * The 150-account cap is checked under a transaction-level advisory lock, so two concurrent
   * grants cannot both take the last place.
   * @throws InputValidationError for a bad UPN; DemNotAllowedError when 150 accounts are already DEMs
   */
  async setDeviceEnrollmentManager(
    em: EntityManager,
    userPrincipalName: string,
    enabled: boolean,
  ): Promise<User> {
    const upn = validateInput(upnSchema, userPrincipalName, 'userPrincipalName');
    const now = this.clock.now();
    return em.transactional(async (tx) => {
      await this.store.lockDemAccounts(tx);
      const user = await this.ensure(tx, upn, now);
      if (enabled && !user.isDeviceEnrollmentManager) {
        const count = await this.store.countDemAccounts(tx);
        if (demAccountCapReached(count))
          throw new DemNotAllowedError(
            `the tenant already has ${MAX_DEM_ACCOUNTS} device enrollment manager accounts, the maximum`,
          );
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
