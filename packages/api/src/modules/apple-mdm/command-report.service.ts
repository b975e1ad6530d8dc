import type { EntityManager } from '@mikro-orm/postgresql';
import type { CertificateConfig } from '../../config/config.js';
import type { EventBus } from '../../events/event-bus.js';
import { Topic, type CertificateEventPayload, type DeviceUpdatedPayload } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { isInRenewalWindow } from '../certificate/certificate-status.js';
import type { CertificateService } from '../certificate/certificate.service.js';
import type { DeviceActionService } from '../device-action/device-action.service.js';
import type { CheckInStore } from '../check-in/check-in.store.js';
import { ManagedDevice } from '../device/device.entity.js';
import {
  deviceBefore,
  toDeviceEventPayload,
  toDeviceUpdatedPayload,
  withCommittedDevice,
} from '../device/device.events.js';
import { DeviceStore } from '../device/device.store.js';
import type { AppleMdmEnrollmentStore } from './apple-mdm-enrollment.store.js';
import type { MdmCommandQueue } from './command-queue.service.js';
import { MdmCommandStatus, type MdmCommand } from './mdm-command.entity.js';
import { authenticateDevice, type AuthenticatedDevice } from './mdm-device.authenticator.js';
import type { IdentityRenewalService } from './identity-renewal.service.js';
import { identityKey, type CommandReport, type CommandStatus, type ErrorChainItem } from './mdm-message.js';
import type { MdmClientCertificate } from './mdm-signature.js';

/** What the server URL answers: the next command, or nothing (200 with an empty body). */
export interface CommandAnswer {
  next: MdmCommand | null;
  /** The device's certificate is inside its renewal window (CERT_RENEWAL_WINDOW_DAYS). */
  renewalDue: boolean;
  /**
   * The report answered a command that was already settled: a replay (or a device resending an
   * answer whose reply it lost). It changed nothing and gets nothing (see {@link isReplayedAnswer}).
   */
  replayed?: boolean;
}

/** Answers after which a command is settled for good. */
/** Stateless but for its row mappers (built once); one serves every call. */
const devices = new DeviceStore();

const SETTLED = new Set([
  MdmCommandStatus.acknowledged,
  MdmCommandStatus.error,
  MdmCommandStatus.commandFormatError,
]);

/**
 * Whether a command answer repeats one already recorded: the command it names was settled
 * (Acknowledged, Error, CommandFormatError). Apple's devices answer a delivered command once; a
 * second answer settles nothing and must not be answered with the next command, or whoever
 * replays a captured answer would receive the device's commands (and, during an identity
 * renewal, its enrollment challenge). Idle reports are not replay-sensitive: a device sends the
 * same Idle body again and again, and an Idle changes nothing but the last contact time.
 */
export function isReplayedAnswer(command: Pick<MdmCommand, 'status'> | null): boolean {
  return command !== null && SETTLED.has(command.status);
}

const STATUS_OF_ANSWER: Record<Exclude<CommandStatus, 'Idle'>, MdmCommandStatus> = {
  Acknowledged: MdmCommandStatus.acknowledged,
  Error: MdmCommandStatus.error,
  CommandFormatError: MdmCommandStatus.commandFormatError,
  NotNow: MdmCommandStatus.notNow,
};

/**
 * Apple's command protocol (PUT to the ServerURL): every report is a check-in (lastSyncDateTime,
 * `deviceCheckedIn`); an answer settles its command, and the answer to a command that carries
 * out a device action settles the action (RemoveProfile acknowledged: retirePending → retired;
 * EraseDevice acknowledged: wipePending → wiped, certificate revoked as at any completion). The
 * reply is the next command of the device's queue. An answer that completes an action also
 * publishes `deviceUpdated` (ACTION_COMPLETED), as a GraphQL check-in does.
 */
export class AppleCommandService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly deps: {
      certificates: CertificateService;
      deviceActions: DeviceActionService;
      enrollments: AppleMdmEnrollmentStore;
      commands: MdmCommandQueue;
      checkIns: CheckInStore;
      config: CertificateConfig;
      renewal: IdentityRenewalService;
    },
  ) {}

  /**
   * An Idle report with nothing to deliver, from a device in good standing whose certificate is
   * outside its renewal window (the storm every enrolled device makes), is one coalesced
   * statement of the check-in store, which checks the enrollment, the certificate (revocation
   * included) and the queue as it writes; any other report, and an Idle that statement did not
   * accept, runs in its own ORM transaction, which applies the same rules and says which refused.
   * @throws MdmAuthenticationError (401) for a certificate or device that may not talk
   */
  async report(
    em: EntityManager,
    report: CommandReport,
    certificate: MdmClientCertificate,
  ): Promise<CommandAnswer> {
    const now = this.clock.now();
    // Outside the renewal window, an Idle has nothing to do but record the check-in, unless the
    // statement finds otherwise (a command waiting, a refusal): then the transaction below runs.
    if (
      report.status === 'Idle' &&
      !isInRenewalWindow(certificate.notAfter, now, this.deps.config.renewalWindowDays)
    ) {
      const written = await this.deps.checkIns.recordIdle({
        identifier: identityKey(report.identity),
        serialNumber: certificate.serialNumber,
        sha256Thumbprint: certificate.sha256Thumbprint,
        checkedInAt: now,
      });
      if (written.outcome === 'recorded') {
        // The committed row, read-only (it only feeds the event: no unit of work to register it
        // in), its user preloaded; lastSyncDateTime is this report's (a later one of the batch may
        // have set the row's). The event carries it, so its subscribers here are served with no read.
        const device = devices.committedWithUser(
          em,
          { ...written.deviceRow, last_sync_date_time: now },
          written.userRow,
        );
        void this.events.publishCommitted([
          {
            topic: Topic.DeviceCheckedIn,
            payload: withCommittedDevice(
              toDeviceEventPayload(device, now, written.userPrincipalName),
              device,
            ),
          },
        ]);
        return { next: null, renewalDue: false };
      }
    }
    let device!: ManagedDevice;
    let updated: DeviceUpdatedPayload | null = null;
    let renewed: CertificateEventPayload | undefined;
    let renewalQueued = false;
    const answer = await em.transactional(async (tx): Promise<CommandAnswer> => {
      const found = await authenticateDevice(tx, this.deps.enrollments, report.identity, certificate, {
        service: this.deps.renewal,
        now,
      });
      device = found.device;
      renewed = found.renewed;
      const command =
        report.status === 'Idle' ? null : await this.deps.commands.byUuid(tx, device.id, report.commandUuid!);
      if (isReplayedAnswer(command)) return { next: null, renewalDue: false, replayed: true };
      device.lastSyncDateTime = now;
      if (report.status !== 'Idle') {
        if (command && command.status !== MdmCommandStatus.cancelled) {
          const before = deviceBefore(device);
          if (await this.settle(tx, found, command, report, now))
            updated = toDeviceUpdatedPayload(device, before, 'ACTION_COMPLETED', now);
          // The device left management: nothing more to deliver.
          if (command.status === MdmCommandStatus.acknowledged && command.deviceActionId)
            return { next: null, renewalDue: false };
        }
      }
      const renewalDue = isInRenewalWindow(
        found.certificate.notAfter,
        now,
        this.deps.config.renewalWindowDays,
      );
      // Idle inside the renewal window: the device is told to renew its identity (once in flight).
      if (renewalDue && report.status === 'Idle')
        renewalQueued = await this.deps.renewal.queue(tx, device, identityKey(report.identity), now);
      return {
        next: await this.deps.commands.deliverNext(tx, device.id, report.commandUuid, now),
        renewalDue,
      };
    });
    if (renewalQueued) this.deps.commands.wake(device.id);
    if (answer.replayed) {
      if (renewed) void this.events.publishCommitted([{ topic: Topic.CertificateRenewed, payload: renewed }]);
      return answer;
    }
    void this.events.publishCommitted([
      { topic: Topic.DeviceCheckedIn, payload: toDeviceEventPayload(device, now) },
      ...(updated ? [{ topic: Topic.DeviceUpdated, payload: updated }] : []),
      ...(renewed ? [{ topic: Topic.CertificateRenewed, payload: renewed }] : []),
    ]);
    return answer;
  }

  /**
   * Records the device's answer to `command` and what it means for the device.
   * @returns whether the answer completed a device action (retired or wiped it)
   */
  private async settle(
    tx: EntityManager,
    { device, enrollment }: AuthenticatedDevice,
    command: MdmCommand,
    report: CommandReport,
    now: Date,
  ): Promise<boolean> {
    command.status = STATUS_OF_ANSWER[report.status as Exclude<CommandStatus, 'Idle'>];
    command.answeredDateTime = now;
    if (report.status === 'Error' || report.status === 'CommandFormatError') {
      command.answer = report.errorChain.map(describe).join('\n') || report.status;
      return false;
    }
    if (report.status !== 'Acknowledged') return false;
    switch (command.requestType) {
      case 'DeviceInformation': {
        const responses = report.body['QueryResponses'];
        if (responses && typeof responses === 'object' && !Array.isArray(responses)) {
          command.answer = JSON.stringify(responses);
          applyDeviceInformation(device, responses as Record<string, unknown>);
        }
        break;
      }
      case 'DeviceConfigured':
        enrollment.awaitingConfiguration = false;
        break;
    }
    if (command.deviceActionId) {
      // The device carried out the retire or wipe: complete it as a check-in completes it.
      const completed = await this.deps.deviceActions.completePendingActions(tx, device, now);
      if (completed) await this.deps.certificates.revokeCurrent(tx, device.id, now);
      await this.deps.commands.cancelOpen(tx, device.id);
      return completed !== undefined;
    }
    return false;
  }
}

function describe(item: ErrorChainItem): string {
  return `${item.ErrorDomain ?? 'unknown domain'} ${item.ErrorCode ?? '?'}: ${item.USEnglishDescription ?? item.LocalizedDescription ?? ''}`.trim();
}

/** DeviceInformation's answers that the device record keeps (the rest stays in the command's answer). */
function applyDeviceInformation(device: ManagedDevice, responses: Record<string, unknown>): void {
  const text = (key: string) =>
    typeof responses[key] === 'string' && responses[key] ? (responses[key] as string).slice(0, 256) : null;
  device.deviceName = text('DeviceName') ?? device.deviceName;
  device.osVersion = text('OSVersion')?.slice(0, 64) ?? device.osVersion;
  device.model = text('ProductName')?.slice(0, 128) ?? device.model;
}
