import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CertificateConfig } from '../../config/config.js';
import type { EventBus } from '../../events/event-bus.js';
import { Topic, type DeviceUpdatedPayload, type PendingEvent } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { ErrorCode } from '../../shared/error-code.js';
import { validateInput } from '../../shared/validation.js';
import type { InlineAudit } from '../audit/audit.service.js';
import { z } from 'zod';
import { DeviceCredentialError } from '../certificate/certificate.errors.js';
import type { CertificateService, IssuedCredential } from '../certificate/certificate.service.js';
import { isExpired } from '../certificate/index.js';
import { lifecyclePolicy } from '../lifecycle/lifecycle.policy.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import { completesAtCheckIn, type DeviceActionService } from '../device-action/device-action.service.js';
import { ManagedDevice } from '../device/device.entity.js';
import { DeviceStore } from '../device/device.store.js';
import {
  deviceBefore,
  toCertificateEventPayload,
  toDeviceEventPayload,
  toDeviceUpdatedPayload,
  withCommittedDevice,
} from '../device/device.events.js';
import { ManagementState } from '../device/device.enums.js';
import { ENDED_STATES as ENDED_STATE_LIST } from '../device/active-device.policy.js';
import { DeviceNotManagedError } from './check-in.errors.js';
import { CheckInProofType } from './check-in.enums.js';
import { checkInSchema, type CheckInCommand } from './check-in.input.js';
import type { CheckInCertificate, CheckInStore, CheckInWrite } from './check-in.store.js';
import type { DeviceCheckIn } from './device-check-in.entity.js';
import { toCheckInCertificate, verifyPossession } from './device-possession.js';

/** States that end management (device/active-device.policy.ts): the record is history, not a device that can check in. */
const ENDED_STATES = new Set(ENDED_STATE_LIST);

/**
 * Device states whose check-ins the common path (CheckInStore's batched write) must not record:
 * refused (ended) or completing a pending action (a transaction of their own).
 */
export const NOT_COMMON_PATH_STATES: readonly ManagementState[] = Object.values(ManagementState).filter(
  (state) => ENDED_STATES.has(state) || completesAtCheckIn(state),
);

/** What a check-in produced. */
export interface CheckInOutcome {
  device: ManagedDevice;
  /** The new certificate when the check-in renewed it (inside the renewal window). */
  renewal?: IssuedCredential;
}

/** Records authenticated device check-ins (the device "communicating with the service", seed: MDM certificate cleanup). */
export class CheckInService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly certificates: CertificateService,
    private readonly config: CertificateConfig,
    private readonly deviceActions: DeviceActionService,
    private readonly store: CheckInStore,
    private readonly devices = new DeviceStore(),
  ) {
    this.lifecycle = lifecyclePolicy(config);
  }

  /** The lifecycle rules (renewal window), from the same configuration. */
  private readonly lifecycle: ReturnType<typeof lifecyclePolicy>;

  /**
   * Authenticates the device by its proof, then records the check-in durably: the (device, nonce)
   * pair is unique, so replays are refused; sets `lastSyncDateTime`; completes a pending
   * retire/wipe (revoking the certificate); renews the certificate when fewer than
   * CERT_RENEWAL_WINDOW_DAYS remain (seed: "The MDM certificate is renewed automatically when
   * mobile devices are communicating"). Publishes `deviceCheckedIn` (and `certificateRenewed`)
   * after commit.
   *
   * Two paths with the same rules. The common check-in (a device with nothing pending, outside
   * the renewal window) goes through {@link CheckInStore}: the proof is checked here against the
   * certificate (remembered from an earlier check-in, else one coalesced lookup), then one
   * coalesced write (group commit) re-checks device state and revocation as it records, and
   * resolves only once its batch has committed. A check-in that completes an action or renews,
   * or finds that something changed meanwhile, runs in its own ORM transaction
   * ({@link checkInInTransaction}): rare, and it may issue a certificate.
   * @throws InputValidationError for a malformed id or CSR;
   *   DeviceNotManagedError for a retired/wiped device (after the proof); DeviceCredentialError: one
   *   DEVICE_CREDENTIAL_INVALID for any failed proof (unknown device or certificate included), then
   *   for a proven credential: revoked, expired, or a replay
   * @param audit when given, the common path writes the success audit record in its own statement
   *   (and says so through it); otherwise the caller audits
   */
  async checkIn(em: EntityManager, input: unknown, audit?: InlineAudit): Promise<CheckInOutcome> {
    const command = validateInput(checkInSchema, input, 'input');
    const now = this.clock.now();
    const withPem = command.proofType === CheckInProofType.SIGNATURE;
    // A certificate seen before: authenticate with what never changes about it and let the write
    // check the rest (device state, revocation). Any doubt takes the full path below, which
    // reports refusals in their documented order.
    const known = command.certificateSerialNumber
      ? this.store.knownCertificate(command.certificateSerialNumber, withPem)
      : undefined;
    if (
      known &&
      known.deviceId === command.deviceId &&
      this.authenticates(command, known, now) &&
      !this.renews(known, now)
    ) {
      const written = await this.record(command, known, now, audit);
      if (written.outcome !== 'ineligible') return this.recorded(em, written, now, audit);
    }
    const subject = await this.store.lookup(command.deviceId, command.certificateSerialNumber, withPem);
    const state = subject.deviceRow?.['management_state'] as ManagementState | undefined;
    // Possession first: before it is proven, an unknown device is refused like any bad proof.
    const proven = this.provePossession(command, state ? subject.certificate : null, now);
    if (!state) throw notAccepted('UNKNOWN_DEVICE');
    if (ENDED_STATES.has(state)) throw new DeviceNotManagedError(command.deviceId, state);
    const certificate = this.checkStanding(proven, now);
    if (!completesAtCheckIn(state) && !this.renews(certificate, now)) {
      const written = await this.record(command, certificate, now, audit);
      if (written.outcome !== 'ineligible') return this.recorded(em, written, now, audit);
      // The device or the certificate changed between the lookup and the write (a retire, a
      // revocation): the transaction below reads them again and applies the rule that now holds.
    }
    return this.checkInInTransaction(em, command, now);
  }

  /** Whether this check-in renews the certificate (inside CERT_RENEWAL_WINDOW_DAYS). */
  private renews(certificate: CheckInCertificate, now: Date): boolean {
    return this.lifecycle.renewalDue(certificate.notAfter, now);
  }

  /** Possession and standing as a yes/no, for a certificate whose revocation status is not known yet. */
  private authenticates(command: CheckInCommand, certificate: CheckInCertificate, now: Date): boolean {
    try {
      this.checkStanding(this.provePossession(command, certificate, now), now);
      return true;
    } catch {
      return false;
    }
  }

  /** Writes the check-in with the common path's batched statement; settles once committed. */
  private record(
    command: CheckInCommand,
    certificate: CheckInCertificate,
    now: Date,
    audit: InlineAudit | undefined,
  ): Promise<CheckInWrite> {
    return this.store.record({
      id: randomUUID(),
      deviceId: command.deviceId,
      nonce: command.nonce!,
      certificateId: certificate.id,
      certificateSerialNumber: certificate.serialNumber,
      proofType: command.proofType,
      checkedInAt: now,
      audit: audit?.successRow(ManagedDevice.name, command.deviceId) ?? null,
    });
  }

  /** The outcome of a committed (or replayed) common-path check-in; publishes `deviceCheckedIn`. */
  private recorded(
    em: EntityManager,
    written: Exclude<CheckInWrite, { outcome: 'ineligible' }>,
    now: Date,
    audit: InlineAudit | undefined,
  ): CheckInOutcome {
    if (written.outcome === 'replayed') throw replayed();
    if (written.audited) audit?.written();
    // The committed row; lastSyncDateTime is this check-in's (a later one of the same batch may have set the row's).
    const row = { ...written.deviceRow, last_sync_date_time: now };
    const device = em.map(ManagedDevice, row);
    // The event carries the device as committed (read-only, its user preloaded), so that its
    // subscribers here are served with no read (EventDevices).
    const payload = withCommittedDevice(
      toDeviceEventPayload(device, now, written.userPrincipalName),
      this.devices.committedWithUser(em, row, written.userRow),
    );
    void this.events.publishCommitted([{ topic: Topic.DeviceCheckedIn, payload }]);
    return { device };
  }

  /**
   * The check-in as one ORM transaction (the path of check-ins that complete a pending action
   * or renew the certificate): reads the device and certificate again inside it, so the
   * decision holds for what it writes.
   */
  private async checkInInTransaction(
    em: EntityManager,
    command: CheckInCommand,
    now: Date,
  ): Promise<CheckInOutcome> {
    const events: PendingEvent[] = [];
    let outcome: CheckInOutcome & { previousCertificateId: string; updated: DeviceUpdatedPayload | null };
    try {
      outcome = await em.transactional(async (tx) => {
        // The device row locked first (the lock its update below takes anyway): this transaction writes
        // the device's children (a check-in, maybe a certificate), which have no foreign key to it
        // (DEVICE_CHILD_TABLES in device/device.store.ts), so a concurrent delete either waits for it or has removed the row.
        await this.store.lockDevice(tx, command.deviceId);
        const device = await this.devices.byId(tx, command.deviceId);
        const entity =
          device && command.certificateSerialNumber
            ? await this.certificates.bySerialNumber(tx, command.certificateSerialNumber)
            : null;
        const proven = this.provePossession(command, entity && toCheckInCertificate(entity), now);
        if (!device) throw notAccepted('UNKNOWN_DEVICE');
        if (ENDED_STATES.has(device.managementState))
          throw new DeviceNotManagedError(device.id, device.managementState);
        const certificate = this.checkStanding(proven, now);

        device.lastSyncDateTime = now;
        const before = deviceBefore(device);
        // A pending retire or wipe is carried out by this check-in; the certificate then stops
        // (seed: a wiped device's MDM certificate is not renewed).
        const completed = await this.deviceActions.completePendingActions(tx, device, now);
        let renewal: IssuedCredential | undefined;
        if (completed) {
          await this.certificates.revokeCurrent(tx, device.id, now);
        } else if (this.renews(certificate, now)) {
          renewal = await this.certificates.issue(tx, device, now, command.csr, 'input.csr');
        }
        this.store.add(tx, {
          deviceId: device.id,
          nonce: command.nonce!,
          certificateSerialNumber: certificate.serialNumber,
          proofType: command.proofType,
          renewed: renewal !== undefined,
          checkedInDateTime: now,
        });
        await tx.flush();
        const updated = completed ? toDeviceUpdatedPayload(device, before, 'ACTION_COMPLETED', now) : null;
        return { device, renewal, previousCertificateId: certificate.id, updated };
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw replayed();
      throw error;
    }
    events.push({ topic: Topic.DeviceCheckedIn, payload: toDeviceEventPayload(outcome.device, now) });
    if (outcome.updated) events.push({ topic: Topic.DeviceUpdated, payload: outcome.updated });
    if (outcome.renewal) {
      events.push({
        topic: Topic.CertificateRenewed,
        payload: toCertificateEventPayload(outcome.device, outcome.renewal.certificate, now, {
          previousCertificateId: outcome.previousCertificateId,
        }),
      });
    }
    void this.events.publishCommitted(events);
    return outcome;
  }

  /**
   * The most recent accepted check-ins, newest first, of one device or of the whole fleet
   * (the dashboard's "recent check-ins").
   * @param first how many, 1-100 (default 20)
   * @throws InputValidationError for a malformed device id or `first` out of range
   */
  async recent(
    em: EntityManager,
    args: { deviceId?: string | null; first?: number | null },
  ): Promise<DeviceCheckIn[]> {
    const { deviceId, first } = validateInput(recentSchema, args);
    return this.store.recent(em, deviceId ?? null, first);
  }

  /**
   * Proof of possession: the check-in carries a proof made with the credential of a certificate
   * this gateway issued to this device (the certificate-key signature, or the HMAC keyed by the
   * device token), within the allowed clock skew. `certificate` is the one with the named serial
   * number, null when there is none (or no such device). Every failure here is one and the same
   * refusal ({@link notAccepted}): an anonymous caller cannot tell an unknown device id from an
   * unknown certificate serial, another device's certificate, or a wrong signature. Synchronous: no I/O.
   */
  private provePossession(
    command: CheckInCommand,
    certificate: CheckInCertificate | null,
    now: Date,
  ): CheckInCertificate {
    const result = verifyPossession(
      command.deviceId,
      command,
      certificate,
      {
        caCertificatePem: this.certificates.authority.ca.certificatePem,
        maxSkewSeconds: this.config.maxSkewSeconds,
        hmacMatches: (thumbprint, input, signature) =>
          this.certificates.hmacMatches(thumbprint, input, signature),
      },
      now,
    );
    if (!result.ok) throw notAccepted(result.reason);
    return certificate!;
  }

  /**
   * The standing of a certificate whose possession was proven, told to its holder only: revoked
   * (superseded, or the device retired or wiped), expired, not yet valid.
   */
  private checkStanding(certificate: CheckInCertificate, now: Date): CheckInCertificate {
    if (certificate.status === MdmCertificateStatus.revoked) {
      throw new DeviceCredentialError(
        ErrorCode.CERTIFICATE_REVOKED,
        'REVOKED',
        `the certificate was revoked (${certificate.revocationReason ?? 'unspecified'})`,
      );
    }
    if (isExpired(certificate.notAfter, now)) throw expired();
    if (now.getTime() < certificate.notBefore.getTime()) {
      throw new DeviceCredentialError(
        ErrorCode.DEVICE_CREDENTIAL_INVALID,
        'CERTIFICATE_NOT_YET_VALID',
        'the certificate is not yet valid',
      );
    }
    return certificate;
  }
}

const recentSchema = z.object({
  deviceId: z.uuid({ error: 'must be a UUID' }).nullish(),
  first: z
    .number()
    .int()
    .min(1)
    .max(100)
    .nullish()
    .transform((v) => v ?? 20),
});

/**
 * The one refusal of a check-in whose proof of possession failed, whatever failed: no device with
 * this id, no certificate with this serial, another device's certificate, a missing, malformed,
 * stale or wrong proof. `reason` (for the log) keeps which.
 */
function notAccepted(reason: string): DeviceCredentialError {
  return new DeviceCredentialError(
    ErrorCode.DEVICE_CREDENTIAL_INVALID,
    reason,
    'the check-in was not accepted: it needs a fresh proof (certificateSerialNumber, timestamp, nonce, signature) made with the credential of a certificate this gateway issued to this device',
  );
}

function replayed(): DeviceCredentialError {
  return new DeviceCredentialError(
    ErrorCode.CHECK_IN_REPLAYED,
    'REPLAYED',
    'this nonce was already used by this device: the check-in is a replay',
  );
}

function expired(): DeviceCredentialError {
  return new DeviceCredentialError(
    ErrorCode.CERTIFICATE_EXPIRED,
    'CERTIFICATE_EXPIRED',
    'the certificate has expired; enroll the device again',
  );
}
