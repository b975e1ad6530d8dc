import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { EventBus } from '../../events/event-bus.js';
import { Topic, type DeviceUpdatedPayload, type PendingEvent } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { DomainError } from '../../shared/domain-error.js';
import { AuditOutcome } from '../audit/audit-record.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import { EnrollmentMethodKind } from '../catalog/enrollment-method-kind.enum.js';
import type { CertificateService } from '../certificate/certificate.service.js';
import { CertificateStore } from '../certificate/certificate.store.js';
import { MdmCertificateStatus } from '../certificate/mdm-certificate.enums.js';
import { DeviceActionKind, DeviceActionState } from '../device-action/device-action.entity.js';
import { cancelPendingActions, record as actionRecord } from '../device-action/device-action.service.js';
import { ManagedDevice } from '../device/device.entity.js';
import { deviceBefore, toDeviceEventPayload, toDeviceUpdatedPayload } from '../device/device.events.js';
import { ManagementState } from '../device/device.enums.js';
import { PrerequisiteMissingError } from '../enrollment/enrollment.errors.js';
import type { EnrollmentService } from '../enrollment/enrollment.service.js';
import { EnrollmentIdInUseError, MdmAuthenticationError, MdmProtocolError } from './apple-mdm.errors.js';
import { MdmEnrollmentChannel, type AppleMdmEnrollment } from './apple-mdm-enrollment.entity.js';
import { messageDigest, rememberMessage } from './message-replay.policy.js';
import type { AppleMdmEnrollmentStore } from './apple-mdm-enrollment.store.js';
import type { MdmCommandQueue } from './command-queue.service.js';
import type { IdentityRenewalService } from './identity-renewal.service.js';
import {
  authenticateDevice,
  knownCertificate,
  type AuthenticatedDevice,
  type RenewedIdentities,
} from './mdm-device.authenticator.js';
import { deviceConfigured, deviceInformation } from './mdm-commands.js';
import { identityKey, type CheckInMessage } from './mdm-message.js';
import type { MdmClientCertificate } from './mdm-signature.js';
import type { PendingEnrollments } from './pending-enrollment.js';

/** Stateless; one serves every call. */
const certificates = new CertificateStore();

/** What the check-in endpoint answers: a status and, for GetBootstrapToken, a plist dictionary. */
export interface CheckInAnswer {
  status: number;
  plist?: Record<string, unknown>;
}

type Message<T extends CheckInMessage['MessageType']> = Extract<CheckInMessage, { MessageType: T }>;

/** Where a request came from, for the audit. */
export interface MdmRequestFacts {
  clientAddress: string | null;
  requestId: string;
  /** The exact body: state-changing messages are remembered by its digest (replays). */
  body?: Uint8Array;
}

/**
 * Apple's check-in protocol (PUT to the CheckInURL; Apple's protocol reference, "Check-In"):
 * Authenticate enrolls the device through the same rules as `enrollDevice`; TokenUpdate stores
 * how to wake it and completes the enrollment; CheckOut ends it. Every message has been
 * authenticated by its identity certificate (mdm-signature.ts) before it arrives here.
 */
export class AppleCheckInService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly deps: {
      enrollment: EnrollmentService;
      certificates: CertificateService;
      enrollments: AppleMdmEnrollmentStore;
      commands: MdmCommandQueue;
      audit: AuditService;
      logger: Logger;
      pending: PendingEnrollments | null;
      /** Whether the gateway serves macOS user channels (UserAuthenticate); it does not yet. */
      userChannels: boolean;
      renewal: IdentityRenewalService;
    },
  ) {}

  /** Lets authentication adopt a renewed identity presented on its own channel. */
  private renewals(now: Date): RenewedIdentities {
    return { service: this.deps.renewal, now };
  }

  /** Publishes the `certificateRenewed` of a message that was the first signed with a renewed identity. */
  private publishRenewal(found: AuthenticatedDevice | undefined): void {
    if (found?.renewed)
      void this.events.publishCommitted([{ topic: Topic.CertificateRenewed, payload: found.renewed }]);
  }

  /**
   * Handles one check-in message from the holder of `certificate`.
   * @throws MdmAuthenticationError (401), MdmProtocolError (403 refused enrollment, 410 user channel)
   */
  async handle(
    em: EntityManager,
    message: CheckInMessage,
    certificate: MdmClientCertificate,
    facts: MdmRequestFacts,
  ): Promise<CheckInAnswer> {
    if (message.identity.userId && !this.deps.userChannels && message.MessageType !== 'CheckOut')
      throw userChannelsDeclined();
    switch (message.MessageType) {
      case 'Authenticate':
        return this.authenticate(em, message, certificate, facts);
      case 'TokenUpdate':
        return this.tokenUpdate(em, message, certificate, facts);
      case 'CheckOut':
        return this.checkOut(em, message, certificate);
      case 'UserAuthenticate':
        // Apple: a server without user channels answers 410, and the device stops asking.
        throw userChannelsDeclined();
      case 'GetBootstrapToken':
        return this.withDevice(em, message, certificate, async (_tx, { enrollment }) => ({
          status: 200,
          plist: enrollment.bootstrapToken
            ? { BootstrapToken: Buffer.from(enrollment.bootstrapToken, 'base64') }
            : {},
        }));
      case 'SetBootstrapToken':
        return this.withDevice(em, message, certificate, async (_tx, { enrollment }) => {
          if (this.replayed(enrollment, certificate, message, facts)) return { status: 200 };
          // Apple: an absent BootstrapToken clears the escrowed one.
          enrollment.bootstrapToken = message.BootstrapToken?.toString('base64') ?? null;
          return { status: 200 };
        });
      case 'DeclarativeManagement':
        // Declarative management is not offered (no profile or command enables it): Apple's
        // devices treat a 4xx as "not supported"; the device is authenticated first all the same.
        return this.withDevice(em, message, certificate, async () => {
          throw new MdmProtocolError(
            404,
            'DECLARATIVE_MANAGEMENT_NOT_OFFERED',
            'declarative management is not offered by this gateway',
          );
        });
    }
  }

  /**
   * Authenticate: the device asks to enroll with the identity certificate SCEP gave it. A
   * pending enrollment goes through `EnrollmentService.enroll` (method, ownership, restrictions,
   * limits, DEM caps, re-enrollment of known hardware) recording that certificate; a certificate
   * the gateway already issued to a managed device binds this UDID to it. A refusal revokes the
   * certificate, is audited, and answers 403. Apple: answer 200 without assuming the profile is
   * installed; the device becomes reachable at the first TokenUpdate.
   *
   * `deviceEnrolled` is published here, once, by `EnrollmentService.enroll` when the rules accept:
   * the moment the device record and its certificate exist, as for a device enrolled through
   * `enrollDevice` (whose later check-ins, protocol or GraphQL, publish no second one).
   */
  private async authenticate(
    em: EntityManager,
    message: Message<'Authenticate'>,
    presented: MdmClientCertificate,
    facts: MdmRequestFacts,
  ): Promise<CheckInAnswer> {
    const now = this.clock.now();
    const identifier = identityKey(message.identity);
    const channel =
      message.identity.kind === 'device' ? MdmEnrollmentChannel.device : MdmEnrollmentChannel.userEnrollment;
    const known = await certificates.bySerialNumberWithDevice(em, presented.serialNumber);
    if (
      known?.device?.getEntity() &&
      known.status !== MdmCertificateStatus.revoked &&
      known.sha256Thumbprint === presented.sha256Thumbprint
    ) {
      const device = known.device!.getEntity();
      if (device.managementState !== ManagementState.managed)
        throw new MdmAuthenticationError('DEVICE_NOT_MANAGED', `the device is ${device.managementState}`);
      await em.transactional(async (tx) => {
        // The certificate speaks for its own device only: it may name the UDID (or EnrollmentID)
        // already bound to that device, or one bound to no device while its device has no other.
        // Anything else would hand another device's channel (its push token, its command queue) to
        // the certificate's holder (Apple: the identity certificate authenticates the device).
        const [byIdentifier, byDevice] = await Promise.all([
          this.deps.enrollments.byIdentifier(tx, identifier, true),
          this.deps.enrollments.byDevice(tx, device.id),
        ]);
        if (
          (byIdentifier && byIdentifier.deviceId !== device.id) ||
          (byDevice && byDevice.identifier !== identifier)
        )
          throw new MdmAuthenticationError(
            'WRONG_DEVICE',
            'the identity certificate belongs to another device',
          );
        await this.deps.enrollments.bind(tx, {
          deviceId: device.id,
          channel,
          identifier,
          topic: message.Topic,
          authenticatedDateTime: now,
        });
      });
      return { status: 200 };
    }
    // A device that installed its re-sent enrollment profile authenticates again with the renewed
    // identity (NanoMDM records a device's new certificate at this message): it renews, it does
    // not enroll again.
    if (!known?.device && (await this.authenticateRenewed(em, message, presented, identifier, channel, now)))
      return { status: 200 };
    const binding = this.deps.pending ? await this.deps.pending.bindingFor(em, presented) : null;
    if (!binding) {
      await knownCertificate(em, presented); // the precise reason: unknown or revoked
      throw new MdmAuthenticationError(
        'NO_PENDING_ENROLLMENT',
        'the identity certificate belongs to no pending enrollment',
      );
    }
    const userEnrollment = message.identity.kind === 'userEnrollment';
    const input = {
      platform: binding.platform,
      // Apple's User Enrollment: no hardware identifiers, always personal (BYOD).
      method: userEnrollment ? EnrollmentMethodKind.BYOD : binding.method,
      userPrincipalName: binding.userPrincipalName,
      enrollmentManagerUserPrincipalName: binding.enrollmentManagerUserPrincipalName,
      profileExportToken: binding.profileExportToken,
      deviceName: message.DeviceName ?? message.ProductName ?? 'Apple device',
      serialNumber: userEnrollment ? null : message.SerialNumber,
      imei: userEnrollment ? null : message.IMEI,
      osVersion: message.OSVersion ?? 'unknown',
      model: message.Model ?? message.ProductName,
      manufacturer: 'Apple',
    };
    const pending = this.deps.pending!;
    let enrolledEvents: PendingEvent[] = [];
    try {
      await em.transactional(async (tx) => {
        // DEP / USB-SA: the profile was issued for the serial the device's MachineInfo reported.
        if (binding.serialNumber && !sameSerial(binding.serialNumber, input.serialNumber))
          throw new PrerequisiteMissingError(
            `the device's serial number is not ${binding.serialNumber}, the one its enrollment profile was issued for`,
          );
        if (userEnrollment) {
          const bound = await this.deps.enrollments.byIdentifier(tx, identifier, true);
          if (bound && !bound.checkedOutDateTime) throw new EnrollmentIdInUseError();
        }
        const { device, unpublished } = await this.deps.enrollment.enroll(
          tx,
          input,
          null,
          presented.pem,
          binding.exportedProfile,
          userEnrollment,
        );
        enrolledEvents = unpublished ?? [];
        await this.deps.enrollments.bind(tx, {
          deviceId: device.id,
          channel,
          identifier,
          topic: message.Topic,
          authenticatedDateTime: now,
        });
        await pending.completed(tx, binding, device, now);
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await em.transactional(async (tx) => {
        await pending.refused(tx, binding, error.code, now);
        await this.deps.certificates.revokeBySerialNumber(tx, presented.serialNumber, now);
      });
      void this.deps.audit.record({
        action: 'mdm.Authenticate',
        outcome: AuditOutcome.refused,
        code: error.code,
        principal: null,
        clientAddress: facts.clientAddress,
        requestId: facts.requestId,
        targetType: 'MdmCertificate',
        targetId: presented.serialNumber,
        args: {
          udid: identifier,
          pendingEnrollmentId: binding.pendingEnrollmentId,
          method: input.method,
          platform: input.platform,
          reason: error.message,
        },
      });
      this.deps.logger.info(
        { code: error.code, pendingEnrollmentId: binding.pendingEnrollmentId },
        'Apple Authenticate refused by the enrollment rules',
      );
      throw new MdmProtocolError(403, error.code, error.message);
    }
    // After the commit that made the device, its certificate and its binding visible together.
    void this.events.publishCommitted(enrolledEvents);
    return { status: 200 };
  }

  /**
   * Authenticate signed with the renewal certificate of this very channel: the certificate becomes
   * the device's current one and the channel's topic is refreshed; `certificateRenewed` is published.
   * @returns false when the certificate is no renewal of this channel
   */
  private async authenticateRenewed(
    em: EntityManager,
    message: Message<'Authenticate'>,
    presented: MdmClientCertificate,
    identifier: string,
    channel: MdmEnrollmentChannel,
    now: Date,
  ): Promise<boolean> {
    if (!(await this.deps.enrollments.byIdentifier(em, identifier, false))) return false;
    let found: AuthenticatedDevice;
    try {
      found = await em.transactional(async (tx) => {
        const authenticated = await authenticateDevice(
          tx,
          this.deps.enrollments,
          message.identity,
          presented,
          this.renewals(now),
        );
        await this.deps.enrollments.bind(tx, {
          deviceId: authenticated.device.id,
          channel,
          identifier,
          topic: message.Topic,
          authenticatedDateTime: now,
        });
        return authenticated;
      });
    } catch (error) {
      // Not this channel's renewal (a new enrollment of the UDID, an ended device): enrollment decides.
      if (error instanceof MdmAuthenticationError) return false;
      throw error;
    }
    if (!found.renewed) return false;
    this.publishRenewal(found);
    return true;
  }

  /**
   * TokenUpdate: stores the push token, PushMagic, topic and UnlockToken (one without UnlockToken
   * keeps the stored one; Apple's schema notes). The first one makes the device reachable:
   * DeviceInformation is queued (and pushed), and a DEP device AwaitingConfiguration gets
   * DeviceConfigured after it. `deviceEnrolled` is not published again: Authenticate (or
   * `enrollDevice`) did, when the enrollment rules accepted the device. Repeats change only the
   * tokens.
   */
  private async tokenUpdate(
    em: EntityManager,
    message: Message<'TokenUpdate'>,
    certificate: MdmClientCertificate,
    facts: MdmRequestFacts,
  ): Promise<CheckInAnswer> {
    const now = this.clock.now();
    let first = false;
    let device: ManagedDevice | undefined;
    let authenticated: AuthenticatedDevice | undefined;
    await em.transactional(async (tx) => {
      const found = await authenticateDevice(
        tx,
        this.deps.enrollments,
        message.identity,
        certificate,
        this.renewals(now),
      );
      authenticated = found;
      const { enrollment } = found;
      if (this.replayed(enrollment, certificate, message, facts)) return;
      device = found.device;
      first = enrollment.lastTokenUpdateDateTime === null;
      tx.assign(enrollment, {
        topic: message.Topic,
        pushToken: message.Token.toString('hex'),
        pushMagic: message.PushMagic,
        unlockToken: message.UnlockToken?.toString('base64') ?? enrollment.unlockToken,
        lastTokenUpdateDateTime: now,
      });
      if (first) {
        enrollment.awaitingConfiguration = message.AwaitingConfiguration ?? false;
        device.lastSyncDateTime = now;
        this.deps.commands.enqueue(tx, device.id, deviceInformation());
        if (enrollment.awaitingConfiguration) this.deps.commands.enqueue(tx, device.id, deviceConfigured());
      }
    });
    if (first && device) this.deps.commands.wake(device.id);
    this.publishRenewal(authenticated);
    return { status: 200 };
  }

  /**
   * CheckOut: the device removed its MDM profile (sent once, best effort). The enrollment ends:
   * the device is retired (kept with its history), its certificate revoked, its open commands
   * cancelled, and the change published (`deviceCheckedIn` and `deviceUpdated` CHECKED_OUT). An unknown or already ended device is answered 200.
   */
  private async checkOut(
    em: EntityManager,
    message: Message<'CheckOut'>,
    certificate: MdmClientCertificate,
  ): Promise<CheckInAnswer> {
    const now = this.clock.now();
    let ended: ManagedDevice | null = null;
    let updated: DeviceUpdatedPayload | null = null;
    try {
      await em.transactional(async (tx) => {
        // A device whose profile was replaced by its renewal signs its CheckOut with the renewed
        // identity, possibly before any other message adopted it.
        const { device, enrollment } = await authenticateDevice(
          tx,
          this.deps.enrollments,
          message.identity,
          certificate,
          this.renewals(now),
        );
        const retiring = device.managementState === ManagementState.retirePending;
        const before = deviceBefore(device);
        enrollment.checkedOutDateTime = now;
        await this.deps.commands.cancelOpen(tx, device.id);
        await cancelPendingActions(tx, device.id, now);
        device.managementState = ManagementState.retired;
        device.lastSyncDateTime = now;
        await this.deps.certificates.revokeCurrent(tx, device.id, now);
        const action = actionRecord(
          device.id,
          DeviceActionKind.checkedOut,
          DeviceActionState.done,
          null,
          now,
        );
        if (retiring) action.details = 'the device removed its profile while a retire was pending';
        tx.persist(action);
        ended = device;
        updated = toDeviceUpdatedPayload(device, before, 'CHECKED_OUT', now);
      });
    } catch (error) {
      // Apple: CheckOut is best effort and answered 200 even for a device the server no longer knows.
      if (
        error instanceof MdmAuthenticationError &&
        ['UNKNOWN_DEVICE', 'DEVICE_NOT_MANAGED', 'CERTIFICATE_REVOKED'].includes(error.reason)
      )
        return { status: 200 };
      throw error;
    }
    if (ended)
      void this.events.publishCommitted([
        { topic: Topic.DeviceCheckedIn, payload: toDeviceEventPayload(ended, now) },
        ...(updated ? [{ topic: Topic.DeviceUpdated, payload: updated }] : []),
      ]);
    return { status: 200 };
  }

  /**
   * Remembers a state-changing message of the channel; when it repeats one already remembered, it
   * is a replay: audited `MESSAGE_REPLAYED` and answered 200 without effect (a real device's
   * identical resend would change nothing either).
   */
  private replayed(
    enrollment: AppleMdmEnrollment,
    certificate: MdmClientCertificate,
    message: CheckInMessage,
    facts: MdmRequestFacts,
  ): boolean {
    if (!facts.body) return false;
    const { replayed, recent } = rememberMessage(
      enrollment.recentMessageDigests,
      messageDigest(certificate.serialNumber, facts.body),
    );
    if (!replayed) {
      enrollment.recentMessageDigests = recent;
      return false;
    }
    void this.deps.audit.record({
      action: 'mdm.checkIn',
      outcome: AuditOutcome.refused,
      code: 'MESSAGE_REPLAYED',
      principal: null,
      clientAddress: facts.clientAddress,
      requestId: facts.requestId,
      targetType: 'ManagedDevice',
      targetId: enrollment.deviceId,
      args: { messageType: message.MessageType, udid: enrollment.identifier },
    });
    return true;
  }

  private async withDevice(
    em: EntityManager,
    message: CheckInMessage,
    certificate: MdmClientCertificate,
    work: (
      tx: EntityManager,
      found: Awaited<ReturnType<typeof authenticateDevice>>,
    ) => Promise<CheckInAnswer>,
  ): Promise<CheckInAnswer> {
    let found: AuthenticatedDevice | undefined;
    const answer = await em.transactional(async (tx) => {
      found = await authenticateDevice(
        tx,
        this.deps.enrollments,
        message.identity,
        certificate,
        this.renewals(this.clock.now()),
      );
      return work(tx, found);
    });
    this.publishRenewal(found);
    return answer;
  }
}

/** Serial numbers compare as `enrollDevice` stores them: case-insensitive, periods removed. */
function sameSerial(a: string, b: string | null | undefined): boolean {
  const normal = (value: string) => value.replaceAll('.', '').toUpperCase();
  return b != null && normal(a) === normal(b);
}

function userChannelsDeclined(): MdmProtocolError {
  return new MdmProtocolError(410, 'USER_CHANNEL_NOT_SUPPORTED', 'this gateway does not serve user channels');
}
