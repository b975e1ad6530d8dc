import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topic, type CertificateEventPayload } from '../src/events/topics.js';
import type { EventCollector } from './support/deferred.js';
import { enrollDevice } from './support/device-credential.js';
import { busEvents, lifecycleHarness } from './support/lifecycle-harness.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const DAY = 86_400_000;
const SECOND = 1_000;

describe('the lifecycle sweeper without stored statuses (status derived from the clock, sweep marks)', () => {
  let gateway: TestGateway;
  let expiring: EventCollector<CertificateEventPayload>;
  let expired: EventCollector<CertificateEventPayload>;
  beforeAll(async () => {
    gateway = await startTestGateway();
    expiring = busEvents(gateway, Topic.CertificateExpiring);
    expired = busEvents(gateway, Topic.CertificateExpired);
  });
  afterAll(() => gateway.stop());

  const { sweepAt, of, certificateOf } = lifecycleHarness(() => gateway);

  it('shows the status the clock gives, with or without a sweep: valid, expiring from one second inside 30 days (threshold 30, 7, 1), expired one second after notAfter', async () => {
    gateway.clock.set(new Date('2034-01-01T00:00:00.000Z'));
    const { device, certificate } = await enrollDevice(gateway);
    const notAfter = new Date(certificate.notAfter).getTime();
    const at = async (instant: number) => {
      gateway.clock.set(new Date(instant));
      return certificateOf(device.id);
    };
    expect(await at(notAfter - 30 * DAY)).toMatchObject({ status: 'valid', expiringThresholdDays: null });
    expect(await at(notAfter - 30 * DAY + SECOND)).toMatchObject({
      status: 'expiring',
      expiringThresholdDays: 30,
    });
    expect(await at(notAfter - 7 * DAY + SECOND)).toMatchObject({
      status: 'expiring',
      expiringThresholdDays: 7,
    });
    expect(await at(notAfter)).toMatchObject({ status: 'expiring', expiringThresholdDays: 1 });
    expect(await at(notAfter + SECOND)).toMatchObject({ status: 'expired', expiringThresholdDays: null });
    // Time moved back: the derived status follows the clock.
    expect(await at(notAfter - 60 * DAY)).toMatchObject({ status: 'valid' });
  });

  it('reports a certificate created after a sweep at a later instant (a clock moved back) as unseen: its first sweep reports it', async () => {
    gateway.clock.set(new Date('2034-06-01T00:00:00.000Z'));
    const later = await enrollDevice(gateway);
    await sweepAt(new Date(later.certificate.notAfter).getTime() + 10 * DAY);
    expect(of(expired, later.device.id)).toHaveLength(1);

    // A certificate enrolled afterwards with an earlier clock: the later sweep never saw it.
    gateway.clock.set(new Date('2034-03-01T00:00:00.000Z'));
    const { device, certificate } = await enrollDevice(gateway);
    const notAfter = new Date(certificate.notAfter).getTime();
    await sweepAt(notAfter - 3 * DAY);
    expect(of(expiring, device.id).map((e) => e.thresholdDays)).toEqual([7]);
    await sweepAt(notAfter - 3 * DAY);
    expect(of(expiring, device.id)).toHaveLength(1);
    // The certificate seen expired by the later sweep is not reported again by the earlier ones.
    expect(of(expired, later.device.id)).toHaveLength(1);
    expect(of(expiring, later.device.id)).toEqual([]);
  });

  it('keeps what a sweep at a later instant reported when the clock goes back and forth (the marks form a staircase)', async () => {
    gateway.clock.set(new Date('2034-02-01T00:00:00.000Z'));
    const { device, certificate } = await enrollDevice(gateway);
    const notAfter = new Date(certificate.notAfter).getTime();
    await sweepAt(notAfter - 5 * DAY); // inside 7 days: reported 7
    expect(of(expiring, device.id).map((e) => e.thresholdDays)).toEqual([7]);
    await sweepAt(notAfter - 20 * DAY); // back inside 30 days only: nothing new (7 already reported)
    await sweepAt(notAfter - 10 * DAY); // forward, still before the first sweep's instant: nothing
    expect(of(expiring, device.id).map((e) => e.thresholdDays)).toEqual([7]);
    await sweepAt(notAfter - 12 * 3_600_000); // past the first sweep, inside 1 day: reported 1
    expect(of(expiring, device.id).map((e) => e.thresholdDays)).toEqual([7, 1]);
    await sweepAt(notAfter + SECOND);
    await sweepAt(notAfter - DAY);
    await sweepAt(notAfter + 2 * SECOND);
    expect(of(expired, device.id)).toHaveLength(1);
    const [state] = await gateway.sql<{ marks: { sweptAt: string }[] }>(
      'select marks from lifecycle_sweep_state',
    );
    const instants = state!.marks.map((m) => new Date(m.sweptAt).getTime());
    expect(instants).toContain(notAfter + 2 * SECOND);
    expect(instants.filter((t) => t < notAfter + 2 * SECOND)).toEqual([]);
  });

  it('writes no certificate row when it reports transitions (the status is derived, revocation alone is stored)', async () => {
    gateway.clock.set(new Date('2034-04-01T00:00:00.000Z'));
    const { device, certificate } = await enrollDevice(gateway);
    const before = await gateway.sql<{ xmin: string; status: string }>(
      'select xmin::text as xmin, status from mdm_certificate where id = ?',
      [certificate.id],
    );
    await sweepAt(new Date(certificate.notAfter).getTime() - 2 * DAY);
    await sweepAt(new Date(certificate.notAfter).getTime() + SECOND);
    expect(of(expiring, device.id)).toHaveLength(1);
    expect(of(expired, device.id)).toHaveLength(1);
    expect(
      await gateway.sql('select xmin::text as xmin, status from mdm_certificate where id = ?', [
        certificate.id,
      ]),
    ).toEqual(before);
    expect(await certificateOf(device.id)).toMatchObject({ status: 'expired' });
  });

  it('publishes the events of a sweep larger than one fetch slice, each once', async () => {
    gateway.clock.set(new Date('2034-05-01T00:00:00.000Z'));
    const { device } = await enrollDevice(gateway);
    // Copies of the device's certificate row under other devices: 20,100 certificates expiring together (more than one fetch slice of 20,000).
    await gateway.sql(
      `insert into managed_device (id, device_name, platform, operating_system, os_version, managed_device_owner_type, enrollment_method, enrollment_type, enrolled_date_time, last_sync_date_time, management_certificate_expiration_date)
       select gen_random_uuid(), 'slice ' || g, platform, operating_system, os_version, managed_device_owner_type, enrollment_method, enrollment_type, enrolled_date_time, last_sync_date_time, management_certificate_expiration_date
         from managed_device, generate_series(1, 20100) g where id = ?`,
      [device.id],
    );
    await gateway.sql(
      `insert into mdm_certificate (id, device_id, serial_number, sha256_thumbprint, subject, issuer, not_before, not_after, status, pem, issued_date_time)
       select gen_random_uuid(), d.id, md5(d.id::text), md5(d.id::text) || md5(d.id::text), c.subject, c.issuer, c.not_before, c.not_after, 'valid', c.pem, c.issued_date_time
         from managed_device d, mdm_certificate c where d.device_name like 'slice %' and c.device_id = ? and d.management_certificate_expiration_date = c.not_after`,
      [device.id],
    );
    const [row] = await gateway.sql<{ notAfter: Date }>(
      'select not_after as "notAfter" from mdm_certificate where device_id = ?',
      [device.id],
    );
    const before = expired.received.length;
    const report = await sweepAt(new Date(row!.notAfter).getTime() + SECOND);
    expect(report.expired).toBeGreaterThanOrEqual(20101);
    expect(expired.received.length - before).toBe(report.expired);
    const ids = expired.received.slice(before).map((e) => e.certificateId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
