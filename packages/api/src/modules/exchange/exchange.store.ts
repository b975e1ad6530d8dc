import type { EntityManager } from '@mikro-orm/postgresql';
import { EasDevice, ExchangeConnector } from './exchange.entity.js';

/** The SQL of Exchange connectors and the devices they report. Stateless: every method runs in the caller's entity manager. */
export class ExchangeStore {
  /** Every connector, by server name. */
  connectors(em: EntityManager): Promise<ExchangeConnector[]> {
    return em.find(ExchangeConnector, {}, { orderBy: { serverName: 'asc', id: 'asc' } });
  }

  connector(em: EntityManager, id: string): Promise<ExchangeConnector | null> {
    return em.findOne(ExchangeConnector, id);
  }

  /** The EAS device with this row id (not its EAS device id); null when unknown. */
  easDevice(em: EntityManager, id: string): Promise<EasDevice | null> {
    return em.findOne(EasDevice, id);
  }

  /** EAS devices by EAS device id, of one connector when given, at most `limit`. */
  easDevices(em: EntityManager, connectorId: string | null, limit: number): Promise<EasDevice[]> {
    return em.find(EasDevice, connectorId ? { connector: connectorId } : {}, {
      orderBy: { easDeviceId: 'asc' },
      limit,
    });
  }

  /**
   * Links every partnership with this EAS device id to the enrolled record `deviceId` (a device
   * known through Exchange ActiveSync enrolled: Graph `easActivated`).
   * @returns whether a partnership with that EAS device id exists (and is now linked)
   */
  async linkPartnership(em: EntityManager, easDeviceId: string, deviceId: string): Promise<boolean> {
    return (await em.nativeUpdate(EasDevice, { easDeviceId }, { linkedDeviceId: deviceId })) > 0;
  }
}
