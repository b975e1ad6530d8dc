import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, parse, type PlistValue } from 'plist';
import { issuedCertificate, runScepClient, type AppleTestBed } from './scepclient.js';
import type { TestGateway } from './test-gateway.js';

const run = promisify(execFile);
export type Dict = { [key: string]: PlistValue };

/** A device as Apple's protocol sees it: its UDID, serial and scepclient's key and certificate files. */
export interface Handset {
  udid: string;
  serial: string;
  keyFile: string;
  certificateFile: string;
}

/** The push topic the test devices report (no APNs certificate in tests). */
export const TEST_TOPIC = 'com.apple.mgmt.External.placeholder';

/**
 * An Apple device speaking to `gateway` the way the real one does, with clients nobody here wrote:
 * profiles read with `openssl cms -verify`, identities obtained by micromdm's `scepclient`, every
 * message signed (`Mdm-Signature`) by `openssl cms -sign` with scepclient's key and certificate.
 */
export function appleHandsets(gateway: Pick<TestGateway, 'url'>, bed: AppleTestBed) {
  async function signedBy(body: Buffer, device: Handset): Promise<string> {
    const file = join(bed.work, `body-${randomUUID()}`);
    await writeFile(file, body);
    const { stdout } = await run(
      'openssl',
      [
        'cms',
        '-sign',
        '-binary',
        '-outform',
        'der',
        '-in',
        file,
        '-signer',
        device.certificateFile,
        '-inkey',
        device.keyFile,
      ],
      { encoding: 'buffer' },
    );
    return (stdout as unknown as Buffer).toString('base64');
  }

  /** PUTs a body with a given signature (a replay sends an earlier one again). */
  async function putSigned(path: string, body: Buffer, signature: string) {
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-apple-aspen-mdm', 'mdm-signature': signature },
      body,
    });
    return { status: response.status, text: await response.text() };
  }

  async function put(path: string, message: Dict, device: Handset) {
    const body = Buffer.from(build(message));
    return { ...(await putSigned(path, body, await signedBy(body, device))), body };
  }

  /** Verifies a signed profile with `openssl cms -verify` against the gateway CA and parses it. */
  async function profileOf(signed: Buffer): Promise<Dict> {
    const file = join(bed.work, `profile-${randomUUID()}.mobileconfig`);
    await writeFile(file, signed);
    const { stdout } = await run('openssl', [
      'cms',
      '-verify',
      '-inform',
      'der',
      '-in',
      file,
      '-CAfile',
      bed.caFile,
      '-purpose',
      'any',
    ]);
    return parse(stdout) as Dict;
  }

  const payloadOf = (profile: Dict, type: string) =>
    (profile['PayloadContent'] as Dict[]).find((p) => p['PayloadType'] === type)!;

  /** Installs a signed profile's SCEP payload with scepclient, as the device does; returns the new key and certificate files. */
  async function identityFrom(
    signed: Buffer,
  ): Promise<{ keyFile: string; certificateFile: string; pem: string }> {
    const scep = payloadOf(await profileOf(signed), 'com.apple.security.scep')['PayloadContent'] as Dict;
    const enrolled = await runScepClient({
      serverUrl: String(scep['URL']),
      recipientFingerprint: bed.raFingerprint,
      challenge: String(scep['Challenge']),
    });
    if (!enrolled.ok) throw new Error(`scepclient: ${enrolled.output}`);
    const pem = await issuedCertificate(enrolled);
    return { keyFile: join(enrolled.dir, 'key.pem'), certificateFile: join(enrolled.dir, 'client.pem'), pem };
  }

  /** A new device holding the identity of `profile` (the HTTP answer of a profile URL). */
  async function handsetFrom(profile: Response, serial: string): Promise<Handset> {
    if (profile.status !== 200) throw new Error(`profile: ${profile.status} ${await profile.text()}`);
    const identity = await identityFrom(Buffer.from(await profile.arrayBuffer()));
    return {
      udid: `00008110-${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`,
      serial,
      keyFile: identity.keyFile,
      certificateFile: identity.certificateFile,
    };
  }

  const authenticate = (device: Handset) =>
    put(
      '/mdm/checkin',
      {
        MessageType: 'Authenticate',
        UDID: device.udid,
        SerialNumber: device.serial,
        Topic: TEST_TOPIC,
        OSVersion: '17.4.1',
        BuildVersion: '21E236',
        ProductName: 'iPhone15,2',
        Model: 'iPhone15,2',
        DeviceName: `Device ${device.serial}`,
      },
      device,
    );

  const tokenUpdate = (device: Handset, token = randomUUID().replaceAll('-', '')) =>
    put(
      '/mdm/checkin',
      {
        MessageType: 'TokenUpdate',
        UDID: device.udid,
        Topic: TEST_TOPIC,
        Token: Buffer.from(token, 'hex'),
        PushMagic: randomUUID().toUpperCase(),
        UnlockToken: Buffer.from('unlock'),
      },
      device,
    );

  const status = (device: Handset, answer: Dict = { Status: 'Idle' }) =>
    put('/mdm/connect', { UDID: device.udid, ...answer }, device);

  const commandOf = (text: string) =>
    parse(text) as { CommandUUID: string; Command: { RequestType: string } & Dict };

  /** Answers every queued command Acknowledged until the queue is empty. */
  async function drain(device: Handset): Promise<string[]> {
    const seen: string[] = [];
    let answer = await status(device);
    while (answer.text) {
      const command = commandOf(answer.text);
      seen.push(command.Command.RequestType);
      answer = await status(device, { Status: 'Acknowledged', CommandUUID: command.CommandUUID });
    }
    return seen;
  }

  return {
    signedBy,
    put,
    putSigned,
    profileOf,
    payloadOf,
    identityFrom,
    handsetFrom,
    authenticate,
    tokenUpdate,
    status,
    commandOf,
    drain,
  };
}
