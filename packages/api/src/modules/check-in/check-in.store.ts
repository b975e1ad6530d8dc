import type { EntityManager } from '@mikro-orm/postgresql';
import { GroupCommit } from '../../shared/group-commit.js';
import { poolQuery } from '../../shared/pool-query.js';
import type { CheckInProofType } from './check-in.enums.js';

/** The certificate a check-in names, reduced to what authentication needs. */
export interface CheckInCertificate {
  id: string;
  deviceId: string;
  serialNumber: string;
  sha256Thumbprint: string;
  status: string;
  revocationReason: string | null;
  /** PEM; only loaded for SIGNATURE proofs (HMAC proofs need the thumbprint only). */
  pem: string | null;
  notBefore: Date;
  notAfter: Date;
}

/** What a check-in needs to know before it writes: the device, its user's UPN, the named certificate. */
export interface CheckInSubject {
  /** The `managed_device` row as PostgreSQL returned it (column names), for `em.map`; null: no such device. */
  deviceRow: Record<string, unknown> | null;
  userPrincipalName: string | null;
  certificate: CheckInCertificate | null;
}

/** One accepted check-in to record. */
export interface CheckInRecord {
  id: string;
  deviceId: string;
  nonce: string;
  certificateSerialNumber: string;
  proofType: CheckInProofType;
  checkedInAt: Date;
}

/** 'recorded': durable; 'replayed': the (device, nonce) pair was already recorded (nothing written). */
export type CheckInWrite = 'recorded' | 'replayed';

// One row per looked-up check-in (`ord` = position in the batch), whether or not the device or the
// certificate exists: the left joins keep it.
const LOOKUP_SQL = `
select v.ord::int as "__ord", d.*, u.user_principal_name as "__upn",
  c.id as "__c_id", c.device_id as "__c_device_id", c.serial_number as "__c_serial", c.sha256_thumbprint as "__c_thumbprint",
  c.status as "__c_status", c.revocation_reason as "__c_revocation_reason", case when v.with_pem then c.pem end as "__c_pem",
  (extract(epoch from c.not_before) * 1000)::float8 as "__c_not_before", (extract(epoch from c.not_after) * 1000)::float8 as "__c_not_after"
from unnest($1::uuid[], $2::text[], $3::bool[]) with ordinality as v(device_id, serial, with_pem, ord)
left join managed_device d on d.id = v.device_id
left join app_user u on u.id = d.user_id
left join mdm_certificate c on c.serial_number = v.serial`;

// The writes of a batch of check-ins, one statement (so one implicit transaction, one commit):
// the history rows, of which a (device, nonce) pair already recorded, or repeated earlier in the
// same batch, is skipped (the replay guard: the unique constraint, without aborting the batch);
// then lastSyncDateTime of every device that had an accepted row, the latest one per device.
const RECORD_SQL = `
with v as (
  select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
    as v(id, device_id, nonce, certificate_serial_number, proof_type, checked_in_date_time)
), accepted as (
  insert into device_check_in (id, device_id, nonce, certificate_serial_number, proof_type, renewed, checked_in_date_time)
  select id, device_id, nonce, certificate_serial_number, proof_type, false, checked_in_date_time from v
  on conflict (device_id, nonce) do nothing
  returning id, device_id, checked_in_date_time
), synced as (
  update managed_device d set last_sync_date_time = a.at
  from (select device_id, max(checked_in_date_time) as at from accepted group by device_id) a
  where d.id = a.device_id
  returning d.id
)
select id from accepted`;

/**
 * The check-in hot path's storage, in hand-written set-based SQL on the ORM's connection pool
 * (the unit of work cost ~44 % of the gateway's CPU per check-in; docs/performance.md). Lookups
 * and writes of concurrent check-ins are each coalesced ({@link GroupCommit}): one SELECT per
 * batch of lookups, one statement per batch of writes.
 */
export class CheckInStore {
  private readonly lookups: GroupCommit<{ deviceId: string; serialNumber: string | null; withPem: boolean }, CheckInSubject>;
  private readonly writes: GroupCommit<CheckInRecord, CheckInWrite>;

  /** @param em any EntityManager of the gateway: only its connection pool is used */
  constructor(
    private readonly em: () => EntityManager,
    options: { maxBatch?: number; maxInFlight?: number } = {},
  ) {
    this.lookups = new GroupCommit((items) => this.lookupBatch(items), options);
    this.writes = new GroupCommit((items) => this.recordBatch(items), options);
  }

  /** The device `deviceId`, its user's UPN, and the certificate with serial number `serialNumber` (any device's). */
  lookup(deviceId: string, serialNumber: string | null, withPem: boolean): Promise<CheckInSubject> {
    return this.lookups.submit({ deviceId, serialNumber: serialNumber?.toUpperCase() ?? null, withPem });
  }

  /** Records an accepted check-in; settles once it is committed (or found to be a replay). */
  record(checkIn: CheckInRecord): Promise<CheckInWrite> {
    return this.writes.submit(checkIn);
  }

  private async lookupBatch(items: { deviceId: string; serialNumber: string | null; withPem: boolean }[]): Promise<CheckInSubject[]> {
    const rows = await this.query<Record<string, unknown>>(LOOKUP_SQL, [items.map((i) => i.deviceId), items.map((i) => i.serialNumber), items.map((i) => i.withPem)]);
    const subjects: CheckInSubject[] = new Array(items.length);
    for (const row of rows) subjects[(row['__ord'] as number) - 1] = toSubject(row);
    return subjects;
  }

  /**
   * Writes a batch in one statement. If the statement fails (a device deleted meanwhile, a
   * deadlock with another writer), nothing of the batch was written; each check-in is then
   * tried alone, so one bad row fails only its own check-in.
   */
  private async recordBatch(items: CheckInRecord[]): Promise<(CheckInWrite | Error)[]> {
    try {
      return await this.recordAll(items);
    } catch (error) {
      if (items.length === 1) return [asError(error)];
    }
    const results: (CheckInWrite | Error)[] = [];
    for (const item of items) {
      try {
        results.push((await this.recordAll([item]))[0]!);
      } catch (error) {
        results.push(asError(error));
      }
    }
    return results;
  }

  private async recordAll(items: CheckInRecord[]): Promise<CheckInWrite[]> {
    const rows = await this.query<{ id: string }>(RECORD_SQL, [
      items.map((i) => i.id),
      items.map((i) => i.deviceId),
      items.map((i) => i.nonce),
      items.map((i) => i.certificateSerialNumber),
      items.map((i) => i.proofType),
      items.map((i) => i.checkedInAt.toISOString()),
    ]);
    const accepted = new Set(rows.map((r) => r.id));
    return items.map((i) => (accepted.has(i.id) ? 'recorded' : 'replayed'));
  }

  private query<T>(text: string, values: unknown[]): Promise<T[]> {
    return poolQuery<T>(this.em(), text, values);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function toSubject(row: Record<string, unknown>): CheckInSubject {
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
  let deviceRow: Record<string, unknown> | null = null;
  if (row['id'] != null) {
    deviceRow = {};
    for (const key in row) if (!key.startsWith('__')) deviceRow[key] = row[key];
  }
  return { deviceRow, userPrincipalName: (row['__upn'] as string | null) ?? null, certificate };
}
