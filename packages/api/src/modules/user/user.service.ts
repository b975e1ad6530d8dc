import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { queryRows } from '../../shared/raw-sql.js';
import { validateInput } from '../../shared/validation.js';
import { DemNotAllowedError } from '../enrollment/enrollment.errors.js';
import { demAccountCapReached, MAX_DEM_ACCOUNTS } from '../enrollment/device-limits.policy.js';
import { userPrincipalNameSchema } from './user-principal-name.js';
import { User } from './user.entity.js';

/** At most 150 device enrollment manager accounts per tenant (enrollment/device-limits.policy.ts). */
export { MAX_DEM_ACCOUNTS };

const upnSchema = userPrincipalNameSchema;
const groupsSchema = z.array(z.string().trim().min(1).max(128)).max(100);

/** Finds and provisions users; marks device enrollment managers; sets group membership. */
export class UserService {
  constructor(private readonly clock: Clock) {}

  /**
   * The user with this UPN (already lower-cased by validation), created on first sight, as a
   * managed entity of `em` (changes to it are flushed with the transaction).
   * One `INSERT ... ON CONFLICT (user_principal_name) DO UPDATE ... RETURNING`: concurrent first
   * enrollments of one user cannot collide, and the user's row stays locked (inserted or updated
   * by this transaction) until commit, which is what serializes one user's enrollments.
   * Hand-written rather than `em.upsert`: this runs on every enrollment, and the ORM's query
   * building cost more CPU than the statement (docs/performance.md).
   * @throws when `em` is not inside a transaction (every caller runs in one)
   */
  async ensure(em: EntityManager, userPrincipalName: string, now: Date): Promise<User> {
    const [row] = await queryRows<Record<string, unknown>>(
      em,
      `insert into "app_user" ("id", "user_principal_name", "display_name", "created_date_time") values (?, ?, ?, ?)
       on conflict ("user_principal_name") do update set "user_principal_name" = excluded."user_principal_name"
       returning *`,
      [randomUUID(), userPrincipalName, userPrincipalName.split('@')[0] ?? userPrincipalName, now],
    );
    return em.map(User, row!);
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
      await tx.execute(`select pg_advisory_xact_lock(hashtext('dem-accounts'))`);
      const user = await this.ensure(tx, upn, now);
      if (enabled && !user.isDeviceEnrollmentManager) {
        const count = await tx.count(User, { isDeviceEnrollmentManager: true });
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
