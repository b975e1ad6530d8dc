import { randomUUID } from 'node:crypto';
import {
  CertificateExpiredDocument,
  CertificateExpiringDocument,
  CertificateRenewedDocument,
  CheckInDocument,
  DeviceCheckedInDocument,
  DeviceEnrolledDocument,
  DeviceRemovedDocument,
  EnrollDeviceDocument,
  FleetStatsDocument,
  ImportCompletedEventsDocument,
  type FleetStatsSubscription,
} from '@mdm/schema';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { Topic, type CertificateEventPayload, type PendingEvent } from '../src/events/topics.js';
import { byodInput } from './support/builders.js';
import { EventCollector } from './support/deferred.js';
import { enrollDevice, freshNonce, signedCheckIn } from './support/device-credential.js';
import { useTestGateway } from './support/kit.js';

const DAY = 86_400_000;
/** occurredAt of the sentinel events that prove a subscription is registered; no real event has it. */
const SENTINEL_TIME = '2000-01-01T00:00:00.000Z';

describe('subscriptions deliver committed events only', () => {
  const gateway = useTestGateway();

  function subscribe<T, V>(document: TypedDocumentNode<T, V>, variables: V): EventCollector<{ data: T }> {
    return new EventCollector(
      gateway.wsClient().iterate({
        query: print(document),
        variables: variables as Record<string, unknown>,
      }) as AsyncIterable<{ data: T }>,
    );
  }

  /** Publishes a sentinel until the subscriber has it: events a sweep or a job publishes cannot be repeated to prime. */
  function primeWithSentinel(collector: EventCollector<unknown>, event: PendingEvent): Promise<number> {
    return collector.prime(async () => gateway.events.publishCommitted([event]));
  }

  const certificateSentinel = (
    deviceId: string,
    topic:
      typeof Topic.CertificateExpiring | typeof Topic.CertificateExpired | typeof Topic.CertificateRenewed,
    device: {
      platform: string;
      managedDeviceOwnerType: string;
      enrollmentMethod: string;
      userPrincipalName?: string | null;
    },
  ): PendingEvent => ({
    topic,
    payload: {
      deviceId,
      platform: device.platform,
      managedDeviceOwnerType: device.managedDeviceOwnerType,
      enrollmentMethod: device.enrollmentMethod,
      userPrincipalName: device.userPrincipalName ?? null,
      occurredAt: SENTINEL_TIME,
      certificateId: randomUUID(),
      serialNumber: '00',
      notAfter: SENTINEL_TIME,
      thresholdDays: null,
      previousCertificateId: null,
    } as CertificateEventPayload,
  });

  it('deviceCheckedIn: a replayed or refused check-in (rolled back) publishes nothing; the next committed one does', async () => {
    gateway.clock.set(new Date('2026-10-01T00:00:00.000Z'));
    const [device, other] = [await enrollDevice(gateway), await enrollDevice(gateway)];
    const events = subscribe(DeviceCheckedInDocument, { filter: { deviceId: device.device.id } });
    const primed = await events.prime(() =>
      gateway.query(CheckInDocument, { input: signedCheckIn(device.credential, gateway.clock.now()) }),
    );
    const replay = signedCheckIn(device.credential, gateway.clock.now(), { nonce: freshNonce() });
    expect((await gateway.query(CheckInDocument, { input: replay })).checkIn.__typename).toBe(
      'CheckInSuccess',
    );
    gateway.clock.advance(1_000);
    expect((await gateway.query(CheckInDocument, { input: replay })).checkIn).toMatchObject({
      code: 'CHECK_IN_REPLAYED',
    });
    expect(
      (
        await gateway.query(CheckInDocument, {
          input: signedCheckIn(other.credential, gateway.clock.now(), { deviceId: device.device.id }),
        })
      ).checkIn,
    ).toMatchObject({
      code: 'DEVICE_CREDENTIAL_INVALID',
    });
    gateway.clock.advance(1_000);
    await gateway.query(CheckInDocument, { input: signedCheckIn(device.credential, gateway.clock.now()) });
    const received = await events.waitFor(primed + 2);
    expect(received.slice(primed).map((e) => e.data.deviceCheckedIn.occurredAt)).toEqual([
      new Date(gateway.clock.now().getTime() - 2_000).toISOString(),
      gateway.clock.now().toISOString(),
    ]);
  });

  it('gives identical subscriptions (same document and variables) each event, and keeps the others running when one leaves', async () => {
    const { device, credential } = await enrollDevice(gateway);
    const variables = { filter: { deviceId: device.id } };
    const clients = [gateway.wsClient(), gateway.wsClient(), gateway.wsClient()];
    const collectors = clients.map(
      (c) => new EventCollector(c.iterate({ query: print(DeviceCheckedInDocument), variables })),
    );
    const checkIn = () =>
      gateway.query(CheckInDocument, { input: signedCheckIn(credential, gateway.clock.now()) });
    const primed = [];
    for (const collector of collectors) primed.push(await collector.prime(checkIn));
    await clients[0]!.dispose();
    gateway.clock.advance(1_000);
    await checkIn();
    const final = gateway.clock.now().toISOString();
    const at = (e: unknown) =>
      (e as { data: { deviceCheckedIn: { occurredAt: string } } }).data.deviceCheckedIn.occurredAt;
    for (const [i, collector] of collectors.entries()) {
      if (i === 0) continue;
      // Late deliveries of the priming check-ins may come first; the final one must arrive once.
      let received = await collector.waitFor(primed[i]! + 1);
      while (!received.some((e) => at(e) === final)) received = await collector.waitFor(received.length + 1);
      expect(received.filter((e) => at(e) === final)).toHaveLength(1);
    }
    expect(collectors[0]!.received.filter((e) => at(e) === final)).toHaveLength(0);
  });

  it('deviceEnrolled: an enrollment rolled back by a refused CSR publishes nothing', async () => {
    const upn = byodInput().userPrincipalName!;
    const events = subscribe(DeviceEnrolledDocument, { filter: { userPrincipalName: upn } });
    const primed = await events.prime(() => enrollDevice(gateway, { userPrincipalName: upn }));
    const refused = await gateway.query(EnrollDeviceDocument, {
      input: byodInput({ userPrincipalName: upn, csr: 'garbage' }),
    });
    expect(refused.enrollDevice.__typename).toBe('InvalidInputError');
    const { device } = await enrollDevice(gateway, { userPrincipalName: upn, platform: 'ANDROID' });
    const received = await events.waitFor(primed + 1);
    expect(received.slice(primed).map((e) => e.data.deviceEnrolled.deviceId)).toEqual([device.id]);
  });

  it('certificateRenewed: a renewal rolled back by a bad CSR publishes nothing; the committed renewal carries the new certificate', async () => {
    gateway.clock.set(new Date('2026-10-02T00:00:00.000Z'));
    const { device, certificate, credential } = await enrollDevice(gateway);
    const events = subscribe(CertificateRenewedDocument, { filter: { deviceId: device.id } });
    const primed = await primeWithSentinel(
      events as EventCollector<unknown>,
      certificateSentinel(device.id, Topic.CertificateRenewed, device),
    );
    gateway.clock.set(new Date(new Date(certificate.notAfter).getTime() - 10 * DAY));
    const rolledBack = await gateway.query(CheckInDocument, {
      input: signedCheckIn(credential, gateway.clock.now(), { csr: 'garbage' }),
    });
    expect(rolledBack.checkIn).toMatchObject({
      __typename: 'InvalidInputError',
      violations: [expect.objectContaining({ field: 'input.csr' })],
    });
    const { checkIn } = await gateway.query(CheckInDocument, {
      input: signedCheckIn(credential, gateway.clock.now()),
    });
    if (checkIn.__typename !== 'CheckInSuccess') throw new Error(checkIn.__typename);
    const received = await events.waitFor(primed + 1);
    expect(received.slice(primed).map((e) => e.data.certificateRenewed)).toMatchObject([
      {
        deviceId: device.id,
        previousCertificateId: certificate.id,
        certificateId: checkIn.renewedCertificate!.id,
        certificate: { status: 'valid', notAfter: checkIn.renewedCertificate!.notAfter },
        device: { managementCertificateExpirationDate: checkIn.renewedCertificate!.notAfter },
      },
    ]);
  });

  it('certificateExpiring, certificateExpired and deviceRemoved reach graphql-ws subscribers after each sweep commits', async () => {
    gateway.clock.set(new Date('2026-10-03T00:00:00.000Z'));
    const { device, certificate } = await enrollDevice(gateway, { platform: 'MACOS' });
    const filter = { filter: { deviceId: device.id, platform: 'MACOS' as const } };
    const expiring = subscribe(CertificateExpiringDocument, filter);
    const expired = subscribe(CertificateExpiredDocument, filter);
    const removed = subscribe(DeviceRemovedDocument, filter);
    const primedExpiring = await primeWithSentinel(
      expiring as EventCollector<unknown>,
      certificateSentinel(device.id, Topic.CertificateExpiring, device),
    );
    const primedExpired = await primeWithSentinel(
      expired as EventCollector<unknown>,
      certificateSentinel(device.id, Topic.CertificateExpired, device),
    );
    const primedRemoved = await removed.prime(async () =>
      gateway.events.publishCommitted([
        {
          topic: Topic.DeviceRemoved,
          payload: { ...certificateSentinel(device.id, Topic.CertificateExpired, device).payload } as never,
        },
      ]),
    );
    const notAfter = new Date(certificate.notAfter).getTime();
    const sweepAt = async (t: number) => {
      gateway.clock.set(new Date(t));
      return gateway.services.sweeper.sweep(gateway.database.orm.em.fork());
    };
    await sweepAt(notAfter - 3 * DAY);
    expect(
      (await expiring.waitFor(primedExpiring + 1))
        .slice(primedExpiring)
        .map((e) => e.data.certificateExpiring),
    ).toMatchObject([
      { deviceId: device.id, thresholdDays: 7, certificate: { id: certificate.id, status: 'expiring' } },
    ]);
    await sweepAt(notAfter + 1_000);
    expect(
      (await expired.waitFor(primedExpired + 1)).slice(primedExpired).map((e) => e.data.certificateExpired),
    ).toMatchObject([{ deviceId: device.id, certificate: { id: certificate.id, status: 'expired' } }]);
    await sweepAt(notAfter + 181 * DAY);
    expect(
      (await removed.waitFor(primedRemoved + 1)).slice(primedRemoved).map((e) => e.data.deviceRemoved),
    ).toEqual([
      {
        deviceId: device.id,
        platform: 'MACOS',
        managedDeviceOwnerType: 'personal',
        enrollmentMethod: 'BYOD',
        userPrincipalName: device.userPrincipalName,
        occurredAt: new Date(notAfter + 181 * DAY).toISOString(),
      },
    ]);
  });

  it('importCompleted delivers the jobs of the requested kind only', async () => {
    const kind = 'AUTOPILOT_DEVICES';
    const events = subscribe(ImportCompletedEventsDocument, { kind });
    const job = (k: string, rows: number): PendingEvent => ({
      topic: Topic.ImportCompleted,
      payload: {
        importId: randomUUID(),
        kind: k,
        fileName: 'devices.csv',
        rowCount: rows,
        newCount: rows - 1,
        unchangedCount: 1,
        overwrittenCount: 0,
        conflictingCount: 0,
        deletedCount: 0,
        rejectedRowCount: 0,
        completedAt: '2026-10-04T00:00:00.000Z',
      },
    });
    const primed = await primeWithSentinel(events as EventCollector<unknown>, job(kind, 1));
    void gateway.events.publishCommitted([job('ABM_DEVICES', 5), job(kind, 7)]);
    const received = await events.waitFor(primed + 1);
    expect(received.slice(primed).map((e) => e.data.importCompleted)).toMatchObject([
      { kind, rowCount: 7, newCount: 6, unchangedCount: 1 },
    ]);
  });

  it('fleetStats pushes the counts first, then after a change, computing once for all subscribers', async () => {
    const a = subscribe(FleetStatsDocument, {});
    const b = subscribe(FleetStatsDocument, {});
    const [initialA] = await a.waitFor(1);
    await b.waitFor(1);
    const initial = initialA!.data.fleetStats;
    const computationsBefore = gateway.services.fleetStats.computations;
    await enrollDevice(gateway, {
      platform: 'WINDOWS',
      method: 'AUTO_ENROLL',
      joinType: 'azureADRegistered',
    });
    const grown = (e: { data: FleetStatsSubscription }) => e.data.fleetStats.total === initial.total + 1;
    const waitGrown = async (c: typeof a) => {
      for (let n = c.received.length; ; n++) if ((await c.waitFor(n)).some(grown)) return c.received.slice(1);
    };
    const [afterA, afterB] = await Promise.all([waitGrown(a), waitGrown(b)]);
    const last = afterA.at(-1)!.data.fleetStats;
    expect(last.total).toBe(initial.total + 1);
    const count = (list: { key: string; count: number }[], key: string) =>
      list.find((c) => c.key === key)?.count ?? 0;
    expect(count(last.byPlatform, 'WINDOWS')).toBe(count(initial.byPlatform, 'WINDOWS') + 1);
    expect(count(last.byEnrollmentMethod, 'AUTO_ENROLL')).toBe(
      count(initial.byEnrollmentMethod, 'AUTO_ENROLL') + 1,
    );
    expect(count(last.byCertificateStatus, 'valid')).toBeGreaterThanOrEqual(1);
    for (const list of [
      last.byPlatform,
      last.byOwnerType,
      last.byManagementState,
      last.byCertificateStatus,
    ]) {
      expect(list.reduce((s, c) => s + c.count, 0)).toBe(last.total);
    }
    expect(afterB.at(-1)!.data.fleetStats).toEqual(last);
    expect(gateway.services.fleetStats.computations - computationsBefore).toBe(afterA.length);
  });
});
