import {
  CertificateWatchlistDocument,
  CheckInDocument,
  FleetActivityDocument,
  MdmCertificatesDocument,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/shared/clock.js';
import { enrollDevice, signedCheckIn } from './support/device-credential.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const DAY = 86_400_000;

describe('dashboard read models', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    // A clock of its own, far from other test files' activity in the shared database.
    gateway = await startTestGateway({ clock: new ManualClock(new Date('2031-07-14T10:00:00.000Z')) });
  });
  afterAll(() => gateway.stop());

  it('counts enrollments and check-ins per minute over the last hour, empty minutes included', async () => {
    const { credential } = await enrollDevice(gateway);
    gateway.clock.advance(60_000);
    await gateway.query(CheckInDocument, { input: signedCheckIn(credential, gateway.clock.now()) });
    await gateway.query(CheckInDocument, { input: signedCheckIn(credential, gateway.clock.now()) });
    const { fleetActivity } = await gateway.query(FleetActivityDocument, { minutes: 60 });
    expect(fleetActivity).toHaveLength(60);
    expect(fleetActivity.at(-1)).toEqual({ minute: '2031-07-14T10:01:00.000Z', enrollments: 0, checkIns: 2 });
    expect(fleetActivity.at(-2)).toEqual({ minute: '2031-07-14T10:00:00.000Z', enrollments: 1, checkIns: 0 });
    expect(fleetActivity.slice(0, -2).every((b) => b.enrollments === 0 && b.checkIns === 0)).toBe(true);
  });

  it('refuses a window outside 1 to 1440 minutes', async () => {
    const response = await gateway.request(FleetActivityDocument, { minutes: 1441 });
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      violations: [expect.objectContaining({ field: 'minutes' })],
    });
  });

  it('lists devices whose certificate expires within the window, soonest first, with the removal date 180 days after expiry', async () => {
    const { device: older, certificate: olderCertificate } = await enrollDevice(gateway);
    gateway.clock.advance(20 * DAY);
    const { device, certificate } = await enrollDevice(gateway);
    const notAfter = new Date(certificate.notAfter);
    gateway.clock.set(new Date(notAfter.getTime() - 10 * DAY));
    // The older device's certificate expired 10 days ago: it is overdue, not merely expiring.
    expect(new Date(olderCertificate.notAfter).getTime()).toBeLessThan(gateway.clock.now().getTime());

    // Other test files share this database, and their long-expired devices sort first: ask for
    // the expiring ones only to find this file's device whatever else is stored.
    const { certificateWatchlist: expiring } = await gateway.query(CertificateWatchlistDocument, {
      withinDays: 30,
      first: 500,
      includeExpired: false,
    });
    const item = expiring.find((i) => i.device.id === device.id);
    expect(item).toMatchObject({
      notAfter: notAfter.toISOString(),
      daysLeft: 10,
      removalDateTime: new Date(notAfter.getTime() + 180 * DAY).toISOString(),
    });
    expect(expiring.map((i) => i.device.id)).not.toContain(older.id);
    expect(expiring.every((i) => i.daysLeft >= 0 && i.daysLeft <= 30)).toBe(true);
    const { mdmCertificates } = await gateway.query(MdmCertificatesDocument, { deviceId: device.id });
    expect(mdmCertificates[0]?.removalDateTime).toBe(item!.removalDateTime);

    const { certificateWatchlist: narrow } = await gateway.query(CertificateWatchlistDocument, {
      withinDays: 5,
      first: 500,
      includeExpired: false,
    });
    expect(narrow.map((i) => i.device.id)).not.toContain(device.id);

    const { certificateWatchlist: all } = await gateway.query(CertificateWatchlistDocument, {
      withinDays: 30,
      first: 500,
    });
    expect(all.some((i) => i.daysLeft < 0)).toBe(true);
    const dates = all.map((i) => i.notAfter);
    expect(dates).toEqual([...dates].sort());
  });
});
