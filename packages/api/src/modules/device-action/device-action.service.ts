import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../../events/event-bus.js';
import { Topic, type DeviceChangeKind, type DeviceEventPayload } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { InputValidationError, NotFoundError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import type { ManagedDevice } from '../device/device.entity.js';
import { ManagedDeviceOwnerType, ManagementState } from '../device/device.enums.js';
import { DeviceStore } from '../device/device.store.js';
import { deviceIdSchema } from '../device/device.service.js';
import { deviceBefore, toDeviceEventPayload, toDeviceUpdatedPayload } from '../device/device.events.js';
import type { ActionCommands } from './device-action.commands.js';
import { OutOfScopeError } from '../auth/auth.errors.js';
import {
  deviceScopeOf,
  isInScope,
  type DeviceScope,
  type ScopedCaller,
} from '../auth/device-scope.policy.js';
import { DeviceAction, DeviceActionKind, DeviceActionState } from './device-action.entity.js';
import { ActionNotAllowedError, EnrollmentLockedError } from './device-action.errors.js';

/** The device store of this module (stateless: one serves every caller). */
const deviceStore = new DeviceStore();

/** What a pending state becomes when the device next checks in (Graph: retire/wipe complete on the device). */
const COMPLETION: Partial<Record<ManagementState, ManagementState>> = {
  [ManagementState.retirePending]: ManagementState.retired,
  [ManagementState.wipePending]: ManagementState.wiped,
};

/** True when the device has a retire/wipe/unenroll that its next check-in carries out. */
export function completesAtCheckIn(state: ManagementState): boolean {
  return COMPLETION[state] !== undefined;
}

/** The `device.updated` change each requested action publishes. */
const CHANGE_OF: Partial<Record<DeviceActionKind, DeviceChangeKind>> = {
  [DeviceActionKind.retire]: 'RETIRE_REQUESTED',
  [DeviceActionKind.wipe]: 'WIPE_REQUESTED',
  [DeviceActionKind.unenroll]: 'UNENROLL_REQUESTED',
  [DeviceActionKind.changeOwnership]: 'OWNERSHIP_CHANGED',
};

/**
 * Device actions (Graph `retire`, `wipe`, `delete`, plus the user's own unenroll) with explicit
 * states: each request records a `device_action` row (audit history) and moves the device to a
 * pending state that completes at its next check-in ({@link completePendingActions}). After
 * commit, each action that changed the device publishes `device.updated`; a delete publishes
 * `device.removed`.
 */
export class DeviceActionService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    /** Every statement about devices and their action history. */
    private readonly store: DeviceStore = deviceStore,
    /** Carries retire, wipe and unenroll to devices that take commands (Apple's MDM protocol); optional. */
    private commands: ActionCommands | null = null,
  ) {}

  /** Sets what carries actions to devices that take commands (wired after construction). */
  sendCommandsWith(commands: ActionCommands): void {
    this.commands = commands;
  }

  /**
   * Admin retire: company data is removed at the next check-in; the record stays as `retired`.
   * Allowed on a managed device, also with a locked enrollment (seed: locked only binds the user).
   * @throws NotFoundError; ActionNotAllowedError unless the device is `managed`
   */
  retire(em: EntityManager, deviceId: string, requestedBy: string | null): Promise<ManagedDevice> {
    return this.request(em, deviceId, DeviceActionKind.retire, requestedBy, (device) => {
      if (device.managementState !== ManagementState.managed)
        throw new ActionNotAllowedError(device.id, 'retire', device.managementState);
      device.managementState = ManagementState.retirePending;
    });
  }

  /**
   * Admin wipe: factory reset at the next check-in; from then on the record is `wiped`, holds no
   * user, and its MDM certificate is not renewed (seed: "If mobile devices are wiped ... the MDM
   * certificate is not renewed"). Supersedes a pending retire or unenroll.
   * @throws NotFoundError; ActionNotAllowedError when the device is already wiped, wipePending or retired
   */
  wipe(em: EntityManager, deviceId: string, requestedBy: string | null): Promise<ManagedDevice> {
    return this.request(em, deviceId, DeviceActionKind.wipe, requestedBy, (device) => {
      if (
        device.managementState !== ManagementState.managed &&
        device.managementState !== ManagementState.retirePending
      ) {
        throw new ActionNotAllowedError(device.id, 'wipe', device.managementState);
      }
      device.managementState = ManagementState.wipePending;
    });
  }

  /**
   * The user removes the device from management: like retire, but refused for a locked enrollment
   * (seed column "Locked": users can't unenroll devices). Within the caller's device scope
   * (auth/device-scope.policy.ts): a user token unenrolls its user's devices only (any other
   * device is NOT_FOUND, exactly as one that does not exist, so nothing is learnt about it); an
   * ENROLLER token without a user is refused (FORBIDDEN) whatever the device.
   * @param caller the token's principal; null for the gateway itself
   * @throws OutOfScopeError; NotFoundError; EnrollmentLockedError; ActionNotAllowedError unless the device is `managed`
   */
  unenroll(
    em: EntityManager,
    deviceId: string,
    requestedBy: string | null,
    caller: ScopedCaller | null = null,
  ): Promise<ManagedDevice> {
    const scope = deviceScopeOf(caller);
    if (scope === 'none') return Promise.reject(new OutOfScopeError('unenrollDevice'));
    return this.request(
      em,
      deviceId,
      DeviceActionKind.unenroll,
      requestedBy,
      (device) => {
        if (device.lockedEnrollment) throw new EnrollmentLockedError(device.id);
        if (device.managementState !== ManagementState.managed)
          throw new ActionNotAllowedError(device.id, 'unenroll', device.managementState);
        device.managementState = ManagementState.retirePending;
      },
      scope,
    );
  }

  /**
   * Admin delete (Graph `delete`): the record is removed now; the action history stays. The
   * hardware may enroll again later as a new record.
   * @throws NotFoundError
   * @returns the id of the deleted device
   */
  async delete(em: EntityManager, deviceId: string, requestedBy: string | null): Promise<string> {
    const id = validateInput(deviceIdSchema, deviceId, 'deviceId');
    const now = this.clock.now();
    const removed: DeviceEventPayload = await em.transactional(async (tx) => {
      const device = await this.store.byId(tx, id, true);
      if (!device) throw new NotFoundError('ManagedDevice', id);
      const payload = toDeviceEventPayload(device, now);
      await this.store.cancelPendingActions(tx, id, now);
      // Its certificates and check-in history first (no cascading foreign key: DEVICE_CHILD_TABLES).
      await this.store.deleteChildren(tx, id);
      tx.persist(record(id, DeviceActionKind.delete, DeviceActionState.done, requestedBy, now));
      tx.remove(device);
      return payload;
    });
    void this.events.publishCommitted([{ topic: Topic.DeviceRemoved, payload: removed }]);
    return id;
  }

  /**
   * Admin change of ownership (Graph `managedDeviceOwnerType` update), audited with before → after.
   * @throws NotFoundError; InputValidationError for `unknown`
   */
  changeOwnership(
    em: EntityManager,
    deviceId: string,
    ownerType: ManagedDeviceOwnerType,
    requestedBy: string | null,
  ): Promise<ManagedDevice> {
    if (ownerType === ManagedDeviceOwnerType.unknown) {
      return Promise.reject(
        new InputValidationError([
          { field: 'ownerType', rule: 'enum', message: 'must be company or personal' },
        ]),
      );
    }
    return this.request(em, deviceId, DeviceActionKind.changeOwnership, requestedBy, (device, action) => {
      action.state = DeviceActionState.done;
      action.completedDateTime = action.requestedDateTime;
      action.details = `${device.managedDeviceOwnerType} → ${ownerType}`;
      device.managedDeviceOwnerType = ownerType;
    });
  }

  /**
   * The device's action history, newest first. A caller whose scope is not the whole fleet (a
   * user token, an ENROLLER that just enrolled the device) sees the actions of the device's
   * current enrollment only: earlier ones may name a previous holder (`requestedBy`).
   * @param caller the token's principal; null for the gateway itself
   */
  history(
    em: EntityManager,
    device: Pick<ManagedDevice, 'id' | 'enrolledDateTime'>,
    caller: ScopedCaller | null = null,
  ): Promise<DeviceAction[]> {
    const since = deviceScopeOf(caller) === 'all' ? undefined : device.enrolledDateTime;
    return this.store.actionHistory(em, device.id, since);
  }

  /**
   * The device checked in: a pending retire/wipe/unenroll is carried out now. retirePending →
   * retired, wipePending → wiped (user unlinked: the hardware was reset). Call inside the
   * check-in transaction; a no-op for a managed device.
   */
  async completePendingActions(
    em: EntityManager,
    device: ManagedDevice,
    now: Date,
  ): Promise<ManagementState | undefined> {
    const next = COMPLETION[device.managementState as ManagementState];
    if (!next) return undefined;
    device.managementState = next;
    if (next === ManagementState.wiped) device.user = null;
    await this.store.completePendingActions(em, device.id, now);
    return next;
  }

  /** Loads and locks the device (NOT_FOUND outside `scope`), applies `change`, records the action, commits. */
  private async request(
    em: EntityManager,
    deviceId: string,
    action: DeviceActionKind,
    requestedBy: string | null,
    change: (device: ManagedDevice, action: DeviceAction) => void,
    scope: DeviceScope = 'all',
  ): Promise<ManagedDevice> {
    const id = validateInput(deviceIdSchema, deviceId, 'deviceId');
    const now = this.clock.now();
    let before: ReturnType<typeof deviceBefore> | undefined;
    let queued = false;
    const device = await em.transactional(async (tx) => {
      const device = await this.store.byId(tx, id, true);
      // Out of scope reads as absent: the caller learns nothing about another user's device.
      if (!device || !isInScope(scope, device.user?.unwrap().userPrincipalName ?? null))
        throw new NotFoundError('ManagedDevice', id);
      before = deviceBefore(device);
      const entry = record(id, action, DeviceActionState.pending, requestedBy, now);
      change(device, entry);
      // A new retire/wipe supersedes whatever was pending (e.g. wipe after retire).
      if (entry.state === DeviceActionState.pending) {
        await this.store.cancelPendingActions(tx, id, now);
        queued = (await this.commands?.actionRequested(tx, id, entry)) ?? false;
      }
      tx.persist(entry);
      return device;
    });
    const kind = CHANGE_OF[action];
    const payload = kind && before && toDeviceUpdatedPayload(device, before, kind, now);
    if (payload) void this.events.publishCommitted([{ topic: Topic.DeviceUpdated, payload }]);
    if (queued) this.commands?.wake(id);
    return device;
  }
}

/** A new history row. */
export function record(
  deviceId: string,
  action: DeviceActionKind,
  state: DeviceActionState,
  requestedBy: string | null,
  now: Date,
): DeviceAction {
  return Object.assign(new DeviceAction(), {
    deviceId,
    action,
    state,
    requestedBy,
    requestedDateTime: now,
    completedDateTime: state === DeviceActionState.pending ? null : now,
  });
}

/**
 * Marks the device's pending actions as cancelled (superseded, re-enrolled, or deleted), for the
 * enrollment and check-in paths that re-enroll a device (DeviceStore.cancelPendingActions).
 */
export async function cancelPendingActions(em: EntityManager, deviceId: string, now: Date): Promise<void> {
  await deviceStore.cancelPendingActions(em, deviceId, now);
}
