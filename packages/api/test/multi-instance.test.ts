import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CheckInDocument,
  DeviceCheckedInDocument,
  DeviceEnrolledDocument,
  EnrollDeviceDocument as EnrollDeviceForProcess,
} from '@mdm/schema';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../src/shared/clock.js';
import { EventCollector } from './support/deferred.js';
import { enrollDevice, signedCheckIn } from './support/device-credential.js';
import { TEST_CA_KEY_SECRET, startTestGateway, type TestGateway } from './support/test-gateway.js';
import type { DeviceCredential } from './support/device-credential.js';

const REDIS_URL = process.env['REDIS_TEST_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Two gateway instances on the same PostgreSQL, each with its own HTTP/WebSocket server and its
 * own Redis connections and pub/sub: events can only cross between them through Redis. The
 * channel prefix is unique per run, so concurrent runs sharing the Redis never see each other.
 */
// Several instances share one PostgreSQL server: without DATABASE_URL (each embedded PGlite is
// private to its process) there is nothing to share, so these run only against a server.
describe.runIf(inject('databaseUrl'))('several gateway instances behind one Redis', () => {
  let a: TestGateway;
  let b: TestGateway;
  let isolated: TestGateway;
  beforeAll(async () => {
    const env = { REDIS_URL, EVENTS_CHANNEL_PREFIX: `mdm-test-${randomUUID()}:` };
    // The test gateways' default start: the first gateway of a run creates the CA at its clock's now,
    // and every test file's clock must fall inside the CA's validity.
    const clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
    a = await startTestGateway({ env, clock });
    b = await startTestGateway({ env, clock });
    isolated = await startTestGateway({
      env: { REDIS_URL, EVENTS_CHANNEL_PREFIX: `mdm-test-${randomUUID()}:` },
      clock,
    });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), isolated?.stop()]);
  });

  it('delivers a check-in made on instance B to a subscriber connected to instance A', async () => {
    const { device, credential } = await enrollDevice(b);
    const events = new EventCollector(
      a
        .wsClient()
        .iterate({ query: print(DeviceCheckedInDocument), variables: { filter: { deviceId: device.id } } }),
    );
    const primed = await events.prime(() =>
      b.query(CheckInDocument, { input: signedCheckIn(credential, b.clock.now()) }),
    );
    b.clock.advance(1_000);
    await b.query(CheckInDocument, { input: signedCheckIn(credential, b.clock.now()) });
    const received = (await events.waitFor(primed + 1)) as {
      data: {
        deviceCheckedIn: { deviceId: string; occurredAt: string; device: { lastSyncDateTime: string } };
      };
    }[];
    expect(received.at(-1)!.data.deviceCheckedIn).toMatchObject({
      deviceId: device.id,
      occurredAt: b.clock.now().toISOString(),
      // Resolved by instance A from the shared database, after B committed.
      device: { lastSyncDateTime: b.clock.now().toISOString() },
    });
  });

  it('keeps deployments with another channel prefix apart even on the same Redis', async () => {
    const upn = `iso-${randomUUID().slice(0, 8)}@contoso.example`;
    const sameDeployment = new EventCollector(
      a
        .wsClient()
        .iterate({ query: print(DeviceEnrolledDocument), variables: { filter: { userPrincipalName: upn } } }),
    );
    const otherDeployment = new EventCollector(
      isolated
        .wsClient()
        .iterate({ query: print(DeviceEnrolledDocument), variables: { filter: { userPrincipalName: upn } } }),
    );
    // Prime the isolated subscriber through its own instance, then the shared one through B.
    const primedOther = await otherDeployment.prime(() => enrollDevice(isolated, { userPrincipalName: upn }));
    const primedSame = await sameDeployment.prime(() => enrollDevice(b, { userPrincipalName: upn }));
    const { device } = await enrollDevice(b, { userPrincipalName: upn });
    const received = await sameDeployment.waitFor(primedSame + 1);
    expect(
      (received.at(-1) as { data: { deviceEnrolled: { deviceId: string } } }).data.deviceEnrolled.deviceId,
    ).toBe(device.id);
    // One more event through the isolated instance: had B's events leaked to it, they would come first.
    const { device: own } = await enrollDevice(isolated, { userPrincipalName: upn });
    const ownReceived = await otherDeployment.waitFor(primedOther + 1);
    expect(
      ownReceived
        .slice(primedOther)
        .map((e) => (e as { data: { deviceEnrolled: { deviceId: string } } }).data.deviceEnrolled.deviceId),
    ).toEqual([own.id]);
  });
});

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Starts the built gateway as a process and resolves with its base URL once it listens. */
function startProcess(env: Record<string, string>): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, [mainJs], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"graphql":"(http:[^"]+)\/graphql"/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', () => reject(new Error(`gateway exited before listening: ${output}`)));
  });
  return { child, url };
}

describe.runIf(existsSync(mainJs) && inject('databaseUrl'))(
  'two gateway processes (built dist/main.js) on PostgreSQL and Redis',
  () => {
    const children: ChildProcess[] = [];
    afterAll(async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise((resolve) =>
              c.exitCode !== null ? resolve(null) : (c.once('exit', resolve), c.kill('SIGTERM')),
            ),
        ),
      );
    });

    it('lets a subscriber of process A see a check-in made through process B', async () => {
      const adminToken = `mdm_${randomBytes(32).toString('base64url')}`;
      const env = {
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL,
        EVENTS_CHANNEL_PREFIX: `mdm-proc-${randomUUID()}:`,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        LIFECYCLE_SWEEP_INTERVAL_MS: '0',
        ADMIN_TOKEN: adminToken,
        CA_KEY_SECRET: TEST_CA_KEY_SECRET,
      };
      const [first, second] = [startProcess(env), startProcess(env)];
      children.push(first.child, second.child);
      const [urlA, urlB] = await Promise.all([first.url, second.url]);
      const gql = async (url: string, query: string, variables: unknown) => {
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
          body: JSON.stringify({ query, variables }),
        });
        return ((await response.json()) as { data: Record<string, Record<string, unknown>> }).data;
      };
      const enrolled = (
        await gql(urlB, print(EnrollDeviceForProcess), {
          input: {
            platform: 'IOS',
            method: 'BYOD',
            userPrincipalName: `proc-${randomUUID().slice(0, 8)}@contoso.example`,
            deviceName: 'proc',
            serialNumber: `P${randomUUID().slice(0, 10)}`,
            osVersion: '17',
          },
        })
      ).enrollDevice as {
        device: { id: string };
        certificate: { serialNumber: string };
        privateKeyPem: string;
        deviceToken: string;
      };
      const credential: DeviceCredential = {
        deviceId: enrolled.device.id,
        certificateSerialNumber: enrolled.certificate.serialNumber,
        privateKeyPem: enrolled.privateKeyPem,
        deviceToken: enrolled.deviceToken,
      };
      const client = createClient({
        url: `${urlA.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${adminToken}` },
      });
      try {
        const events = new EventCollector(
          client.iterate({
            query: print(DeviceCheckedInDocument),
            variables: { filter: { deviceId: credential.deviceId } },
          }),
        );
        const checkIn = async () => {
          const data = await gql(urlB, print(CheckInDocument), {
            input: signedCheckIn(credential, new Date()),
          });
          expect(data.checkIn!['__typename']).toBe('CheckInSuccess');
        };
        const primed = await events.prime(checkIn);
        await checkIn();
        const received = (await events.waitFor(primed + 1)) as {
          data: { deviceCheckedIn: { deviceId: string } };
        }[];
        expect(received.map((e) => e.data.deviceCheckedIn.deviceId)).toEqual(
          Array(primed + 1).fill(credential.deviceId),
        );
      } finally {
        await client.dispose();
      }
    }, 60_000);
  },
);
