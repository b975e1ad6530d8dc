import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';

/** Hand-written reads about enrollment invitations. Every method runs in the caller's transaction (or on the pool). */
export class EnrollmentInvitationStore {
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
