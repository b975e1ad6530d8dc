import type { EntityManager } from '@mikro-orm/postgresql';
import { MdmCommand, MdmCommandStatus } from './mdm-command.entity.js';

/** The SQL of a device's command queue. Every method runs in the caller's transaction. */
export class MdmCommandStore {
  /** Adds a command at the end of the device's queue (flushed with the caller's unit of work). */
  add(
    tx: EntityManager,
    command: Omit<MdmCommand, 'id' | 'sentDateTime' | 'deliveries' | 'answeredDateTime' | 'answer'>,
  ): MdmCommand {
    return tx.create(MdmCommand, command);
  }

  /** The oldest command of the device in one of `statuses`, locked for this transaction; null when none. */
  next(
    tx: EntityManager,
    deviceId: string,
    statuses: MdmCommandStatus[],
    exceptUuid: string | null,
  ): Promise<MdmCommand | null> {
    return tx.findOne(
      MdmCommand,
      { deviceId, status: { $in: statuses }, ...(exceptUuid ? { commandUuid: { $ne: exceptUuid } } : {}) },
      { orderBy: { queuedDateTime: 'asc', queueOrder: 'asc' } },
    );
  }

  /** The device's command with this CommandUUID (case-insensitive), or null. */
  byUuid(tx: EntityManager, deviceId: string, commandUuid: string): Promise<MdmCommand | null> {
    return tx.findOne(MdmCommand, { deviceId, commandUuid: commandUuid.toUpperCase() });
  }

  /** Cancels the device's undelivered or unanswered commands (superseded by a newer action, or the enrollment ended). */
  cancelOpen(tx: EntityManager, deviceId: string, now: Date): Promise<number> {
    return tx.nativeUpdate(
      MdmCommand,
      {
        deviceId,
        status: { $in: [MdmCommandStatus.queued, MdmCommandStatus.sent, MdmCommandStatus.notNow] },
      },
      { status: MdmCommandStatus.cancelled, answeredDateTime: now },
    );
  }

  /** Cancels the device's open commands of one request type (a newer one replaces them). */
  cancelOpenOfType(tx: EntityManager, deviceId: string, requestType: string, now: Date): Promise<number> {
    return tx.nativeUpdate(
      MdmCommand,
      {
        deviceId,
        requestType,
        status: { $in: [MdmCommandStatus.queued, MdmCommandStatus.sent, MdmCommandStatus.notNow] },
      },
      { status: MdmCommandStatus.cancelled, answeredDateTime: now },
    );
  }

  /** The device's queue, newest first (GraphQL). */
  list(em: EntityManager, deviceId: string, limit: number): Promise<MdmCommand[]> {
    return em.find(
      MdmCommand,
      { deviceId },
      { orderBy: { queuedDateTime: 'desc', queueOrder: 'desc' }, limit },
    );
  }
}
