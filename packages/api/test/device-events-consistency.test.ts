import {
  ChangeDeviceOwnershipDocument,
  CheckInDocument,
  DeleteDeviceDocument,
  DeviceCheckedInDocument,
  DeviceEnrolledDocument,
  DeviceRemovedDocument,
  DeviceUpdatedDocument,
  ManagedDevicesDocument,
  RetireDeviceDocument,
  UnenrollDeviceDocument,
  WipeDeviceDocument,
  type DeviceEventFilter,
  type ManagedDeviceFieldsFragment,
  type ManagedDeviceFilter,
} from '@mdm/schema';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import fc from 'fast-check';
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Topic, type PendingEvent } from '../src/events/topics.js';
import { uniqueUpn } from './support/builders.js';
import { EventCollector } from './support/deferred.js';
import { enrollDevice, signedCheckIn, type DeviceCredential } from './support/device-credential.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** The fixed seed of the generated sequence (override with EVENTS_SEED to explore others). */
const SEED = Number(process.env['EVENTS_SEED'] ?? 20261203);
const STEPS = 40;
/** occurredAt of the events that prove a subscription is registered; no real event has it. */
const SENTINEL_TIME = '2000-01-01T00:00:00.000Z';
type LiveEvent = { deviceId: string; occurredAt: string; device?: unknown };

type Owner = 'company' | 'personal';
type Command =
  | { kind: 'enroll' }
  | { kind: 'checkIn' | 'retire' | 'wipe' | 'unenroll' | 'delete'; pick: number }
  | { kind: 'own'; pick: number; owner: Owner };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constant<Command>({ kind: 'enroll' }),
  fc.record({ kind: fc.constantFrom('checkIn', 'retire', 'wipe', 'unenroll', 'delete'), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('own'),
    pick: fc.nat(),
    owner: fc.constantFrom<Owner>('company', 'personal'),
  }),
) as fc.Arbitrary<Command>;

/** What the test expects of a device, to know which events each step publishes. */
interface ModelDevice {
  id: string;
  credential: DeviceCredential;
  state: string;
  owner: Owner;
  upn: string | null;
}

/** The fields a device list shows, compared between the event-built list and a fresh query. */
const shown = (d: ManagedDeviceFieldsFragment) => ({
  id: d.id,
  deviceName: d.deviceName,
  managementState: d.managementState,
  managedDeviceOwnerType: d.managedDeviceOwnerType,
  userPrincipalName: d.userPrincipalName,
  lastSyncDateTime: d.lastSyncDateTime,
});

type Row = ReturnType<typeof shown>;

/**
 * A client's live list: first a query, then every event applied. An event carries the device as
 * it is now; it enters or stays in the list when it matches the list's filter, and leaves
 * otherwise (e.g. a wiped device loses its user); a removal takes it out.
 */
class LiveList {
  readonly rows = new Map<string, ReturnType<typeof shown>>();
  readonly collectors: EventCollector<{ data: Record<string, LiveEvent> }>[] = [];
  private readonly applied: number[] = [];

  constructor(
    private readonly client: Client,
    readonly filter: DeviceEventFilter & ManagedDeviceFilter,
    private readonly matches: (d: Row) => boolean,
  ) {
    const documents: TypedDocumentNode<unknown, { filter?: DeviceEventFilter | null }>[] = [
      DeviceEnrolledDocument,
      DeviceCheckedInDocument,
      DeviceUpdatedDocument,
      DeviceRemovedDocument,
    ];
    for (const document of documents) {
      this.collectors.push(
        new EventCollector(
          this.client.iterate({ query: print(document), variables: { filter } }) as AsyncIterable<{
            data: Record<string, LiveEvent>;
          }>,
        ),
      );
    }
  }

  /** The real events a stream delivered (sentinels left out). */
  private static real(collector: EventCollector<{ data: Record<string, LiveEvent> }>): LiveEvent[] {
    return collector.received
      .map((e) => Object.values(e.data)[0]!)
      .filter((e) => e.occurredAt !== SENTINEL_TIME);
  }

  /**
   * Waits until `count` real events in all arrived, then applies the new ones. The steps run one
   * after another and each waits for its events, so a device's events of one step are applied
   * after those of the steps before.
   */
  async settle(count: number): Promise<void> {
    const total = () => this.collectors.reduce((n, c) => n + LiveList.real(c).length, 0);
    while (total() < count) {
      await Promise.race(this.collectors.map((c) => c.waitFor(c.received.length + 1, 10_000)));
    }
    expect(total()).toBe(count);
    this.collectors.forEach((collector, i) => {
      const events = LiveList.real(collector);
      for (const event of events.slice(this.applied[i] ?? 0)) {
        // deviceCheckedIn selects only what a check-in changes: merged into the row it updates.
        const device = event.device as Partial<ManagedDeviceFieldsFragment> | null | undefined;
        const present =
          device &&
          Object.fromEntries(
            Object.entries(shown(device as ManagedDeviceFieldsFragment)).filter(([, v]) => v !== undefined),
          );
        const row = present && ({ ...this.rows.get(event.deviceId), ...present } as Row);
        if (row && this.matches(row)) this.rows.set(event.deviceId, row);
        else this.rows.delete(event.deviceId);
      }
      this.applied[i] = events.length;
    });
  }
}

describe('a device list kept from events equals a fresh query', () => {
  let gateway: TestGateway;
  let client: Client;
  beforeAll(async () => {
    gateway = await startTestGateway();
    client = gateway.wsClient();
  });
  afterAll(async () => {
    await client.dispose();
    await gateway.stop();
  });

  const fresh = async (filter: ManagedDeviceFilter) => {
    const { managedDevices } = await gateway.query(ManagedDevicesDocument, { first: 500, filter });
    return new Map(managedDevices.edges.map((e) => [e.node.id, shown(e.node)]));
  };

  it(`across a random sequence of ${STEPS} enrollments, check-ins, actions, ownership changes and deletions (seed ${SEED})`, async () => {
    const upn = uniqueUpn();
    const lists = [
      new LiveList(client, { userPrincipalName: upn }, (d) => d.userPrincipalName === upn),
      new LiveList(
        client,
        { userPrincipalName: upn, managedDeviceOwnerType: 'company' },
        (d) => d.userPrincipalName === upn && d.managedDeviceOwnerType === 'company',
      ),
    ];
    // The subscriptions are registered asynchronously: each is primed with sentinel events (a
    // device id that does not exist, matching every list's filter) until it delivers one.
    const sentinel = (topic: PendingEvent['topic']): PendingEvent =>
      ({
        topic,
        payload: {
          deviceId: randomUUID(),
          platform: 'IOS',
          managedDeviceOwnerType: 'company',
          enrollmentMethod: 'BYOD',
          userPrincipalName: upn,
          occurredAt: SENTINEL_TIME,
          change: 'OWNERSHIP_CHANGED',
          changedFields: [],
          previousManagedDeviceOwnerType: null,
          previousUserPrincipalName: null,
        },
      }) as PendingEvent;
    const topics = [Topic.DeviceEnrolled, Topic.DeviceCheckedIn, Topic.DeviceUpdated, Topic.DeviceRemoved];
    for (const list of lists) {
      for (const [i, collector] of list.collectors.entries()) {
        await collector.prime(() => gateway.events.publishCommitted([sentinel(topics[i]!)]));
      }
    }
    const model: ModelDevice[] = [];
    const expected = lists.map(() => 0);
    for (const list of lists) {
      for (const [id, row] of await fresh(list.filter)) list.rows.set(id, row);
    }

    /** Counts, per list, the events of a change of `before` into `after` (null: none or removed). */
    const count = (before: ModelDevice | null, after: ModelDevice | null, events: number) => {
      lists.forEach((list, i) => {
        const match = (d: ModelDevice | null) =>
          d !== null &&
          d.upn === upn &&
          (!list.filter.managedDeviceOwnerType || d.owner === list.filter.managedDeviceOwnerType);
        if (match(before) || match(after)) expected[i]! += events;
      });
    };
    const [sequence] = fc.sample(fc.array(command, { minLength: STEPS, maxLength: STEPS }), {
      seed: SEED,
      numRuns: 1,
    });
    for (const step of sequence!) {
      gateway.clock.advance(1_000);
      const live = model.filter((d) => d.state !== 'deleted');
      const active = live.filter((d) => ['managed', 'retirePending', 'wipePending'].includes(d.state));
      if (step.kind === 'enroll' || live.length === 0) {
        if (active.length >= 5) continue; // the default device limit: refused, nothing published
        const { device, credential } = await enrollDevice(gateway, { userPrincipalName: upn });
        const added: ModelDevice = { id: device.id, credential, state: 'managed', owner: 'personal', upn };
        model.push(added);
        count(null, added, 1);
      } else {
        const target = live[step.pick % live.length]!;
        const before = { ...target };
        if (step.kind === 'checkIn') {
          const { checkIn } = await gateway.query(CheckInDocument, {
            input: signedCheckIn(target.credential, gateway.clock.now()),
          });
          const ended = target.state === 'retired' || target.state === 'wiped';
          expect(checkIn.__typename).toBe(ended ? 'OperationRefusedError' : 'CheckInSuccess');
          if (target.state === 'retirePending') target.state = 'retired';
          if (target.state === 'wipePending') [target.state, target.upn] = ['wiped', null];
          if (!ended) count(before, target, before.state === target.state ? 1 : 2);
        } else if (step.kind === 'delete') {
          expect(
            (await gateway.query(DeleteDeviceDocument, { deviceId: target.id })).deleteDevice.__typename,
          ).toBe('DeleteDeviceSuccess');
          target.state = 'deleted';
          count(before, null, 1);
        } else if (step.kind === 'own') {
          const { changeDeviceOwnership: r } = await gateway.query(ChangeDeviceOwnershipDocument, {
            deviceId: target.id,
            ownerType: step.owner,
          });
          expect(r.__typename).toBe('DeviceActionSuccess');
          target.owner = step.owner;
          if (before.owner !== step.owner) count(before, target, 1);
        } else {
          const allowed =
            step.kind === 'wipe'
              ? ['managed', 'retirePending'].includes(target.state)
              : target.state === 'managed';
          const variables = { deviceId: target.id };
          const result =
            step.kind === 'retire'
              ? (await gateway.query(RetireDeviceDocument, variables)).retireDevice
              : step.kind === 'wipe'
                ? (await gateway.query(WipeDeviceDocument, variables)).wipeDevice
                : (await gateway.query(UnenrollDeviceDocument, variables)).unenrollDevice;
          expect(result.__typename).toBe(allowed ? 'DeviceActionSuccess' : 'OperationRefusedError');
          if (allowed) {
            target.state = step.kind === 'wipe' ? 'wipePending' : 'retirePending';
            count(before, target, 1);
          }
        }
      }
      for (const [i, list] of lists.entries()) {
        await list.settle(expected[i]!);
        expect(list.rows, `after ${JSON.stringify(step)}`).toEqual(await fresh(list.filter));
      }
    }
    // The sequence did what it is meant to exercise.
    const states = new Set(model.map((d) => d.state));
    expect(states.size).toBeGreaterThanOrEqual(3);
  });
});
