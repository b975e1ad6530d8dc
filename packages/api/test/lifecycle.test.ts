import { RunLifecycleSweepDocument } from '@mdm/schema';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Topic, type CertificateEventPayload, type DeviceEventPayload } from '../src/events/topics.js';
import type { EventCollector } from './support/deferred.js';
import { enrollDevice } from './support/device-credential.js';
import { busEvents, delivered, lifecycleHarness } from './support/lifecycle-harness.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const DAY = 86_400_000;
const SECOND = 1_000;

describe('the lifecycle sweeper (seed: "Mobile device cleanup after MDM certificate expiration")', () => {
  let gateway: TestGateway;
  let expiring: EventCollector<CertificateEventPayload>;
  let expired: EventCollector<CertificateEventPayload>;
  let removed: EventCollector<DeviceEventPayload>;
  beforeAll(async () => {
    gateway = await startTestGateway();
    expiring = busEvents(gateway, Topic.CertificateExpiring);
    expired = busEvents(gateway, Topic.CertificateExpired);
    removed = busEvents(gateway, Topic.DeviceRemoved);
  });
  afterAll(() => gateway.stop());

  const { sweepAt, of, certificateOf } = lifecycleHarness(() => gateway);

  it('reports expiring at 30, 7 and 1 days left (each once, from one second inside), expired one second after notAfter, and removes the device one second after 180 days', async () => {
    gateway.clock.set(new Date('2026-09-01T00:00:00.000Z'));
    const { device, certificate } = await enrollDevice(gateway);
    const notAfter = new Date(certificate.notAfter).getTime();

    for (const days of [30, 7, 1]) {
      await sweepAt(notAfter - days * DAY);
      expect(
        of(expiring, device.id).map((e) => e.thresholdDays),
        `exactly ${days} days left`,
      ).not.toContain(days);
      await sweepAt(notAfter - days * DAY + SECOND);
      expect(of(expiring, device.id).at(-1)).toMatchObject({
        thresholdDays: days,
        certificateId: certificate.id,
        notAfter: certificate.notAfter,
      });
      expect(await certificateOf(device.id)).toMatchObject({
        status: 'expiring',
        expiringThresholdDays: days,
      });
    }
    expect(of(expiring, device.id).map((e) => e.thresholdDays)).toEqual([30, 7, 1]);

    await sweepAt(notAfter);
    expect(of(expired, device.id)).toEqual([]);
    await sweepAt(notAfter + SECOND);
    expect(of(expired, device.id)).toMatchObject([
      { certificateId: certificate.id, occurredAt: new Date(notAfter + SECOND).toISOString() },
    ]);
    expect(await certificateOf(device.id)).toMatchObject({ status: 'expired' });

    await sweepAt(notAfter + 180 * DAY);
    expect(of(removed, device.id)).toEqual([]);
    expect(await gateway.sql('select id from managed_device where id = ?', [device.id])).toHaveLength(1);
    await sweepAt(notAfter + 180 * DAY + SECOND);
    expect(of(removed, device.id)).toMatchObject([
      { deviceId: device.id, platform: device.platform, userPrincipalName: device.userPrincipalName },
    ]);
    expect(await gateway.sql('select id from managed_device where id = ?', [device.id])).toHaveLength(0);
    expect(await gateway.sql('select id from mdm_certificate where id = ?', [certificate.id])).toHaveLength(
      0,
    );
  });

  it('is idempotent: a second sweep at the same instant changes and publishes nothing', async () => {
    gateway.clock.set(new Date('2029-01-01T00:00:00.000Z'));
    const { device, certificate } = await enrollDevice(gateway);
    const first = await sweepAt(new Date(certificate.notAfter).getTime() + SECOND);
    expect(first.expired).toBeGreaterThanOrEqual(1);
    const counts = [expiring.received.length, expired.received.length, removed.received.length];
    const second = await sweepAt(new Date(certificate.notAfter).getTime() + SECOND);
    expect(second).toMatchObject({ skipped: false, expiring: 0, expired: 0, removed: 0 });
    expect([expiring.received.length, expired.received.length, removed.received.length]).toEqual(counts);
    // Straight from valid to expired (no sweep ran inside the window): expired only, never expiring.
    expect(of(expiring, device.id)).toEqual([]);
    expect(of(expired, device.id)).toHaveLength(1);
  });

  it("runs on demand through the admin mutation runLifecycleSweep, at the gateway clock's now", async () => {
    gateway.clock.set(new Date('2031-01-01T00:00:00.500Z'));
    const { certificate } = await enrollDevice(gateway);
    gateway.clock.set(new Date(new Date(certificate.notAfter).getTime() + SECOND + 500));
    const { runLifecycleSweep } = await gateway.query(RunLifecycleSweepDocument, {});
    expect(runLifecycleSweep).toMatchObject({
      skipped: false,
      sweptAt: new Date(new Date(certificate.notAfter).getTime() + SECOND).toISOString(),
    });
    expect(runLifecycleSweep.expired).toBeGreaterThanOrEqual(1);
  });

  // Needs one PostgreSQL server for two sessions (the embedded database has one session).
  it.skipIf(!inject('databaseUrl'))(
    'publishes each transition exactly once when two gateway instances sweep at the same moment',
    async () => {
      const other = await startTestGateway({ clock: gateway.clock });
      try {
        const otherExpired = busEvents<CertificateEventPayload>(other, Topic.CertificateExpired);
        gateway.clock.set(new Date('2033-01-01T00:00:00.000Z'));
        const devices = [];
        for (let i = 0; i < 20; i++) devices.push(await enrollDevice(gateway));
        gateway.clock.set(new Date(new Date(devices[0]!.certificate.notAfter).getTime() + SECOND));
        const reports = await Promise.all(
          [gateway, other, gateway].map((g) =>
            g.services.sweeper.sweep(g.database.orm.em.fork()).then((committed) => committed.published),
          ),
        );
        await delivered();
        const ids = new Set(devices.map((d) => d.device.id));
        const published = [...expired.received, ...otherExpired.received]
          .filter((e) => ids.has(e.deviceId))
          .map((e) => e.deviceId);
        expect(published.sort()).toEqual([...ids].sort());
        expect(reports.reduce((sum, r) => sum + r.expired, 0)).toBeGreaterThanOrEqual(20);
        expect(reports.filter((r) => r.expired > 0)).toHaveLength(1);
      } finally {
        await other.stop();
      }
    },
  );
});

describe('the lifecycle sweeper on the embedded database (PGlite)', () => {
  it('expires a certificate there too (advisory lock and set-based statements work on PGlite)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mdm-sweep-'));
    const gateway = await startTestGateway({ embeddedDataDir: dataDir });
    try {
      const { certificate } = await enrollDevice(gateway);
      gateway.clock.set(new Date(new Date(certificate.notAfter).getTime() + SECOND));
      const { runLifecycleSweep } = await gateway.query(RunLifecycleSweepDocument, {});
      expect(runLifecycleSweep).toMatchObject({ skipped: false, expired: 1 });
    } finally {
      await gateway.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
