import { CheckInDocument, DeleteDeviceDocument, EnrollDeviceDocument } from '@mdm/schema';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { Topic, type CertificateEventPayload } from '../src/events/topics.js';
import { DEVICE_CHILD_TABLES, type DeviceChildTable } from '../src/modules/device/device.store.js';
import { byodInput, uniqueSerial } from './support/builders.js';
import { enrollDevice, signedCheckIn } from './support/device-credential.js';
import { lifecycleHarness } from './support/lifecycle-harness.js';
import { startTestGateway, useTestGateway } from './support/kit.js';

const DAY = 86_400_000;
const SECOND = 1_000;

describe('removing devices without cascading foreign keys (their certificates and check-in history go set-based)', () => {
  const gateway = useTestGateway();

  const { sweepAt } = lifecycleHarness(() => gateway);
  const rowsOf = async (deviceId: string) =>
    Object.fromEntries(
      await Promise.all(
        DEVICE_CHILD_TABLES.map(async (table) => [
          table,
          (
            await gateway.sql<{ n: number }>(`select count(*)::int as n from ${table} where device_id = ?`, [
              deviceId,
            ])
          )[0]!.n,
        ]),
      ),
    );
  /** `counts` for the tables named, 0 for every other device child table. */
  const rows = (counts: Partial<Record<DeviceChildTable, number>>) =>
    Object.fromEntries(DEVICE_CHILD_TABLES.map((table) => [table, counts[table] ?? 0]));
  /**
   * Rows of any device child table naming a device that does not exist, across the whole database
   * (rows with no device yet, such as a SCEP certificate awaiting its check-in, name none).
   */
  const orphans = async () =>
    (
      await Promise.all(
        DEVICE_CHILD_TABLES.map((table) =>
          gateway.sql<{ id: string }>(
            `select c.id from ${table} c where c.device_id is not null and not exists (select 1 from managed_device d where d.id = c.device_id)`,
          ),
        ),
      )
    ).flat();
  const checkIn = (credential: Parameters<typeof signedCheckIn>[0]) =>
    gateway.query(CheckInDocument, { input: signedCheckIn(credential, gateway.clock.now()) });

  it('the sweep removes a due device with every certificate it was issued and its check-in history, and leaves no orphan row anywhere', async () => {
    gateway.clock.set(new Date('2030-06-01T00:00:00.000Z'));
    const serialNumber = uniqueSerial();
    await enrollDevice(gateway, { serialNumber });
    const { device, certificate, credential } = await enrollDevice(gateway, { serialNumber }); // re-enrollment: a second certificate
    gateway.clock.advance(SECOND);
    await checkIn(credential);
    gateway.clock.advance(SECOND);
    await checkIn(credential);
    expect(await rowsOf(device.id)).toEqual(rows({ mdm_certificate: 2, device_check_in: 2 }));
    const notAfter = new Date(certificate.notAfter).getTime();
    gateway.clock.set(new Date(notAfter + 170 * DAY));
    const kept = await enrollDevice(gateway); // valid at the sweep: keeps its rows

    const report = await sweepAt(notAfter + 180 * DAY + SECOND);
    expect(report.removed).toBeGreaterThanOrEqual(1);
    expect(await gateway.sql('select id from managed_device where id = ?', [device.id])).toEqual([]);
    expect(await rowsOf(device.id)).toEqual(rows({ mdm_certificate: 0, device_check_in: 0 }));
    expect(await rowsOf(kept.device.id)).toEqual(rows({ mdm_certificate: 1, device_check_in: 0 }));
    expect(await orphans()).toEqual([]);
  });

  it('keeps a device past the removal delay by its recorded expiry while it holds a certificate valid at the sweep, with all its rows', async () => {
    gateway.clock.set(new Date('2030-09-01T00:00:00.000Z'));
    const { device, certificate } = await enrollDevice(gateway);
    // A record whose expiry column lags (e.g. written by an import) while its certificate is current.
    await gateway.sql(`update managed_device set management_certificate_expiration_date = ? where id = ?`, [
      new Date('2029-01-01T00:00:00.000Z'),
      device.id,
    ]);
    const report = await sweepAt(new Date(certificate.notAfter).getTime() - DAY);
    expect(await gateway.sql('select id from managed_device where id = ?', [device.id])).toHaveLength(1);
    expect(await rowsOf(device.id)).toEqual(rows({ mdm_certificate: 1, device_check_in: 0 }));
    expect(report.skipped).toBe(false);
  });

  it('deleteDevice removes the device with its certificates and check-in history, keeps its action history, and leaves no orphan row anywhere', async () => {
    gateway.clock.set(new Date('2026-06-01T00:00:00.000Z'));
    const serialNumber = uniqueSerial();
    await gateway.query(EnrollDeviceDocument, { input: byodInput({ serialNumber }) });
    const { device, credential } = await enrollDevice(gateway, { serialNumber });
    await checkIn(credential);
    expect(await rowsOf(device.id)).toEqual(rows({ mdm_certificate: 2, device_check_in: 1 }));

    const { deleteDevice } = await gateway.query(DeleteDeviceDocument, { deviceId: device.id });
    expect(deleteDevice).toMatchObject({ __typename: 'DeleteDeviceSuccess', deletedDeviceId: device.id });
    expect(await rowsOf(device.id)).toEqual(rows({ mdm_certificate: 0, device_check_in: 0 }));
    expect(await gateway.sql('select action from device_action where device_id = ?', [device.id])).toEqual([
      { action: 'delete' },
    ]);
    expect(await orphans()).toEqual([]);
  });

  // Needs one PostgreSQL server for two sessions (the embedded database has one session).
  it.skipIf(!inject('databaseUrl'))(
    'a check-in waiting on a device being deleted records nothing once the delete commits (the device row is locked as the foreign key did)',
    async () => {
      gateway.clock.set(new Date('2026-06-01T00:00:00.000Z'));
      const { device, credential } = await enrollDevice(gateway);
      const deleting = new pg.Client({ connectionString: inject('databaseUrl') });
      await deleting.connect();
      try {
        await deleting.query('begin');
        for (const table of DEVICE_CHILD_TABLES)
          await deleting.query(`delete from ${table} where device_id = $1`, [device.id]);
        await deleting.query('delete from managed_device where id = $1', [device.id]);
        const pending = checkIn(credential);
        // Wait (no sleep) until the check-in's statement queues behind the uncommitted delete's row lock.
        for (let polls = 0; ; polls++) {
          if (polls > 10_000) throw new Error('the check-in never waited for the delete');
          const waiting = await gateway.sql(
            `select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database() and query ilike '%managed_device%'`,
          );
          if (waiting.length > 0) break;
        }
        await deleting.query('commit');
        const { checkIn: result } = await pending;
        expect(result.__typename).not.toBe('CheckInSuccess');
        expect(await rowsOf(device.id)).toEqual(rows({ mdm_certificate: 0, device_check_in: 0 }));
      } finally {
        await deleting.end();
      }
    },
  );

  it('lists every table with a device_id column as a device child, except the action history that outlives the device', async () => {
    const tables = await gateway.sql<{ table_name: string }>(
      `select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'device_id' order by table_name`,
    );
    expect(tables.map((t) => t.table_name).filter((t) => t !== 'device_action')).toEqual(
      [...DEVICE_CHILD_TABLES].sort(),
    );
  });
});

describe('the sweep returns at commit and publishes its events in the background', () => {
  it("publishes a later sweep's events after an earlier one's, and the gateway's stop waits for the publishing", async () => {
    const gateway = await startTestGateway();
    const seen: { topic: string; deviceId: string }[] = [];
    for (const topic of [Topic.CertificateExpiring, Topic.CertificateExpired] as const) {
      gateway.events.onEvent(topic, (payload) =>
        seen.push({ topic, deviceId: (payload as CertificateEventPayload).deviceId }),
      );
    }
    gateway.clock.set(new Date('2032-01-01T00:00:00.000Z'));
    const { device, certificate } = await enrollDevice(gateway);
    const notAfter = new Date(certificate.notAfter).getTime();
    gateway.clock.set(new Date(notAfter - 3 * DAY));
    const first = await gateway.services.sweeper.sweep(gateway.database.orm.em.fork());
    gateway.clock.set(new Date(notAfter + SECOND));
    const second = await gateway.services.sweeper.sweep(gateway.database.orm.em.fork());
    expect(first).toMatchObject({ skipped: false });
    expect(second).toMatchObject({ skipped: false });
    await gateway.stop();
    expect(seen.filter((e) => e.deviceId === device.id).map((e) => e.topic)).toEqual([
      Topic.CertificateExpiring,
      Topic.CertificateExpired,
    ]);
    expect(await first.published).toMatchObject({ expiring: expect.any(Number) });
    expect((await second.published).expired).toBeGreaterThanOrEqual(1);
  });
});
