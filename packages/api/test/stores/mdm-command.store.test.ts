import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { MdmCommandStatus } from '../../src/modules/apple-mdm/mdm-command.entity.js';
import { MdmCommandStore } from '../../src/modules/apple-mdm/mdm-command.store.js';
import { describeStore, type StoreBackend } from './backends.js';

const store = new MdmCommandStore();
const T0 = new Date('2027-02-01T08:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** Queues commands for one device (one transaction) and returns their CommandUUIDs, oldest first. */
async function queue(
  backend: () => StoreBackend,
  deviceId: string,
  commands: { requestType: string; status?: MdmCommandStatus }[],
  /** The queued time of the i-th command (default: i seconds after T0). */
  queuedAt: (i: number) => Date = at,
): Promise<string[]> {
  const em = backend().em();
  const uuids: string[] = [];
  await em.transactional(async (tx) => {
    commands.forEach(({ requestType, status }, i) => {
      const commandUuid = randomUUID().toUpperCase();
      uuids.push(commandUuid);
      store.add(tx, {
        deviceId,
        commandUuid,
        requestType,
        parameters: { Payload: 'AAEC' },
        deviceActionId: null,
        status: status ?? MdmCommandStatus.queued,
        queuedDateTime: queuedAt(i),
      });
    });
  });
  return uuids;
}

const statuses = async (backend: () => StoreBackend, deviceId: string) =>
  (await store.list(backend().em(), deviceId, 100)).map((c) => [c.requestType, c.status]);

describeStore('MDM command store', (backend) => {
  it('delivers commands queued at the same time in the order they were queued, and lists them newest first', async () => {
    const device = randomUUID();
    const types = Array.from({ length: 12 }, (_, i) => `Command${i}`);
    const uuids = await queue(
      backend,
      device,
      types.map((requestType) => ({ requestType })),
      () => T0,
    );
    const em = backend().em();
    const delivered: string[] = [];
    let except: string | null = null;
    for (let i = 0; i < uuids.length; i++) {
      const next = await store.next(em, device, [MdmCommandStatus.queued], null);
      delivered.push(next!.commandUuid);
      next!.status = MdmCommandStatus.acknowledged;
      await em.flush();
      except = next!.commandUuid;
    }
    expect(except).toBe(uuids.at(-1));
    expect(delivered).toEqual(uuids);
    expect((await store.list(em, device, 100)).map((c) => c.commandUuid)).toEqual([...uuids].reverse());
  });

  it('add, list (newest first, limited), byUuid (any case), next (oldest of the statuses, one excepted)', async () => {
    const device = randomUUID();
    const [first, second, third] = await queue(backend, device, [
      { requestType: 'DeviceInformation', status: MdmCommandStatus.sent },
      { requestType: 'InstallProfile' },
      { requestType: 'RemoveProfile' },
    ]);
    const em = backend().em();
    expect((await store.list(em, device, 2)).map((c) => c.commandUuid)).toEqual([third, second]);
    expect(await store.list(em, randomUUID(), 10)).toEqual([]);
    expect((await store.byUuid(em, device, first!.toLowerCase()))?.requestType).toBe('DeviceInformation');
    expect(await store.byUuid(em, randomUUID(), first!)).toBeNull();
    expect((await store.byUuid(em, device, second!))?.parameters).toEqual({ Payload: 'AAEC' });
    const queued = [MdmCommandStatus.queued];
    expect((await store.next(em, device, queued, null))?.commandUuid).toBe(second);
    expect((await store.next(em, device, queued, second!))?.commandUuid).toBe(third);
    expect(
      (await store.next(em, device, [MdmCommandStatus.queued, MdmCommandStatus.sent], null))?.commandUuid,
    ).toBe(first);
    expect(await store.next(em, device, [MdmCommandStatus.notNow], null)).toBeNull();
  });

  it('cancelOpen cancels every open command of the device; cancelOpenOfType only those of one request type', async () => {
    const device = randomUUID();
    const other = randomUUID();
    await queue(backend, device, [
      { requestType: 'InstallProfile', status: MdmCommandStatus.sent },
      { requestType: 'InstallProfile', status: MdmCommandStatus.acknowledged },
      { requestType: 'InstallProfile', status: MdmCommandStatus.notNow },
      { requestType: 'DeviceInformation' },
    ]);
    await queue(backend, other, [{ requestType: 'InstallProfile' }]);
    const em = backend().em();
    expect(await em.transactional((tx) => store.cancelOpenOfType(tx, device, 'InstallProfile', at(60)))).toBe(
      2,
    );
    expect(await statuses(backend, device)).toEqual([
      ['DeviceInformation', 'queued'],
      ['InstallProfile', 'cancelled'],
      ['InstallProfile', 'acknowledged'],
      ['InstallProfile', 'cancelled'],
    ]);
    expect(await statuses(backend, other)).toEqual([['InstallProfile', 'queued']]);
    expect(await em.transactional((tx) => store.cancelOpen(tx, device, at(61)))).toBe(1);
    expect(await statuses(backend, device)).toEqual([
      ['DeviceInformation', 'cancelled'],
      ['InstallProfile', 'cancelled'],
      ['InstallProfile', 'acknowledged'],
      ['InstallProfile', 'cancelled'],
    ]);
    expect(await statuses(backend, other)).toEqual([['InstallProfile', 'queued']]);
  });
});
