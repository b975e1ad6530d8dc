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

/** The SQL of enrollment invitations (challenges, profile tokens, identity renewals). Stateless: every method runs in the caller's entity manager. */
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

  /**
   * Whether an identity renewal of the device is in flight at `now`: a renewal invitation of the
   * device is unexpired (its profile may not have reached the device yet), or the certificate its
   * challenge obtained still waits for the device to present it (a pending enrollment).
   */
  async renewalInFlight(em: EntityManager, deviceId: string, now: Date): Promise<boolean> {
    const row = await sqlOf(em).first<{ in_flight: boolean }>(
      `select exists (
         select 1 from "enrollment_invitation" i
          where i."renews_device_id" = ?
            and (i."expires_date_time" > ?
                 or exists (select 1 from "pending_enrollment" p
                             where p."invitation_id" = i."id" and p."status" = 'pending'))
       ) as "in_flight"`,
      [deviceId, now],
    );
    return row?.in_flight === true;
  }

  /**
   * The device's installed enrollment profile: the id its payload identifiers derive from (the
   * invitation of its latest completed SCEP enrollment, or for a renewal the one it replaced) and
   * the Apple enrollment profile (DEP, USB-SA, USB-Direct) whose rules it follows.
   * @returns null when the device never enrolled over SCEP (no profile of ours to replace)
   */
  async installedProfile(
    em: EntityManager,
    deviceId: string,
  ): Promise<{ identifierId: string; appleProfileId: string | null } | null> {
    const row = await sqlOf(em).first<{ identifier_id: string; apple_profile_id: string | null }>(
      `select coalesce(i."profile_identifier_id", i."id") as "identifier_id", i."apple_profile_id"
         from "pending_enrollment" p join "enrollment_invitation" i on i."id" = p."invitation_id"
        where p."device_id" = ? and p."status" = 'completed'
        order by p."resolved_date_time" desc, p."id" desc
        limit 1`,
      [deviceId],
    );
    return row ? { identifierId: row.identifier_id, appleProfileId: row.apple_profile_id } : null;
  }
}
