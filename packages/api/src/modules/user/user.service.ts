import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from './user.entity.js';

/** Finds and provisions users. */
export class UserService {
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
}
