import { inlineAuditInsert } from '../audit/audit.store.js';
import type { CheckInCertificate, CheckInSubject } from './check-in.store.js';

// The statements of CheckInStore (its private SQL: nothing else runs them) and how their rows are
// read; placeholders are the seam's `?` (src/db/sql.ts), bound in order. Columns of joined tables
// are prefixed with "__" so that the rest of a row is a `managed_device` row as `em.map` expects it.

// One row per looked-up check-in (`ord` = position in the batch), whether or not the device or the
// certificate exists: the left joins keep it.
export const LOOKUP_SQL = `
select v.ord::int as "__ord", d.*, u.user_principal_name as "__upn",
  c.id as "__c_id", c.device_id as "__c_device_id", c.serial_number as "__c_serial", c.sha256_thumbprint as "__c_thumbprint",
  c.status as "__c_status", c.revocation_reason as "__c_revocation_reason", case when v.with_pem then c.pem end as "__c_pem",
  (extract(epoch from c.not_before) * 1000)::float8 as "__c_not_before", (extract(epoch from c.not_after) * 1000)::float8 as "__c_not_after"
from unnest(?::uuid[], ?::text[], ?::bool[]) with ordinality as v(device_id, serial, with_pem, ord)
left join managed_device d on d.id = v.device_id
left join app_user u on u.id = d.user_id
left join mdm_certificate c on c.serial_number = v.serial`;

// The writes of a batch of check-ins, one statement (so one implicit transaction, one commit).
// It re-checks, as it writes, what the caller decided on: the device is in a state the common path
// handles (the last parameter: the states it does not) and the certificate is still this device's and not revoked;
// other rows are left out (ineligible). Of the rest, a (device, nonce) pair already recorded, or
// repeated earlier in the batch, is skipped (the replay guard: the unique constraint, without
// aborting the batch). The device rows are locked FOR KEY SHARE, as a foreign key's check did:
// device_check_in has none (DEVICE_CHILD_TABLES in device/device.store.ts), so a device deleted concurrently makes its
// row ineligible instead of leaving history without a device. Then lastSyncDateTime of every device with an accepted row (the latest per
// device; never earlier than the stored one, as two batches in flight may commit in either order), returning the updated device rows, their users' UPNs and their users' rows (`__user`, JSON keyed
// by column name, null for a userless device: what a subscription event renders the device's user from,
// with no read). With them, the audit record of
// each accepted check-in that carries one (the audit store's insert, its parameters last), so the
// check-in and its audit commit together in one round trip.
export const CHECK_IN_RECORD_SQL = `
with v as (
  select * from unnest(?::uuid[], ?::uuid[], ?::text[], ?::uuid[], ?::text[], ?::text[], ?::timestamptz[])
    as v(id, device_id, nonce, certificate_id, certificate_serial_number, proof_type, checked_in_date_time)
), eligible as (
  select v.* from v
  join managed_device d on d.id = v.device_id and d.management_state <> all(?::text[])
  join mdm_certificate c on c.id = v.certificate_id and c.device_id = v.device_id and c.status <> 'revoked'
  for key share of d
), accepted as (
  insert into device_check_in (id, device_id, nonce, certificate_serial_number, proof_type, renewed, checked_in_date_time)
  select id, device_id, nonce, certificate_serial_number, proof_type, false, checked_in_date_time from eligible
  on conflict (device_id, nonce) do nothing
  returning id, device_id
), synced as (
  update managed_device d set last_sync_date_time = greatest(d.last_sync_date_time, a.at)
  from (select x.device_id, max(x.checked_in_date_time) as at from accepted join v x on x.id = accepted.id group by x.device_id) a
  where d.id = a.device_id
  returning d.*
), audited as (
  ${inlineAuditInsert('select id from accepted')}
)
select e.id as "__id", a.id is not null as "__recorded", u.user_principal_name as "__upn", to_jsonb(u) as "__user", s.*
from eligible e
left join accepted a on a.id = e.id
left join synced s on s.id = e.device_id and a.id is not null
left join app_user u on u.id = s.user_id`;

/** A `managed_device` row: the columns of `row` without the "__" prefix. */
export function deviceRowOf(row: Record<string, unknown>): Record<string, unknown> {
  const deviceRow: Record<string, unknown> = {};
  for (const key in row) if (!key.startsWith('__')) deviceRow[key] = row[key];
  return deviceRow;
}

/** A row of {@link LOOKUP_SQL} as the service reads it. */
export function toSubject(row: Record<string, unknown>): CheckInSubject {
  const certificate: CheckInCertificate | null =
    row['__c_id'] == null
      ? null
      : {
          id: row['__c_id'] as string,
          deviceId: row['__c_device_id'] as string,
          serialNumber: row['__c_serial'] as string,
          sha256Thumbprint: row['__c_thumbprint'] as string,
          status: row['__c_status'] as string,
          revocationReason: (row['__c_revocation_reason'] as string | null) ?? null,
          pem: (row['__c_pem'] as string | null) ?? null,
          notBefore: new Date(row['__c_not_before'] as number),
          notAfter: new Date(row['__c_not_after'] as number),
        };
  return {
    deviceRow: row['id'] != null ? deviceRowOf(row) : null,
    userPrincipalName: (row['__upn'] as string | null) ?? null,
    certificate,
  };
}

// Locks the device row for a check-in's own transaction (the lock its update takes anyway).
export const LOCK_DEVICE_SQL = 'select 1 from managed_device where id = ? for no key update';

// A batch of Apple protocol Idle status reports (PUT to the ServerURL with nothing to answer), one
// statement: each report's enrollment (its UDID or EnrollmentID, still enrolled) is locked FOR
// UPDATE, in id order, as the protocol's other messages lock it, so a concurrent CheckOut either
// waits for it or has ended the enrollment; the presented certificate must be the gateway's record
// (serial and thumbprint), unrevoked, and the enrolled device's; the device must not be in an
// ended state (the 5th parameter) and must have no command to deliver (statuses: the 6th). Then
// lastSyncDateTime of each such device (its latest report of the batch; never earlier than the stored
// one, since concurrent batches may commit out of order), returning the updated
// device rows, their users' UPNs and rows (as the check-in statement's). A report left out is
// ineligible: its caller takes the full path.
export const IDLE_RECORD_SQL = `
with v as (
  select * from unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[]) with ordinality
    as v(identifier, serial_number, thumbprint, checked_in_date_time, ord)
), eligible as (
  select v.ord, v.checked_in_date_time, e.device_id from v
  join apple_mdm_enrollment e on e.identifier = v.identifier and e.checked_out_date_time is null
  join mdm_certificate c on c.serial_number = v.serial_number and c.sha256_thumbprint = v.thumbprint
    and c.status <> 'revoked' and c.device_id = e.device_id
  join managed_device d on d.id = e.device_id and d.management_state <> all(?::text[])
  where not exists (select 1 from mdm_command m where m.device_id = e.device_id and m.status = any(?::text[]))
  order by e.id
  for update of e
), synced as (
  update managed_device d set last_sync_date_time = greatest(d.last_sync_date_time, x.at)
  from (select device_id, max(checked_in_date_time) as at from eligible group by device_id) x
  where d.id = x.device_id
  returning d.*
)
select e.ord::int as "__ord", u.user_principal_name as "__upn", to_jsonb(u) as "__user", s.*
from eligible e
join synced s on s.id = e.device_id
left join app_user u on u.id = s.user_id`;
