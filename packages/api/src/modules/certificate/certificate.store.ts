import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlOf } from '../../db/sql.js';
import { EntityRows } from '../../db/entity-rows.js';
import { inlineAuditInsert, inlineAuditValues, type NewAuditRow } from '../audit/audit.store.js';
import { LIVE_STATUSES, liveSql } from '../lifecycle/lifecycle.policy.js';
import { PendingEnrollment, type PendingEnrollmentStatus } from '../scep/pending-enrollment.entity.js';
import { CertificateAuthorityRecord } from './certificate-authority.entity.js';
import { MdmCertificate } from './mdm-certificate.entity.js';
import { MdmCertificateStatus, type RevocationReason } from './mdm-certificate.enums.js';

/** Column alias of the device id in {@link CertificateStore.byDevices} (the relation is not a scalar of the read model). */
const DEVICE_ID = 'c_device_id';

/** A stored CA or service certificate (table `certificate_authority`, one row per purpose). */
export interface CertificateAuthorityRow {
  /** `issuing`, `scep-ra`, `profile-signer`. */
  id: string;
  certificatePem: string;
  sealedPrivateKey: string;
  /** The generated sealing secret when no CA_KEY_SECRET was configured (development only), else null. */
  generatedKeySecret: string | null;
  createdDateTime: Date;
}

/** Where a pending enrollment (SCEP-issued certificate awaiting its device) is looked up by its certificate. */
export type PendingEnrollmentKey = { sha256Thumbprint: string } | { serialNumber: string };

/**
 * The SQL of certificates: device certificates (`mdm_certificate`), the stored CA and service
 * certificates (`certificate_authority`) and the pending enrollments of SCEP-issued certificates.
 * Stateless; every method runs in the entity manager it is given (the caller's transaction when
 * it is inside `em.transactional`). Statuses are written as events only (revocation); a status that
 * moves with time is derived by lifecycle.policy.ts, whose live-status list the statements use.
 */
export class CertificateStore {
  private model?: EntityRows<MdmCertificate>;

  /** Every certificate of the device, newest first (issuance time, then id). */
  listForDevice(em: EntityManager, deviceId: string): Promise<MdmCertificate[]> {
    return em.find(MdmCertificate, { device: deviceId }, { orderBy: { issuedDateTime: 'desc', id: 'desc' } });
  }

  /**
   * Every certificate of each of `deviceIds`, newest first, in one statement, as read-only
   * instances (EntityRows: never pass them to an EntityManager).
   * @returns one list per id, in the order of `deviceIds` (empty for a device without certificates)
   */
  async byDevices(em: EntityManager, deviceIds: readonly string[]): Promise<MdmCertificate[][]> {
    const model = (this.model ??= EntityRows.of(em, MdmCertificate, 'c'));
    const rows = await sqlOf(em).rows<Record<string, unknown>>(
      `select ${model.selectList}, "c"."device_id" as "${DEVICE_ID}" from "mdm_certificate" as "c" ` +
        `where "c"."device_id" = any(?::uuid[]) order by "c"."issued_date_time" desc, "c"."id" desc`,
      [deviceIds],
    );
    const byDevice = new Map<string, MdmCertificate[]>();
    for (const row of rows) {
      const deviceId = row[DEVICE_ID] as string;
      let list = byDevice.get(deviceId);
      if (!list) byDevice.set(deviceId, (list = []));
      list.push(model.from(row));
    }
    return deviceIds.map((id) => byDevice.get(id) ?? []);
  }

  /** The device's current (not superseded) certificate, or null. */
  current(em: EntityManager, deviceId: string): Promise<MdmCertificate | null> {
    return em.findOne(MdmCertificate, { device: deviceId, supersededById: null });
  }

  /** The certificate with this id, or null. */
  byId(em: EntityManager, id: string): Promise<MdmCertificate | null> {
    return em.findOne(MdmCertificate, id);
  }

  /** The certificate with this SHA-256 thumbprint (uppercase hex), locked FOR UPDATE in `tx`; null when unknown. */
  byThumbprintLocked(tx: EntityManager, sha256Thumbprint: string): Promise<MdmCertificate | null> {
    return tx.findOne(MdmCertificate, { sha256Thumbprint }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  }

  /** The pending enrollment that holds this certificate (any status), in the caller's transaction; null when none. */
  pendingEnrollmentHolding(tx: EntityManager, certificateId: string): Promise<PendingEnrollment | null> {
    return tx.findOne(PendingEnrollment, { certificate: certificateId });
  }

  /**
   * A SCEP PKCSReq's writes in ONE statement (its own implicit transaction, or the caller's):
   * counts one use of the invitation whose challenge hash is `challengeHash` if it is unexpired at
   * `now` and has uses left, and only then inserts the device-less `certificate`, the pending
   * enrollment `pendingId` holding it for that invitation, and `audit` (its success record, with
   * the invitation's id added to its details as `invitationId`).
   * The conditional UPDATE takes the invitation's row lock, so of two requests with the same
   * one-time challenge the second re-checks the count after the first commits and inserts nothing.
   * Why one statement: the transaction it replaces (begin, update, two inserts, commit, and the
   * audit's own insert) was six round trips per enrollment.
   * @returns the invitation's id when the challenge was used; otherwise what the invitation with
   *   that hash is (id and expiry; null when there is none), for the caller's refusal
   */
  async insertPendingEnrollment(
    em: EntityManager,
    input: {
      challengeHash: string;
      now: Date;
      pendingId: string;
      certificate: MdmCertificate;
      audit: NewAuditRow;
    },
  ): Promise<
    | { used: true; invitationId: string }
    | { used: false; invitation: { id: string; expiresDateTime: Date } | null }
  > {
    const { challengeHash, now, pendingId, certificate: c } = input;
    const row = await sqlOf(em).first<{
      used_id: string | null;
      invitation_id: string | null;
      expires_date_time: string | Date | null;
    }>(
      `with "used" as (
         update "enrollment_invitation" set "use_count" = "use_count" + 1, "used_date_time" = ?
          where "challenge_hash" = ? and "expires_date_time" > ?
            and ("max_uses" is null or "use_count" < "max_uses")
          returning "id"),
       "certificate" as (
         insert into "mdm_certificate" ("id", "device_id", "serial_number", "sha256_thumbprint", "subject",
           "issuer", "not_before", "not_after", "status", "pem", "issued_date_time")
         select ?::uuid, null, ?, ?, ?, ?, ?::timestamptz, ?::timestamptz, ?, ?, ?::timestamptz from "used"
         returning "id"),
       "pending" as (
         insert into "pending_enrollment" ("id", "certificate_id", "invitation_id", "status", "created_date_time")
         select ?::uuid, "certificate"."id", "used"."id", 'pending', ?::timestamptz from "used", "certificate"
         returning "id"),
       "audit" as (${inlineAuditInsert(
         'select "id" from "pending"',
         `jsonb_build_object('invitationId', (select "id" from "used"))`,
       )})
       select (select "id" from "used") as "used_id", i."id" as "invitation_id", i."expires_date_time"
         from (select 1) as "one"
         left join "enrollment_invitation" i on i."challenge_hash" = ?`,
      [
        now,
        challengeHash,
        now,
        c.id,
        c.serialNumber,
        c.sha256Thumbprint,
        c.subject,
        c.issuer,
        c.notBefore,
        c.notAfter,
        c.status,
        c.pem,
        c.issuedDateTime,
        pendingId,
        now,
        ...inlineAuditValues([input.audit], [pendingId]),
        challengeHash,
      ],
    );
    if (row?.used_id) return { used: true, invitationId: row.used_id };
    return {
      used: false,
      invitation:
        row?.invitation_id && row.expires_date_time
          ? { id: row.invitation_id, expiresDateTime: new Date(row.expires_date_time) }
          : null,
    };
  }

  /** The certificate with this serial number (as stored) and its device loaded, or null. */
  bySerialNumberWithDevice(em: EntityManager, serialNumber: string): Promise<MdmCertificate | null> {
    return em.findOne(MdmCertificate, { serialNumber }, { populate: ['device'] });
  }

  /** The certificate with this serial number (any case; stored uppercase hex), or null. */
  bySerialNumber(em: EntityManager, serialNumber: string): Promise<MdmCertificate | null> {
    return em.findOne(MdmCertificate, { serialNumber: serialNumber.toUpperCase() });
  }

  /**
   * Inserts many device certificates with one statement (bulk issuance), from unmanaged entities
   * whose `device` is set. Their rows keep the database's `created_xid`.
   */
  async insertMany(tx: EntityManager, certificates: readonly MdmCertificate[]): Promise<void> {
    if (certificates.length === 0) return;
    await sqlOf(tx).run(
      `insert into "mdm_certificate" ("id", "device_id", "serial_number", "sha256_thumbprint", "subject", "issuer", "not_before", "not_after", "status", "pem", "issued_date_time")
       select r.id, r.device_id, r.serial_number, r.sha256_thumbprint, r.subject, r.issuer, r.not_before, r.not_after, r.status, r.pem, r.issued_date_time
       from jsonb_to_recordset(?::jsonb) as r(id uuid, device_id uuid, serial_number text, sha256_thumbprint text, subject text, issuer text,
         not_before timestamptz, not_after timestamptz, status text, pem text, issued_date_time timestamptz)`,
      [
        JSON.stringify(
          certificates.map((c) => ({
            id: c.id,
            device_id: c.device?.id ?? null,
            serial_number: c.serialNumber,
            sha256_thumbprint: c.sha256Thumbprint,
            subject: c.subject,
            issuer: c.issuer,
            not_before: c.notBefore,
            not_after: c.notAfter,
            status: c.status,
            pem: c.pem,
            issued_date_time: c.issuedDateTime,
          })),
        ),
      ],
    );
  }

  /**
   * Marks every not-yet-superseded certificate of the device other than `newId` as superseded by
   * `newId`; the live ones are also revoked at `now` with reason `superseded`. One statement, run
   * before the new certificate becomes current, so the "one current certificate per device" unique
   * index holds throughout.
   * @returns how many certificates were superseded
   */
  async supersede(tx: EntityManager, deviceId: string, newId: string, now: Date): Promise<number> {
    const live = liveSql('"status"');
    const { rowCount } = await sqlOf(tx).run(
      `update "mdm_certificate" set "superseded_by_id" = ?,
         "revoked_date_time" = case when ${live} then ?::timestamptz else "revoked_date_time" end,
         "revocation_reason" = case when ${live} then 'superseded' else "revocation_reason" end,
         "status" = case when ${live} then 'revoked' else "status" end
       where "device_id" = ? and "superseded_by_id" is null and "id" <> ?`,
      [newId, now, deviceId, newId],
    );
    return rowCount;
  }

  /**
   * {@link supersede} for many devices in one statement: the current certificate of
   * `deviceIds[i]` is superseded by `newIds[i]`.
   */
  async supersedeMany(
    tx: EntityManager,
    deviceIds: readonly string[],
    newIds: readonly string[],
    now: Date,
  ): Promise<number> {
    if (deviceIds.length === 0) return 0;
    const live = liveSql('c."status"');
    const { rowCount } = await sqlOf(tx).run(
      `update "mdm_certificate" as c set "superseded_by_id" = n.new_id,
         "revoked_date_time" = case when ${live} then ?::timestamptz else c."revoked_date_time" end,
         "revocation_reason" = case when ${live} then 'superseded' else c."revocation_reason" end,
         "status" = case when ${live} then 'revoked' else c."status" end
       from unnest(?::uuid[], ?::uuid[]) as n(device_id, new_id)
       where c."device_id" = n.device_id and c."superseded_by_id" is null`,
      [now, deviceIds, newIds],
    );
    return rowCount;
  }

  /**
   * Gives the certificate `certificateId` to `deviceId` as its current one (an adopted SCEP
   * certificate; `superseded_by_id` cleared). Run {@link supersede} for the device's others.
   */
  async assignToDevice(tx: EntityManager, certificateId: string, deviceId: string): Promise<void> {
    await sqlOf(tx).run(
      'update "mdm_certificate" set "device_id" = ?, "superseded_by_id" = null where "id" = ?',
      [deviceId, certificateId],
    );
  }

  /**
   * The notAfter and device of a certificate, its row locked (FOR UPDATE) until `tx` ends: the
   * first step of attaching a device-less certificate to a device. Undefined when it does not exist.
   */
  async lockForAttach(
    tx: EntityManager,
    certificateId: string,
  ): Promise<{ notAfter: Date; deviceId: string | null } | undefined> {
    const row = await sqlOf(tx).first<{ not_after: string | Date; device_id: string | null }>(
      `select "not_after", "device_id" from "mdm_certificate" where "id" = ? for update`,
      [certificateId],
    );
    return row && { notAfter: new Date(row.not_after), deviceId: row.device_id };
  }

  /** Revokes the live certificate with this serial number (any case); 0 for an unknown or already revoked one. */
  revokeBySerialNumber(
    tx: EntityManager,
    serialNumber: string,
    now: Date,
    reason: RevocationReason,
  ): Promise<number> {
    return this.revokeLive(tx, { serialNumber: serialNumber.toUpperCase() }, now, reason);
  }

  /** Revokes the device's current certificate when it is live. @returns 0 or 1 */
  revokeCurrent(tx: EntityManager, deviceId: string, now: Date, reason: RevocationReason): Promise<number> {
    return this.revokeLive(tx, { device: deviceId, supersededById: null }, now, reason);
  }

  /** Revokes the certificate with this id when it is live. @returns 0 or 1 */
  revokeById(tx: EntityManager, certificateId: string, now: Date, reason: RevocationReason): Promise<number> {
    return this.revokeLive(tx, { id: certificateId }, now, reason);
  }

  private revokeLive(
    tx: EntityManager,
    where: { serialNumber: string } | { device: string; supersededById: null } | { id: string },
    now: Date,
    reason: RevocationReason,
  ): Promise<number> {
    return tx.nativeUpdate(
      MdmCertificate,
      { ...where, status: { $in: [...LIVE_STATUSES] } },
      { status: MdmCertificateStatus.revoked, revokedDateTime: now, revocationReason: reason },
    );
  }

  /** The stored CA or service certificate `id`, read on a fork of `em` (no identity map), or null. */
  async authority(em: EntityManager, id: string): Promise<CertificateAuthorityRow | null> {
    return em.fork().findOne(CertificateAuthorityRecord, id);
  }

  /**
   * The stored CA or service certificate `id`, read on a fork of `em`.
   * @throws NotFoundError (MikroORM's) when there is none
   */
  async authorityOrFail(em: EntityManager, id: string): Promise<CertificateAuthorityRow> {
    return em.fork().findOneOrFail(CertificateAuthorityRecord, id);
  }

  /**
   * Stores `row` unless a row with its id exists (concurrent first starts: the first one wins).
   * @returns whether this call stored it
   */
  async insertAuthorityIfAbsent(em: EntityManager, row: CertificateAuthorityRow): Promise<boolean> {
    const { rowCount } = await sqlOf(em).run(
      `insert into "certificate_authority" ("id", "certificate_pem", "sealed_private_key", "generated_key_secret", "created_date_time")
       values (?, ?, ?, ?, ?) on conflict ("id") do nothing`,
      [row.id, row.certificatePem, row.sealedPrivateKey, row.generatedKeySecret, row.createdDateTime],
    );
    return rowCount > 0;
  }

  /**
   * Stores `row` (its generated secret null), replacing the stored one only when that is still the
   * certificate `replacing` (PEM; '' when there was none): of concurrent replacements one wins.
   * @returns whether this call stored it
   */
  async replaceAuthority(
    em: EntityManager,
    row: Omit<CertificateAuthorityRow, 'generatedKeySecret'>,
    replacing: string,
  ): Promise<boolean> {
    const { rowCount } = await sqlOf(em).run(
      `insert into "certificate_authority" ("id", "certificate_pem", "sealed_private_key", "generated_key_secret", "created_date_time")
       values (?, ?, ?, null, ?)
       on conflict ("id") do update set "certificate_pem" = excluded."certificate_pem", "sealed_private_key" = excluded."sealed_private_key", "created_date_time" = excluded."created_date_time"
       where "certificate_authority"."certificate_pem" = ?`,
      [row.id, row.certificatePem, row.sealedPrivateKey, row.createdDateTime, replacing],
    );
    return rowCount > 0;
  }

  /** SCEP-issued certificates' pending enrollments, newest first, at most `limit`, optionally of one status; invitations populated. */
  listPendingEnrollments(
    em: EntityManager,
    status: PendingEnrollmentStatus | null,
    limit: number,
  ): Promise<PendingEnrollment[]> {
    return em.find(PendingEnrollment, status ? { status } : {}, {
      orderBy: { createdDateTime: 'desc', id: 'desc' },
      limit,
      populate: ['invitation'],
    });
  }

  /**
   * The pending enrollment of a certificate, with its certificate, invitation and the invitation's
   * user and enrollment manager (whatever its status); null when there is none. Read on a fork of
   * `em` (its own identity map), except inside a transaction, where it runs in that transaction:
   * on the embedded database's single connection a fork would wait for the transaction to end.
   */
  pendingEnrollmentOf(em: EntityManager, key: PendingEnrollmentKey): Promise<PendingEnrollment | null> {
    return (em.isInTransaction() ? em : em.fork()).findOne(
      PendingEnrollment,
      { certificate: key },
      { populate: ['certificate', 'invitation', 'invitation.user', 'invitation.enrollmentManager'] },
    );
  }

  /** The pending enrollment `id` when its status is `status`, locked (FOR UPDATE) when `lock`; else null. */
  pendingEnrollment(
    tx: EntityManager,
    id: string,
    status: PendingEnrollmentStatus,
    lock = false,
  ): Promise<PendingEnrollment | null> {
    return tx.findOne(
      PendingEnrollment,
      { id, status },
      lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {},
    );
  }
}
