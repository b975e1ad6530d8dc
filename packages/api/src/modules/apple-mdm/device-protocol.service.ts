import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../shared/domain-error.js';
import type { ManagedDevice } from '../device/device.entity.js';
import { DeviceStore } from '../device/device.store.js';
import type { PushOutcome } from '../push/apns.push.js';
import type { PushService } from '../push/push.service.js';
import type { AppleMdmEnrollment } from './apple-mdm-enrollment.entity.js';
import type { AppleMdmEnrollmentStore } from './apple-mdm-enrollment.store.js';
import type { MdmCommand } from './mdm-command.entity.js';
import { validateInput } from '../../shared/validation.js';
import { deviceIdSchema } from '../device/device.service.js';
import type { MdmCommandStore } from './mdm-command.store.js';

/** Stateless; one serves every call. */
const devices = new DeviceStore();

/** Most commands one `mdmCommands` read returns. */
export const MAX_COMMANDS_PER_READ = 100;

/**
 * What the GraphQL API shows and does about a device's Apple MDM protocol state: its check-in
 * enrollment (push token, topic, DEP AwaitingConfiguration), its command queue, and Intune's
 * "Sync" (a push that makes the device connect now and fetch its queued commands).
 */
export class DeviceProtocolService {
  constructor(
    private readonly enrollments: AppleMdmEnrollmentStore,
    private readonly commands: MdmCommandStore,
    private readonly push: PushService,
  ) {}

  /** The device's Apple check-in enrollment; null for a device that never sent Authenticate. */
  enrollmentOf(em: EntityManager, deviceId: string): Promise<AppleMdmEnrollment | null> {
    return this.enrollments.byDevice(em, deviceId);
  }

  /** The device's commands, newest first; `first` is clamped to 1..MAX_COMMANDS_PER_READ. */
  commandsOf(em: EntityManager, deviceId: string, first: number): Promise<MdmCommand[]> {
    return this.commands.list(em, deviceId, Math.min(Math.max(first, 1), MAX_COMMANDS_PER_READ));
  }

  /**
   * Intune's "Sync": wakes the device through APNs now (nothing is queued). `skipped` when the
   * gateway has no push certificate or the device no push token (it connects at its own pace).
   * @throws InputValidationError when `deviceId` is not a UUID; NotFoundError when there is no such device
   */
  async sync(em: EntityManager, deviceId: string): Promise<{ device: ManagedDevice; push: PushOutcome }> {
    const id = validateInput(deviceIdSchema, deviceId, 'deviceId');
    const device = await devices.byId(em, id);
    if (!device) throw new NotFoundError('ManagedDevice', id);
    return { device, push: await this.push.syncDevice(id) };
  }
}
