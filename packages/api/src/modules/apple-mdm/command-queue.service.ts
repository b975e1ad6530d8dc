import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../shared/clock.js';
import { DeviceActionKind, type DeviceAction } from '../device-action/device-action.entity.js';
import type { ActionCommands } from '../device-action/device-action.commands.js';
import type { AppleMdmEnrollmentStore } from './apple-mdm-enrollment.store.js';
import { enrollmentProfileIdentifier } from '../enrollment-profile/enrollment-profile.builder.js';
import { EnrollmentInvitationStore } from '../enrollment-profile/enrollment-invitation.store.js';
import { MdmCommand, MdmCommandStatus } from './mdm-command.entity.js';
import type { MdmCommandStore } from './mdm-command.store.js';
import { eraseDevice, newCommandUuid, removeProfile, type MdmCommandRequest } from './mdm-commands.js';

/** Wakes a device so it connects and fetches its commands (APNs); never throws. */
export interface DeviceWaker {
  wake(deviceId: string): void;
}

/**
 * The commands that carry out a device action on an Apple device (Apple's "RemoveProfile",
 * "EraseDevice"), given the PayloadIdentifier of the device's installed enrollment profile.
 */
const COMMAND_OF_ACTION: Partial<Record<DeviceActionKind, (profileIdentifier: string) => MdmCommandRequest>> =
  {
    [DeviceActionKind.retire]: removeProfile,
    [DeviceActionKind.unenroll]: removeProfile,
    [DeviceActionKind.wipe]: () => eraseDevice(),
  };

/**
 * The profile identifier named when the device's installed enrollment profile is unknown: a
 * device whose identity did not come from a profile this gateway built (its SCEP enrollment
 * record is gone, or it enrolled with a profile made elsewhere). A RemoveProfile of it is answered
 * with an Error by the device, which the action's history then shows.
 */
const UNKNOWN_PROFILE = enrollmentProfileIdentifier('unknown');

/**
 * The commands an Idle report gets delivered: queued, sent but never answered (sent again), or
 * answered NotNow (Apple: the device takes it at its next Idle).
 */
export const UNDELIVERED_COMMAND_STATUSES: readonly MdmCommandStatus[] = [
  MdmCommandStatus.queued,
  MdmCommandStatus.sent,
  MdmCommandStatus.notNow,
];

/**
 * A device's command queue: commands are delivered one at a time, oldest first, in answer to
 * the device's status reports; a command answered NotNow waits for the device's next Idle (Apple:
 * the device will not accept it before), one delivered but never answered is sent again then.
 */
export class MdmCommandQueue implements ActionCommands {
  constructor(
    private readonly clock: Clock,
    private readonly store: MdmCommandStore,
    private readonly enrollments: AppleMdmEnrollmentStore,
    private waker: DeviceWaker | null = null,
    private readonly invitations = new EnrollmentInvitationStore(),
  ) {}

  /** Sets who wakes devices once a command is queued (the push service, created after the queue). */
  wakeWith(waker: DeviceWaker): void {
    this.waker = waker;
  }

  /** Queues `request` for the device in the caller's transaction; wake the device after commit. */
  enqueue(
    tx: EntityManager,
    deviceId: string,
    request: MdmCommandRequest,
    deviceActionId: string | null = null,
  ): MdmCommand {
    return this.store.add(tx, {
      deviceId,
      commandUuid: newCommandUuid(),
      requestType: request.requestType,
      parameters: request.parameters,
      deviceActionId,
      status: MdmCommandStatus.queued,
      queuedDateTime: this.clock.now(),
    });
  }

  /**
   * A device action was requested (retire, wipe, unenroll): for a device enrolled through Apple's
   * protocol, its command replaces whatever was still open. Other devices complete the action at
   * their next check-in (GraphQL), so nothing is queued for them.
   * @returns whether a command was queued
   */
  async actionRequested(tx: EntityManager, deviceId: string, action: DeviceAction): Promise<boolean> {
    const command = COMMAND_OF_ACTION[action.action];
    if (!command) return false;
    const enrollment = await this.enrollments.byDevice(tx, deviceId);
    if (!enrollment || enrollment.checkedOutDateTime) return false;
    await this.store.cancelOpen(tx, deviceId, this.clock.now());
    const installed = await this.invitations.installedProfile(tx, deviceId);
    const profileIdentifier = installed
      ? enrollmentProfileIdentifier(installed.identifierId)
      : UNKNOWN_PROFILE;
    this.enqueue(tx, deviceId, command(profileIdentifier), action.id);
    return true;
  }

  /** After commit: asks the push service to wake the device. */
  wake(deviceId: string): void {
    this.waker?.wake(deviceId);
  }

  /**
   * The command to deliver now and marks it sent, in the caller's transaction.
   * @param answered the CommandUUID the device just answered (null for Idle); after a NotNow only
   *   queued commands are candidates, after Idle also those answered NotNow or never answered
   */
  async deliverNext(
    tx: EntityManager,
    deviceId: string,
    answered: string | null,
    now: Date,
  ): Promise<MdmCommand | null> {
    const statuses = answered ? [MdmCommandStatus.queued] : [...UNDELIVERED_COMMAND_STATUSES];
    const command = await this.store.next(tx, deviceId, statuses, answered);
    if (!command) return null;
    command.status = MdmCommandStatus.sent;
    command.sentDateTime = now;
    command.deliveries += 1;
    return command;
  }

  byUuid(tx: EntityManager, deviceId: string, commandUuid: string): Promise<MdmCommand | null> {
    return this.store.byUuid(tx, deviceId, commandUuid);
  }

  cancelOpen(tx: EntityManager, deviceId: string): Promise<number> {
    return this.store.cancelOpen(tx, deviceId, this.clock.now());
  }

  /** Cancels the device's open commands of `requestType`. */
  cancelOpenOfType(tx: EntityManager, deviceId: string, requestType: string): Promise<number> {
    return this.store.cancelOpenOfType(tx, deviceId, requestType, this.clock.now());
  }

  /** The device's commands, newest first (at most `limit`). */
  list(em: EntityManager, deviceId: string, limit = 50): Promise<MdmCommand[]> {
    return this.store.list(em, deviceId, limit);
  }
}
