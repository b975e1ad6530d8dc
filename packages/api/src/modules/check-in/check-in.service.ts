import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventBus } from '../../events/event-bus.js';
import { Topic } from '../../events/topics.js';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import type { DeviceActionService } from '../device-action/device-action.service.js';
import { ManagedDevice } from '../device/device.entity.js';
import { toDeviceEventPayload } from '../device/device.events.js';
import { ManagementState } from '../device/device.enums.js';
import { deviceIdSchema } from '../device/device.service.js';
import { DeviceNotManagedError } from './check-in.errors.js';

/** States that end management: the record is history, not a device that can check in. */
const ENDED_STATES = new Set([ManagementState.retired, ManagementState.wiped]);

/** Records device check-ins (the device "communicating with the service", seed: MDM certificate). */
export class CheckInService {
  constructor(
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly deviceActions: DeviceActionService,
  ) {}

  /**
   * Records a check-in: sets `lastSyncDateTime` to now, commits, then publishes `deviceCheckedIn`.
   * @throws InputValidationError for a malformed id; NotFoundError for an unknown device;
   *   DeviceNotManagedError when the device was retired or wiped
   */
  async checkIn(em: EntityManager, deviceId: string): Promise<ManagedDevice> {
    const id = validateInput(deviceIdSchema, deviceId, 'deviceId');
    const now = this.clock.now();
    const device = await em.transactional(async (tx) => {
      const found = await tx.findOne(ManagedDevice, id, { populate: ['user'] });
      if (!found) throw new NotFoundError('ManagedDevice', id);
      if (ENDED_STATES.has(found.managementState)) throw new DeviceNotManagedError(id, found.managementState);
      found.lastSyncDateTime = now;
      // A pending retire/wipe/unenroll is carried out by this check-in (retirePending → retired, wipePending → wiped).
      await this.deviceActions.completePendingActions(tx, found, now);
      return found;
    });
    this.events.publishCommitted([{ topic: Topic.DeviceCheckedIn, payload: toDeviceEventPayload(device, now) }]);
    return device;
  }
}
