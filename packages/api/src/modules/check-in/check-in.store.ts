import type { EntityManager } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import { GroupCommit } from '../../shared/group-commit.js';
import { sqlOf } from '../../db/sql.js';
import { inlineAuditValues, type NewAuditRow } from '../audit/audit.store.js';
import {
  CHECK_IN_RECORD_SQL,
  deviceRowOf,
  IDLE_RECORD_SQL,
  LOCK_DEVICE_SQL,
  LOOKUP_SQL,
  toSubject,
} from './check-in.sql.js';
import type { CheckInProofType } from './check-in.enums.js';
import { DeviceCheckIn } from './device-check-in.entity.js';

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
  /** The audit record to append with the check-in when it is accepted (same statement); none by default. */
  audit?: NewAuditRow | null;
}

/**
 * What the write of one check-in did. `recorded`: durable, with the device row as updated (column
 * names, for `em.map`) and its user's UPN; `replayed`: the (device, nonce) pair was already
 * recorded; `ineligible`: nothing written, because when the statement ran the device no longer
 * existed or was in a state the common path does not handle, or the certificate was revoked.
 */
export type CheckInWrite =
  | {
      outcome: 'recorded';
      deviceRow: Record<string, unknown>;
      userPrincipalName: string | null;
      /** The user's `app_user` row (column names, timestamps as ISO text); null for a userless device. */
      userRow: Record<string, unknown> | null;
      /** The record's audit row was appended with it. */
      audited: boolean;
    }
  | { outcome: 'replayed' }
  | { outcome: 'ineligible' };

/** One Apple protocol Idle status report, from the holder of a certificate that signed it. */
export interface ProtocolIdle {
  /** The UDID or EnrollmentID the report names. */
  identifier: string;
  /** The presented identity certificate: uppercase hex serial, SHA-256 thumbprint (uppercase hex). */
  serialNumber: string;
  sha256Thumbprint: string;
  checkedInAt: Date;
}

/**
 * What the write of one Idle report did. `recorded`: committed, with the device row as updated
 * (column names, for `em.map`) and its user's UPN; `ineligible`: nothing written (unknown or
 * ended enrollment, certificate unknown, revoked or another device's, device ended, or a command
 * waiting for delivery), left to the protocol's full path, which tells which.
 */
export type ProtocolIdleWrite =
  | {
      outcome: 'recorded';
      deviceRow: Record<string, unknown>;
      userPrincipalName: string | null;
      /** The user's `app_user` row (column names, timestamps as ISO text); null for a userless device. */
      userRow: Record<string, unknown> | null;
    }
  | { outcome: 'ineligible' };

/** What the Idle statement must not accept: device states that ended, command statuses still to deliver. */
export interface ProtocolIdleRules {
  endedStates: readonly string[];
  undeliveredCommandStatuses: readonly string[];
}

/** Certificates remembered per instance (~0.3 KB each, ~1.5 KB with the PEM). */
const KNOWN_CERTIFICATES = 20_000;

/**
 * Every statement about check-ins. The hot path's lookups and writes are hand-written set-based
 * SQL through the seam ({@link sqlOf}) on the ORM's connection pool (the unit of work cost ~44 % of
 * the gateway's CPU per check-in; docs/performance.md), coalesced across concurrent check-ins
 * ({@link GroupCommit}): one SELECT per batch of lookups, one statement per batch of writes. Those
 * batches span requests, so they run outside any caller's transaction; the other methods run in
 * the entity manager they are given.
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
  private readonly idles: GroupCommit<ProtocolIdle, ProtocolIdleWrite>;
  private poolEm: EntityManager | undefined;

  /**
   * @param em any EntityManager of the gateway: only its connection pool is used
   * @param otherPathStates device states whose check-ins the common path must not record
   * @param idleRules what an Apple Idle report written by {@link recordIdle} must not meet
   * @param options group commit limits (GroupCommit's defaults: 256 items, 2 batches in flight)
   */
  constructor(
    private readonly em: () => EntityManager,
    private readonly otherPathStates: readonly string[],
    private readonly idleRules: ProtocolIdleRules,
    options: { maxBatch?: number; maxInFlight?: number } = {},
  ) {
    this.lookups = new GroupCommit((items) => this.lookupBatch(items), options);
    this.writes = new GroupCommit((items) => this.recordBatch(items), options);
    this.idles = new GroupCommit(
      (items) => this.inBatchOrAlone(items, (batch) => this.recordIdles(batch)),
      options,
    );
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

  /**
   * Records an Apple Idle status report (lastSyncDateTime) when nothing but that is to be done;
   * settles once committed, or `ineligible` with nothing written. Coalesced with concurrent
   * reports into one statement, which re-checks certificate revocation as it writes.
   */
  recordIdle(idle: ProtocolIdle): Promise<ProtocolIdleWrite> {
    return this.idles.submit(idle);
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
    const results = await this.inBatchOrAlone(items, (batch) => this.recordAll(batch));
    // A failed audit row must not fail its check-in: that one alone again without it (its
    // caller then audits the usual way, which logs a failure to audit).
    for (const [i, result] of results.entries()) {
      const item = items[i]!;
      if (!(result instanceof Error) || !item.audit) continue;
      try {
        results[i] = (await this.recordAll([{ ...item, audit: null }]))[0]!;
      } catch (error) {
        results[i] = asError(error);
      }
    }
    return results;
  }

  /** Runs `write` on the batch; if it fails, on each item alone, so one bad item fails only itself. */
  private async inBatchOrAlone<I, R>(
    items: I[],
    write: (batch: I[]) => Promise<R[]>,
  ): Promise<(R | Error)[]> {
    try {
      return await write(items);
    } catch (error) {
      if (items.length === 1) return [asError(error)];
    }
    const results: (R | Error)[] = [];
    for (const item of items) {
      try {
        results.push((await write([item]))[0]!);
      } catch (error) {
        results.push(asError(error));
      }
    }
    return results;
  }

  private async recordIdles(items: ProtocolIdle[]): Promise<ProtocolIdleWrite[]> {
    const rows = await this.query<Record<string, unknown>>(IDLE_RECORD_SQL, [
      items.map((i) => i.identifier),
      items.map((i) => i.serialNumber.toUpperCase()),
      items.map((i) => i.sha256Thumbprint),
      items.map((i) => i.checkedInAt.toISOString()),
      this.idleRules.endedStates,
      this.idleRules.undeliveredCommandStatuses,
    ]);
    const results: ProtocolIdleWrite[] = items.map(() => ({ outcome: 'ineligible' }));
    for (const row of rows)
      results[(row['__ord'] as number) - 1] = {
        outcome: 'recorded',
        deviceRow: deviceRowOf(row),
        userPrincipalName: (row['__upn'] as string | null) ?? null,
        userRow: (row['__user'] as Record<string, unknown> | null) ?? null,
      };
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
      ...inlineAuditValues(
        items.map((i) => i.audit ?? null),
        items.map((i) => i.id),
      ),
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
        userRow: (row['__user'] as Record<string, unknown> | null) ?? null,
        audited: false,
      });
    }
    return items.map((i) => {
      const write = written.get(i.id) ?? { outcome: 'ineligible' };
      return write.outcome === 'recorded' && i.audit ? { ...write, audited: true } : write;
    });
  }

  /**
   * Locks the device row for the rest of `tx`'s transaction (FOR NO KEY UPDATE, the lock its
   * update takes anyway), so that a concurrent delete waits for the check-in or has already
   * removed the row. No-op when there is no such device.
   */
  async lockDevice(tx: EntityManager, deviceId: string): Promise<void> {
    await sqlOf(tx).run(LOCK_DEVICE_SQL, [deviceId]);
  }

  /** Adds a check-in history row to `tx`'s unit of work (written at its flush). */
  add(
    tx: EntityManager,
    checkIn: Pick<
      DeviceCheckIn,
      'nonce' | 'certificateSerialNumber' | 'proofType' | 'renewed' | 'checkedInDateTime'
    > & { deviceId: string },
  ): DeviceCheckIn {
    const { deviceId, ...rest } = checkIn;
    return tx.create(DeviceCheckIn, { ...rest, device: deviceId });
  }

  /**
   * The `first` most recent accepted check-ins, newest first (ties by id), of one device or, with
   * `deviceId` null, of the whole fleet; each with its device loaded.
   */
  recent(em: EntityManager, deviceId: string | null, first: number): Promise<DeviceCheckIn[]> {
    return em.find(DeviceCheckIn, deviceId ? { device: deviceId } : {}, {
      orderBy: { checkedInDateTime: 'desc', id: 'desc' },
      limit: first,
      populate: ['device'],
    });
  }

  /**
   * The batches' statements, on the pool: through an entity manager of their own (a fork, which
   * follows no ambient context), so that a batch started from a caller's async context never runs
   * inside that caller's transaction.
   */
  private query<T extends object>(text: string, values: unknown[]): Promise<T[]> {
    this.poolEm ??= this.em().fork();
    return sqlOf(this.poolEm).rows<T>(text, values);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
