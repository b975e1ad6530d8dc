import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { expect, it } from 'vitest';
import {
  EasDevice,
  ExchangeConnector,
  ExchangeConnectorType,
} from '../../src/modules/exchange/exchange.entity.js';
import { ExchangeStore } from '../../src/modules/exchange/exchange.store.js';
import { describeStore } from './backends.js';

const store = new ExchangeStore();

async function connector(em: EntityManager, serverName: string): Promise<ExchangeConnector> {
  const created = em.create(ExchangeConnector, {
    serverName,
    exchangeConnectorType: ExchangeConnectorType.onPremises,
    lastSyncDateTime: null,
  });
  await em.flush();
  return created;
}

async function easDevice(em: EntityManager, of: ExchangeConnector, easDeviceId: string): Promise<EasDevice> {
  const created = Object.assign(new EasDevice(), {
    connector: em.getReference(ExchangeConnector, of.id, { wrapped: true }),
    easDeviceId,
    userPrincipalName: 'eas@example.com',
  });
  await em.persistAndFlush(created);
  return created;
}

describeStore('the exchange store', (backend) => {
  it('lists connectors by server name and finds one by id; null when unknown', async () => {
    const em = backend().em();
    const b = await connector(em, 'b.example.com');
    const a = await connector(em, 'a.example.com');
    const listed = await store.connectors(backend().em());
    expect(listed.map((c) => c.id)).toEqual([a.id, b.id]);
    expect((await store.connector(backend().em(), b.id))?.serverName).toBe('b.example.com');
    expect(await store.connector(backend().em(), randomUUID())).toBeNull();
  });

  it('lists EAS devices by EAS id, of one connector when asked, at most the limit; finds one by id', async () => {
    const em = backend().em();
    const one = await connector(em, 'one.example.com');
    const two = await connector(em, 'two.example.com');
    const z = await easDevice(em, one, 'EASZ');
    const y = await easDevice(em, one, 'EASY');
    const x = await easDevice(em, two, 'EASX');
    expect((await store.easDevices(backend().em(), one.id, 10)).map((d) => d.id)).toEqual([y.id, z.id]);
    const all = (await store.easDevices(backend().em(), null, 10)).map((d) => d.id);
    expect(all.indexOf(x.id)).toBeLessThan(all.indexOf(y.id));
    expect(await store.easDevices(backend().em(), one.id, 1)).toHaveLength(1);
    expect((await store.easDevice(backend().em(), x.id))?.easDeviceId).toBe('EASX');
    expect(await store.easDevice(backend().em(), randomUUID())).toBeNull();
  });

  it('links every partnership of an EAS device id to the enrolled record, and says when there is none', async () => {
    const em = backend().em();
    const c1 = await connector(em, 'link1.example.com');
    const c2 = await connector(em, 'link2.example.com');
    const easId = `EAS${randomUUID().slice(0, 8)}`;
    const p1 = await easDevice(em, c1, easId);
    const p2 = await easDevice(em, c2, easId);
    const other = await easDevice(em, c1, `${easId}X`);
    const deviceId = randomUUID();
    expect(await store.linkPartnership(backend().em(), easId, deviceId)).toBe(true);
    expect(await store.linkPartnership(backend().em(), `${easId}-unknown`, deviceId)).toBe(false);
    const rows = await backend()
      .em()
      .find(EasDevice, { id: { $in: [p1.id, p2.id, other.id] } });
    const link = (id: string) => rows.find((r) => r.id === id)!.linkedDeviceId;
    expect([link(p1.id), link(p2.id), link(other.id)]).toEqual([deviceId, deviceId, null]);
  });
});
