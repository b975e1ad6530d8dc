import type { EntityManager } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import { GroupCommit } from '../../shared/group-commit.js';
import { poolQuery } from '../../shared/pool-query.js';
import { CHECK_IN_RECORD_SQL, deviceRowOf, LOOKUP_SQL, toSubject } from './check-in.sql.js';
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

/** One authenticated check-in to record. */
export interface CheckInRecord {
  id: string;
  deviceId: string;
  nonce: string;
  /** The certificate the proof was verified with. */
  certificateId: string;
  certificateSerialNumber: string;
  proofType: CheckInProofType;
  checkedInAt: Date;
}

/**
 * What the write of one check-in did. `recorded`: durable, with the device row as updated (column
 * names, for `em.map`) and its user's UPN; `replayed`: the (device, nonce) pair was already
 * recorded; `ineligible`: nothing written, because when the statement ran the device no longer
 * existed or was in a state the common path does not handle, or the certificate was revoked.
 */
export type CheckInWrite =
  | { outcome: 'recorded'; deviceRow: Record<string, unknown>; userPrincipalName: string | null }
  | { outcome: 'replayed' }
  | { outcome: 'ineligible' };

/** Certificates remembered per instance (~0.3 KB each, ~1.5 KB with the PEM). */
const KNOWN_CERTIFICATES = 20_000;

/**
 * The check-in hot path's storage, in hand-written set-based SQL on the ORM's connection pool
 * (the unit of work cost ~44 % of the gateway's CPU per check-in; docs/performance.md). Lookups
 * and writes of concurrent check-ins are each coalesced ({@link GroupCommit}): one SELECT per
 * batch of lookups, one statement per batch of writes.
 */
export class CheckInStore {
  /**
   * What never changes about a certificate (serial → id, device, thumbprint, validity, PEM when
   * loaded), so that a device's next check-ins skip the lookup: its revocation status, which
   * does change, is checked by the write itself. Per instance; entries need no invalidation.
   */
  private readonly known = new LRUCache<string, CheckInCertificate>({ max: KNOWN_CERTIFICATES });
  private readonly lookups: GroupCommit<
    { deviceId: string; serialNumber: string | null; withPem: boolean },
    CheckInSubject
  >;
  private readonly writes: GroupCommit<CheckInRecord, CheckInWrite>;

  /**
   * @param em any EntityManager of the gateway: only its connection pool is used
   * @param otherPathStates device states whose check-ins the common path must not record
   */
  constructor(
    private readonly em: () => EntityManager,
    private readonly otherPathStates: readonly string[],
    options: { maxBatch?: number; maxInFlight?: number } = {},
  ) {
    this.lookups = new GroupCommit((items) => this.lookupBatch(items), options);
    this.writes = new GroupCommit((items) => this.recordBatch(items), options);
  }

  /** The device `deviceId`, its user's UPN, and the certificate with serial number `serialNumber` (any device's). */
  lookup(deviceId: string, serialNumber: string | null, withPem: boolean): Promise<CheckInSubject> {
    return this.lookups.submit({ deviceId, serialNumber: serialNumber?.toUpperCase() ?? null, withPem });
  }

  /**
   * The immutable part of a certificate looked up before (its `status` is not known: the
   * write re-checks it), or undefined. `withPem`: only an entry that holds the PEM will do.
   */
  knownCertificate(serialNumber: string, withPem: boolean): CheckInCertificate | undefined {
    const hit = this.known.get(serialNumber.toUpperCase());
    return hit && (!withPem || hit.pem) ? hit : undefined;
  }

  /** Records an authenticated check-in; settles once it is committed (or found replayed or ineligible). */
  record(checkIn: CheckInRecord): Promise<CheckInWrite> {
    return this.writes.submit(checkIn);
  }

  private async lookupBatch(
    items: { deviceId: string; serialNumber: string | null; withPem: boolean }[],
  ): Promise<CheckInSubject[]> {
    const rows = await this.query<Record<string, unknown>>(LOOKUP_SQL, [
      items.map((i) => i.deviceId),
      items.map((i) => i.serialNumber),
      items.map((i) => i.withPem),
    ]);
    const subjects: CheckInSubject[] = new Array(items.length);
    for (const row of rows) {
      const subject = toSubject(row);
      subjects[(row['__ord'] as number) - 1] = subject;
      const certificate = subject.certificate;
      if (certificate && (certificate.pem || !this.known.get(certificate.serialNumber)?.pem))
        this.known.set(certificate.serialNumber, certificate);
    }
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
    const rows = await this.query<Record<string, unknown>>(CHECK_IN_RECORD_SQL, [
      items.map((i) => i.id),
      items.map((i) => i.deviceId),
      items.map((i) => i.nonce),
      items.map((i) => i.certificateId),
      items.map((i) => i.certificateSerialNumber),
      items.map((i) => i.proofType),
      items.map((i) => i.checkedInAt.toISOString()),
      this.otherPathStates,
    ]);
    const written = new Map<string, CheckInWrite>();
    for (const row of rows) {
      if (!row['__recorded']) {
        written.set(row['__id'] as string, { outcome: 'replayed' });
        continue;
      }
      written.set(row['__id'] as string, {
        outcome: 'recorded',
        deviceRow: deviceRowOf(row),
        userPrincipalName: (row['__upn'] as string | null) ?? null,
      });
    }
    return items.map((i) => written.get(i.id) ?? { outcome: 'ineligible' });
  }

  private query<T>(text: string, values: unknown[]): Promise<T[]> {
    return poolQuery<T>(this.em(), text, values);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
