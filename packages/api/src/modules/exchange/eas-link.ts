import type { EntityManager } from '@mikro-orm/postgresql';
import { EasDevice } from './exchange.entity.js';

/**
 * A device that was known through Exchange ActiveSync enrolls: its partnership is linked to the
 * enrolled record (Graph `easActivated`, `easDeviceId`) instead of becoming a second device.
 * @returns whether a partnership with that EAS device id exists (and is now linked)
 */
export async function linkEasPartnership(
  tx: EntityManager,
  easDeviceId: string,
  deviceId: string,
): Promise<boolean> {
  return (await tx.nativeUpdate(EasDevice, { easDeviceId }, { linkedDeviceId: deviceId })) > 0;
}
