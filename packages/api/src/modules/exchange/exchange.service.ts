import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/domain-error.js';
import { validateInput } from '../../shared/validation.js';
import {
  type EasDevice,
  type ExchangeAccessState,
  ExchangeConnector,
  ExchangeConnectorStatus,
  type ExchangeConnectorType,
} from './exchange.entity.js';
import { ExchangeStore } from './exchange.store.js';

const uuid = z.uuid({ error: 'must be a UUID' });

/** Exchange connectors and the access state of EAS-managed devices (seed: EAS MDM policy). */
export class ExchangeService {
  constructor(
    private readonly clock: Clock,
    private readonly store = new ExchangeStore(),
  ) {}

  /** @throws InputValidationError */
  async createConnector(
    em: EntityManager,
    serverName: string,
    type: ExchangeConnectorType,
  ): Promise<ExchangeConnector> {
    const name = validateInput(z.string().trim().min(1).max(256), serverName, 'serverName');
    const connector = em.create(ExchangeConnector, {
      serverName: name,
      exchangeConnectorType: type,
      lastSyncDateTime: null,
    });
    await em.flush();
    return connector;
  }

  /** Records the connector's reachability (`connected`/`disconnected`). @throws NotFoundError */
  async setConnectorStatus(
    em: EntityManager,
    connectorId: string,
    status: ExchangeConnectorStatus,
  ): Promise<ExchangeConnector> {
    const id = validateInput(uuid, connectorId, 'connectorId');
    return em.transactional(async (tx) => {
      const connector = await this.store.connector(tx, id);
      if (!connector) throw new NotFoundError('ExchangeConnector', id);
      connector.status = status;
      if (status === ExchangeConnectorStatus.connected) connector.lastSyncDateTime = this.clock.now();
      return connector;
    });
  }

  /** Admin decision under the EAS MDM policy: allow, block or quarantine a device. @throws NotFoundError */
  async setAccessState(
    em: EntityManager,
    easDeviceId: string,
    state: ExchangeAccessState,
  ): Promise<EasDevice> {
    const id = validateInput(uuid, easDeviceId, 'id');
    return em.transactional(async (tx) => {
      const device = await this.store.easDevice(tx, id);
      if (!device) throw new NotFoundError('EasDevice', id);
      device.accessState = state;
      return device;
    });
  }

  connectors(em: EntityManager): Promise<ExchangeConnector[]> {
    return this.store.connectors(em);
  }

  /** EAS-known devices, optionally of one connector; at most 5,000 (one connector report). */
  devices(em: EntityManager, connectorId?: string | null): Promise<EasDevice[]> {
    const connector = connectorId ? validateInput(uuid, connectorId, 'connectorId') : null;
    return this.store.easDevices(em, connector, 5000);
  }
}
