// Apple protocol devices for the `apple` row of the ratio table: each is enrolled through
// `enrollDevice` (iOS BYOD, its own user), then sends Authenticate and TokenUpdate to the
// CheckInURL and acknowledges the commands its enrollment queued, as a device does; what the
// storm then sends is its Idle status to the ServerURL, signed by `openssl cms -sign` (a detached
// CMS signature with signed attributes, as devices make them). Same protocol steps as
// load-tests/scripts/apple-population.mjs, which feeds the k6 storm.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, parse, type PlistValue } from 'plist';
import { signMdmMessage } from '../src/modules/apple-mdm/mdm-signature.js';
import type { BenchGateway } from './load-harness.js';

const run = promisify(execFile);

const ENROLL = `mutation BenchAppleEnroll($input: EnrollDeviceInput!) {
  enrollDevice(input: $input) {
    __typename
    ... on EnrollDeviceSuccess { device { id } certificate { pem } privateKeyPem }
    ... on UserError { message }
  }
}`;

/** One enrolled Apple device: the Idle body it sends and its Mdm-Signature. */
export interface AppleDevice {
  udid: string;
  body: string;
  signature: string;
}

/** Enrolls `size` Apple devices on `gateway` (8 at a time) and returns what their Idle check-ins send. */
export async function applePopulation(gateway: BenchGateway, size: number): Promise<AppleDevice[]> {
  const work = await mkdtemp(join(tmpdir(), 'bench-apple-'));
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  try {
    const enrollOne = async (index: number): Promise<AppleDevice> => {
      const serial = `BA${runId}${index}`.toUpperCase().slice(0, 20);
      const udid = `00008110-${randomBytes(8).toString('hex').toUpperCase()}`;
      const { enrollDevice: enrolled } = await gateway.gql<{
        enrollDevice: {
          __typename: string;
          message?: string;
          certificate: { pem: string };
          privateKeyPem: string;
        };
      }>(ENROLL, {
        input: {
          platform: 'IOS',
          method: 'BYOD',
          userPrincipalName: `bench-apple-${runId}-${index}@contoso.example`,
          deviceName: `bench Apple ${serial}`,
          serialNumber: serial,
          osVersion: '17.4.1',
          model: 'iPhone15,2',
          manufacturer: 'Apple',
        },
      });
      if (enrolled.__typename !== 'EnrollDeviceSuccess')
        throw new Error(`enrollDevice: ${enrolled.__typename} ${enrolled.message ?? ''}`);
      const certificatePem = enrolled.certificate.pem;
      const keyPem = enrolled.privateKeyPem;
      const send = async (path: string, message: Record<string, PlistValue>): Promise<string> => {
        const body = Buffer.from(build(message));
        const response = await fetch(`${gateway.url}${path}`, {
          method: 'PUT',
          headers: {
            'content-type': 'application/x-apple-aspen-mdm',
            'mdm-signature': await signMdmMessage(body, certificatePem, keyPem),
          },
          body,
        });
        const text = await response.text();
        if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text}`);
        return text;
      };
      await send('/mdm/checkin', {
        MessageType: 'Authenticate',
        UDID: udid,
        SerialNumber: serial,
        Topic: 'com.apple.mgmt.External.bench',
        OSVersion: '17.4.1',
        BuildVersion: '21E236',
        ProductName: 'iPhone15,2',
        Model: 'iPhone15,2',
        DeviceName: `bench Apple ${serial}`,
      });
      await send('/mdm/checkin', {
        MessageType: 'TokenUpdate',
        UDID: udid,
        Topic: 'com.apple.mgmt.External.bench',
        Token: randomBytes(32),
        PushMagic: randomUUID().toUpperCase(),
      });
      // Acknowledge what the enrollment queued, so that an Idle finds nothing to do.
      let answer = await send('/mdm/connect', { UDID: udid, Status: 'Idle' });
      for (let guard = 0; answer && guard < 10; guard++) {
        const command = parse(answer) as { CommandUUID: string };
        answer = await send('/mdm/connect', {
          UDID: udid,
          Status: 'Acknowledged',
          CommandUUID: command.CommandUUID,
        });
      }
      const body = build({ UDID: udid, Status: 'Idle' });
      const prefix = join(work, String(index));
      await writeFile(`${prefix}.pem`, certificatePem);
      await writeFile(`${prefix}.key`, keyPem);
      await writeFile(`${prefix}.plist`, body);
      const { stdout } = await run(
        'openssl',
        [
          'cms',
          '-sign',
          '-binary',
          '-outform',
          'der',
          '-in',
          `${prefix}.plist`,
          '-signer',
          `${prefix}.pem`,
          '-inkey',
          `${prefix}.key`,
        ],
        { encoding: 'buffer' },
      );
      return { udid, body, signature: Buffer.from(stdout).toString('base64') };
    };
    const devices: AppleDevice[] = new Array(size);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < size) {
          const index = next++;
          devices[index] = await enrollOne(index);
        }
      }),
    );
    return devices;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The storm's requests: each device's signed Idle in turn (PUT /mdm/connect). */
export const appleIdleRequest = (devices: AppleDevice[]) => {
  let i = 0;
  return () => {
    const device = devices[i++ % devices.length]!;
    return {
      path: '/mdm/connect',
      method: 'PUT' as const,
      headers: { 'content-type': 'application/x-apple-aspen-mdm', 'mdm-signature': device.signature },
      body: device.body,
    };
  };
};
