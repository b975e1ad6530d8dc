// Enrolls a population of Apple devices for apple-check-in-storm.js and writes, per device, the
// Idle status body it sends to PUT /mdm/connect with its Mdm-Signature. k6 has no CMS, so the
// signatures are made here, by `openssl cms -sign` (Apple's SignMessage: a detached CMS signature
// over the body, base64, made with the device's identity key). An Idle body is the same at every
// check-in of a device, so one signature per device serves the whole storm.
//
// Each device: enrollDevice (iOS BYOD, its own user, the certificate and key the gateway issues),
// then Authenticate and TokenUpdate at /mdm/checkin as the device sends them, then Idle at
// /mdm/connect acknowledging the commands the enrollment queued (DeviceInformation), so that the
// storm's Idle check-ins find an empty queue.
//
// TOKEN=mdm_... node load-tests/scripts/apple-population.mjs [out.json]
// Settings (environment; default in brackets): TOKEN (required, ADMIN or ENROLLER), BASE_URL
// (http://127.0.0.1:4000), POPULATION (1000), CONCURRENCY (8), OPENSSL (openssl); the output file
// [load-tests/apple-population.json] is what apple-check-in-storm.js reads (its POPULATION_FILE).
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, parse } from 'plist';
import { EnrollDevice } from '../lib/operations.js';

const run = promisify(execFile);

/** The push topic the devices report (the gateway stores it; it need not match a push certificate). */
const TOPIC = 'com.apple.mgmt.External.k6-population';

/**
 * @param {string} name @param {number} fallback
 * @returns {number} a whole number ≥ 1 from the environment, or the default
 */
function wholeNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number ≥ 1, got "${raw}"`);
  return value;
}

/**
 * Enrolls `size` devices against `baseUrl` and returns what the storm sends for each.
 * @param {{ baseUrl: string, token: string, size: number, concurrency?: number, openssl?: string }} options
 * @returns {Promise<{ udid: string, deviceId: string, body: string, signature: string }[]>}
 */
export async function applePopulation({ baseUrl, token, size, concurrency = 8, openssl = 'openssl' }) {
  const base = baseUrl.replace(/\/$/, '');
  const work = await mkdtemp(join(tmpdir(), 'apple-population-'));
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  try {
    /** @param {number} index */
    const enrollOne = async (index) => {
      const dir = join(work, String(index));
      const keyFile = `${dir}.key`;
      const certificateFile = `${dir}.pem`;
      const serial = `K6A${runId}${index}`.toUpperCase().slice(0, 20);
      const udid = `00008110-${randomBytes(8).toString('hex').toUpperCase()}`;
      const enrolled = await graphql(base, token, EnrollDevice, {
        input: {
          platform: 'IOS',
          method: 'BYOD',
          userPrincipalName: `k6-apple-${runId}-${index}@contoso.com`,
          deviceName: `k6 Apple ${serial}`,
          serialNumber: serial,
          osVersion: '17.4.1',
          model: 'iPhone15,2',
          manufacturer: 'Apple',
        },
      });
      const result = enrolled.enrollDevice;
      if (result.__typename !== 'EnrollDeviceSuccess')
        throw new Error(`enrollDevice: ${result.__typename} ${result.message || ''}`);
      await writeFile(keyFile, result.privateKeyPem);
      await writeFile(certificateFile, result.certificate.pem);

      /** Signs `message` as the device and sends it; returns the answer's status and text. */
      const send = async (path, message) => {
        const body = build(message);
        const response = await fetch(`${base}${path}`, {
          method: 'PUT',
          headers: {
            'content-type': 'application/x-apple-aspen-mdm',
            'mdm-signature': await sign(body),
          },
          body,
        });
        const text = await response.text();
        if (response.status !== 200)
          throw new Error(`${path} ${message.MessageType || message.Status}: ${response.status} ${text}`);
        return text;
      };
      /** @param {string} body */
      const sign = async (body) => {
        const bodyFile = `${dir}-${randomUUID()}.plist`;
        await writeFile(bodyFile, body);
        const { stdout } = await run(
          openssl,
          [
            'cms',
            '-sign',
            '-binary',
            '-outform',
            'der',
            '-in',
            bodyFile,
            '-signer',
            certificateFile,
            '-inkey',
            keyFile,
          ],
          { encoding: 'buffer' },
        );
        await rm(bodyFile, { force: true });
        return Buffer.from(stdout).toString('base64');
      };

      await send('/mdm/checkin', {
        MessageType: 'Authenticate',
        UDID: udid,
        SerialNumber: serial,
        Topic: TOPIC,
        OSVersion: '17.4.1',
        BuildVersion: '21E236',
        ProductName: 'iPhone15,2',
        Model: 'iPhone15,2',
        DeviceName: `k6 Apple ${serial}`,
      });
      await send('/mdm/checkin', {
        MessageType: 'TokenUpdate',
        UDID: udid,
        Topic: TOPIC,
        Token: randomBytes(32),
        PushMagic: randomUUID().toUpperCase(),
      });
      // Acknowledge what the enrollment queued, so that an Idle finds nothing to do.
      let answer = await send('/mdm/connect', { UDID: udid, Status: 'Idle' });
      for (let guard = 0; answer && guard < 10; guard++) {
        const command = /** @type {{ CommandUUID: string }} */ (parse(answer));
        answer = await send('/mdm/connect', {
          UDID: udid,
          Status: 'Acknowledged',
          CommandUUID: command.CommandUUID,
        });
      }
      const body = build({ UDID: udid, Status: 'Idle' });
      return { udid, deviceId: result.device.id, body, signature: await sign(body) };
    };

    const devices = new Array(size);
    let next = 0;
    /** @type {unknown} */
    let failure = null;
    const worker = async () => {
      while (next < size && !failure) {
        const index = next++;
        try {
          devices[index] = await enrollOne(index);
        } catch (error) {
          failure = failure || error;
        }
      }
    };
    // Every worker ends before the key files are removed; the first failure is the one reported.
    await Promise.all(Array.from({ length: Math.min(concurrency, size) }, worker));
    if (failure) throw failure;
    return devices;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** @param {string} base @param {string} token @param {string} query @param {Record<string, unknown>} variables */
async function graphql(base, token, query, variables) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok || !body || body.errors)
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body)}`);
  return body.data;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const token = process.env.TOKEN;
  if (!token) throw new Error('TOKEN is required (an ADMIN or ENROLLER token; pnpm start prints a demo one)');
  const out = process.argv[2] || fileURLToPath(new URL('../apple-population.json', import.meta.url));
  const size = wholeNumber('POPULATION', 1000);
  const started = Date.now();
  const devices = await applePopulation({
    baseUrl: process.env.BASE_URL || 'http://127.0.0.1:4000',
    token,
    size,
    concurrency: wholeNumber('CONCURRENCY', 8),
    openssl: process.env.OPENSSL || 'openssl',
  });
  await writeFile(out, JSON.stringify(devices));
  console.log(`apple-population: ${size} devices enrolled in ${Date.now() - started} ms → ${out}`);
}
