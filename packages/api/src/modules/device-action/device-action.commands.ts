import type { EntityManager } from '@mikro-orm/postgresql';
import type { DeviceAction } from './device-action.entity.js';

/**
 * What carries a device action to a device that takes commands (Apple's MDM protocol): told of
 * each requested action inside its transaction, and asked to wake the device after commit. A
 * device without such a channel completes its actions at its next check-in.
 */
export interface ActionCommands {
  /** @returns whether the action was queued as a command for the device */
  actionRequested(tx: EntityManager, deviceId: string, action: DeviceAction): Promise<boolean>;
  wake(deviceId: string): void;
}
