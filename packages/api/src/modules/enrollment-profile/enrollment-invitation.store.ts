import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';
import { EnrollmentInvitation } from './enrollment-invitation.entity.js';

/**
 * One use of a challenge: one conditional UPDATE, so two requests with the same one-time
 * challenge cannot both pass (the second waits for the first's row lock, then sees its count).
 */
const CONSUME_CHALLENGE = `update "enrollment_invitation" set "use_count" = "use_count" + 1, "used_date_time" = ?
  where "challenge_hash" = ? and "expires_date_time" > ? and ("max_uses" is null or "use_count" < "max_uses")
  returning "id"`;

/** The SQL of enrollment invitations. Stateless: every method runs in the caller's entity manager. */
export class EnrollmentInvitationStore {
  /** The invitation of a profile token's hash, with its user, DEM account and Apple profile; null when unknown. */
  byProfileTokenHash(em: EntityManager, profileTokenHash: string): Promise<EnrollmentInvitation | null> {
    return em.findOne(
      EnrollmentInvitation,
      { profileTokenHash },
      { populate: ['user', 'enrollmentManager', 'appleProfile'] },
    );
  }

  /**
   * Counts one use of the invitation with this challenge hash, if it is unexpired at `now` and
   * has uses left (`max_uses` null: unlimited).
   * @returns the invitation's id, or null when no invitation could be used
   */
  async consumeChallenge(em: EntityManager, challengeHash: string, now: Date): Promise<string | null> {
    const used = await sqlOf(em).first<{ id: string }>(CONSUME_CHALLENGE, [now, challengeHash, now]);
    return used?.id ?? null;
  }

  /** The id and expiry of the invitation with this challenge hash (used up or not); null when unknown. */
  async byChallengeHash(
    em: EntityManager,
    challengeHash: string,
  ): Promise<{ id: string; expiresDateTime: Date } | null> {
    const found = await sqlOf(em).first<{ id: string; expires_date_time: string | Date }>(
      `select "id", "expires_date_time" from "enrollment_invitation" where "challenge_hash" = ?`,
      [challengeHash],
    );
    return found ? { id: found.id, expiresDateTime: new Date(found.expires_date_time) } : null;
  }
}
