import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';
import { User } from './user.entity.js';

/**
 * Creates the user of a UPN or keeps it: one `INSERT ... ON CONFLICT (user_principal_name) DO
 * UPDATE ... RETURNING`, so concurrent first sights of one user cannot collide, and the row stays
 * locked (inserted or updated by this transaction) until commit. Writes nothing (and returns no
 * row) when the UPN is null, so an enrollment's combined statement has one text with or without a
 * user (enrollment.store.ts). Parameters: {@link ensureUserParams}.
 */
export const ENSURE_USER = `insert into "app_user" ("id", "user_principal_name", "display_name", "created_date_time")
  select ?::uuid, ?::text, ?::text, ?::timestamptz where ?::text is not null
  on conflict ("user_principal_name") do update set "user_principal_name" = excluded."user_principal_name"
  returning *`;

/** The parameters of {@link ENSURE_USER} for `userPrincipalName` (null: no user) first seen at `now`. */
export function ensureUserParams(userPrincipalName: string | null, now: Date): unknown[] {
  if (userPrincipalName === null) return [null, null, null, null, null];
  return [
    randomUUID(),
    userPrincipalName,
    userPrincipalName.split('@')[0] ?? userPrincipalName,
    now,
    userPrincipalName,
  ];
}

/** The transaction-level advisory lock under which the DEM account cap is checked. */
const LOCK_DEM_ACCOUNTS = `select pg_advisory_xact_lock(hashtext('dem-accounts'))`;

/** The SQL of users (`app_user`). Stateless: every method runs in the caller's entity manager. */
export class UserStore {
  /**
   * The user with this UPN, created on first sight (display name: the UPN's local part) as a
   * managed entity of `em`; inside a transaction its row stays locked until commit.
   * Hand-written rather than `em.upsert`: this runs on every enrollment, and the ORM's query
   * building cost more CPU than the statement (docs/performance.md).
   */
  async ensure(em: EntityManager, userPrincipalName: string, now: Date): Promise<User> {
    const row = await sqlOf(em).first<Record<string, unknown>>(
      ENSURE_USER,
      ensureUserParams(userPrincipalName, now),
    );
    return em.map(User, row!);
  }

  /** The user with this UPN, locked for update when `lock` (inside a transaction); null when unknown. */
  byUserPrincipalName(em: EntityManager, userPrincipalName: string, lock = false): Promise<User | null> {
    return em.findOne(User, { userPrincipalName }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  }

  /**
   * Serializes changes to the set of device enrollment managers until the transaction ends (an
   * advisory lock: two grants cannot both take the last place). Needs a transaction.
   */
  async lockDemAccounts(tx: EntityManager): Promise<void> {
    await sqlOf(tx).run(LOCK_DEM_ACCOUNTS);
  }

  /** The number of device enrollment manager accounts. */
  /** Whether the database holds any user at all (the demo fleet seeds only an empty one). */
  async any(em: EntityManager): Promise<boolean> {
    return (await em.count(User)) > 0;
  }

  countDemAccounts(em: EntityManager): Promise<number> {
    return em.count(User, { isDeviceEnrollmentManager: true });
  }
}
