import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CertificateConfig } from '../../config/config.js';
import type { EventBus } from '../../events/event-bus.js';
import { Topic, type PendingEvent } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { queryRows } from '../../shared/raw-sql.js';
import { NotFoundError } from '../../shared/domain-error.js';
import { ErrorCode } from '../../shared/error-code.js';
import { validateInput } from '../../shared/validation.js';
import { z } from 'zod';
import { DeviceCredentialError } from '../certificate/certificate.errors.js';
import type { CertificateService, IssuedCredential } from '../certificate/certificate.service.js';
import { checkInSigningInput, isExpired, verifyCheckInProof } from '../certificate/index.js';
import { lifecyclePolicy } from '../lifecycle/lifecycle.policy.js';
import type { MdmCertificate } from '../certificate/mdm-certificate.entity.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import { completesAtCheckIn, type DeviceActionService } from '../device-action/device-action.service.js';
import { ManagedDevice } from '../device/device.entity.js';
import { toCertificateEventPayload, toDeviceEventPayload } from '../device/device.events.js';
import { ManagementState } from '../device/device.enums.js';
import { ENDED_STATES as ENDED_STATE_LIST } from '../device/active-device.policy.js';
import { DeviceNotManagedError } from './check-in.errors.js';
import { CheckInProofType } from './check-in.enums.js';
import { checkInSchema, type CheckInCommand } from './check-in.input.js';
import type { CheckInCertificate, CheckInStore, CheckInWrite } from './check-in.store.js';
import { DeviceCheckIn } from './device-check-in.entity.js';

/** States that end management (device/active-device.policy.ts): the record is history, not a device that can check in. */
const ENDED_STATES = new Set(ENDED_STATE_LIST);

/**
 * Device states whose check-ins the common path (CheckInStore's batched write) must not record:
 * refused (ended) or completing a pending action (a transaction of their own).
 */
export const NOT_COMMON_PATH_STATES: readonly ManagementState[] = Object.values(ManagementState).filter(
  (state) => ENDED_STATES.has(state) || completesAtCheckIn(state),
);

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

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
   * @throws InputValidationError for a malformed id or CSR; NotFoundError for an unknown device;
   *   DeviceNotManagedError for a retired/wiped device; DeviceCredentialError for a missing, invalid,
   *   other device's, revoked or expired credential, or a replay
   */
  async checkIn(em: EntityManager, input: unknown): Promise<CheckInOutcome> {
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
      const written = await this.record(command, known, now);
      if (written.outcome !== 'ineligible') return this.recorded(em, written, now);
    }
    const subject = await this.store.lookup(command.deviceId, command.certificateSerialNumber, withPem);
    const state = subject.deviceRow?.['management_state'] as ManagementState | undefined;
    if (!subject.deviceRow || !state) throw new NotFoundError('ManagedDevice', command.deviceId);
    if (ENDED_STATES.has(state)) throw new DeviceNotManagedError(command.deviceId, state);
    const certificate = this.authenticate(command, subject.certificate, now);
    if (!completesAtCheckIn(state) && !this.renews(certificate, now)) {
      const written = await this.record(command, certificate, now);
      if (written.outcome !== 'ineligible') return this.recorded(em, written, now);
      // The device or the certificate changed between the lookup and the write (a retire, a
      // revocation): the transaction below reads them again and applies the rule that now holds.
    }
    return this.checkInInTransaction(em, command, now);
  }

  /** Whether this check-in renews the certificate (inside CERT_RENEWAL_WINDOW_DAYS). */
  private renews(certificate: CheckInCertificate, now: Date): boolean {
    return this.lifecycle.renewalDue(certificate.notAfter, now);
  }

  /** {@link authenticate} as a yes/no, for a certificate whose revocation status is not known yet. */
  private authenticates(command: CheckInCommand, certificate: CheckInCertificate, now: Date): boolean {
    try {
      this.authenticate(command, certificate, now);
      return true;
    } catch {
      return false;
    }
  }

  /** Writes the check-in with the common path's batched statement; settles once committed. */
  private record(command: CheckInCommand, certificate: CheckInCertificate, now: Date): Promise<CheckInWrite> {
    return this.store.record({
      id: randomUUID(),
      deviceId: command.deviceId,
      nonce: command.nonce!,
      certificateId: certificate.id,
      certificateSerialNumber: certificate.serialNumber,
      proofType: command.proofType,
      checkedInAt: now,
    });
  }

  /** The outcome of a committed (or replayed) common-path check-in; publishes `deviceCheckedIn`. */
  private recorded(
    em: EntityManager,
    written: Exclude<CheckInWrite, { outcome: 'ineligible' }>,
    now: Date,
  ): CheckInOutcome {
    if (written.outcome === 'replayed') throw replayed();
    // The committed row; lastSyncDateTime is this check-in's (a later one of the same batch may have set the row's).
    const device = em.map(ManagedDevice, { ...written.deviceRow, last_sync_date_time: now });
    void this.events.publishCommitted([
      { topic: Topic.DeviceCheckedIn, payload: toDeviceEventPayload(device, now, written.userPrincipalName) },
    ]);
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
    let outcome: CheckInOutcome & { previousCertificateId: string };
    try {
      outcome = await em.transactional(async (tx) => {
        // The device row locked first (the lock its update below takes anyway): this transaction writes
        // the device's children (a check-in, maybe a certificate), which have no foreign key to it
        // (device-children.sql.ts), so a concurrent delete either waits for it or has removed the row.
        await queryRows(tx, 'select 1 from managed_device where id = ? for no key update', [
          command.deviceId,
        ]);
        const device = await tx.findOne(ManagedDevice, command.deviceId, { populate: ['user'] });
        if (!device) throw new NotFoundError('ManagedDevice', command.deviceId);
        if (ENDED_STATES.has(device.managementState))
          throw new DeviceNotManagedError(device.id, device.managementState);
        const entity = command.certificateSerialNumber
          ? await this.certificates.bySerialNumber(tx, command.certificateSerialNumber)
          : null;
        const certificate = this.authenticate(command, entity && toCredential(entity), now);

        device.lastSyncDateTime = now;
        // A pending retire or wipe is carried out by this check-in; the certificate then stops
        // (seed: a wiped device's MDM certificate is not renewed).
        const completed = await this.deviceActions.completePendingActions(tx, device, now);
        let renewal: IssuedCredential | undefined;
        if (completed) {
          await this.certificates.revokeCurrent(tx, device.id, now);
        } else if (this.renews(certificate, now)) {
          renewal = await this.certificates.issue(tx, device, now, command.csr, 'input.csr');
        }
        tx.create(DeviceCheckIn, {
          device: device.id,
          nonce: command.nonce!,
          certificateSerialNumber: certificate.serialNumber,
          proofType: command.proofType,
          renewed: renewal !== undefined,
          checkedInDateTime: now,
        });
        await tx.flush();
        return { device, renewal, previousCertificateId: certificate.id };
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw replayed();
      throw error;
    }
    events.push({ topic: Topic.DeviceCheckedIn, payload: toDeviceEventPayload(outcome.device, now) });
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
    return em.find(DeviceCheckIn, deviceId ? { device: deviceId } : {}, {
      orderBy: { checkedInDateTime: 'desc', id: 'desc' },
      limit: first,
      populate: ['device'],
    });
  }

  /**
   * Verifies the proof with the certificate it names (`certificate`: the one with that serial
   * number, null if none). Order: credential present; certificate known; issued to this device;
   * not revoked; then the proof (time skew, chain to the CA, validity, signature), so an expired
   * certificate is reported as expired. Synchronous: no I/O.
   */
  private authenticate(
    command: CheckInCommand,
    certificate: CheckInCertificate | null,
    now: Date,
  ): CheckInCertificate {
    const { certificateSerialNumber: serial, timestamp, nonce, signature } = command;
    if (!serial || !timestamp || !nonce || !signature) {
      throw new DeviceCredentialError(
        ErrorCode.DEVICE_CREDENTIAL_INVALID,
        'MISSING_PROOF',
        'a check-in needs certificateSerialNumber, timestamp, nonce and signature',
      );
    }
    if (!certificate) {
      throw new DeviceCredentialError(
        ErrorCode.DEVICE_CREDENTIAL_INVALID,
        'UNKNOWN_CERTIFICATE',
        'no certificate with this serial number was issued by this gateway',
      );
    }
    if (certificate.deviceId !== command.deviceId) {
      throw new DeviceCredentialError(
        ErrorCode.DEVICE_CREDENTIAL_WRONG_DEVICE,
        'WRONG_DEVICE',
        'the certificate was issued to another device',
      );
    }
    if (certificate.status === MdmCertificateStatus.revoked) {
      throw new DeviceCredentialError(
        ErrorCode.CERTIFICATE_REVOKED,
        'REVOKED',
        `the certificate was revoked (${certificate.revocationReason ?? 'unspecified'})`,
      );
    }
    if (command.proofType === CheckInProofType.SIGNATURE) {
      const result = verifyCheckInProof({
        certificatePem: certificate.pem,
        caCertificatePem: this.certificates.authority.ca.certificatePem,
        deviceId: command.deviceId,
        timestamp,
        nonce,
        signatureB64: signature,
        now,
        maxSkewSeconds: this.config.maxSkewSeconds,
      });
      if (result.ok) return certificate;
      if (result.failure === 'CERTIFICATE_EXPIRED') throw expired();
      if (result.failure === 'WRONG_DEVICE') {
        throw new DeviceCredentialError(
          ErrorCode.DEVICE_CREDENTIAL_WRONG_DEVICE,
          result.failure,
          result.message,
        );
      }
      throw new DeviceCredentialError(ErrorCode.DEVICE_CREDENTIAL_INVALID, result.failure, result.message);
    }
    // HMAC with the device token: the same signing input, skew and validity rules as SIGNATURE.
    let signingInput: Buffer;
    try {
      if (!ISO_TIMESTAMP.test(timestamp) || Number.isNaN(Date.parse(timestamp)))
        throw new RangeError('timestamp');
      signingInput = checkInSigningInput(command.deviceId, timestamp, nonce);
    } catch {
      throw new DeviceCredentialError(
        ErrorCode.DEVICE_CREDENTIAL_INVALID,
        'MALFORMED_PROOF',
        'timestamp or nonce is not in the expected format',
      );
    }
    if (Math.abs(now.getTime() - Date.parse(timestamp)) > this.config.maxSkewSeconds * 1000) {
      throw new DeviceCredentialError(
        ErrorCode.DEVICE_CREDENTIAL_INVALID,
        'STALE_TIMESTAMP',
        'timestamp is outside the allowed clock skew',
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
    if (!this.certificates.hmacMatches(certificate.sha256Thumbprint, signingInput, signature)) {
      throw new DeviceCredentialError(
        ErrorCode.DEVICE_CREDENTIAL_INVALID,
        'BAD_SIGNATURE',
        'the HMAC does not match the device token of this certificate',
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

/** The certificate entity as {@link CheckInService.authenticate} reads it. */
function toCredential(certificate: MdmCertificate): CheckInCertificate {
  return {
    id: certificate.id,
    deviceId: certificate.device.id,
    serialNumber: certificate.serialNumber,
    sha256Thumbprint: certificate.sha256Thumbprint,
    status: certificate.status,
    revocationReason: certificate.revocationReason,
    pem: certificate.pem,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
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
