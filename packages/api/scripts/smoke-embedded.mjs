// CI smoke test of the built gateway on its embedded database: start dist/main.js with no
// DATABASE_URL, wait for /readyz, run a query, enroll, watch a check-in arrive over graphql-ws,
// then SIGTERM and expect exit code 0. Prints "smoke: N passed, M failed".
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const dataDir = mkdtempSync(join(tmpdir(), 'mdm-smoke-'));
const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_DATA: 'true' };
delete env.DATABASE_URL;
delete env.REDIS_URL;
const child = spawn(process.execPath, [new URL('../dist/main.js', import.meta.url).pathname], {
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
const results = [];
const step = async (name, fn) => {
  try {
    await fn();
    results.push([name, true]);
    console.log(`ok   ${name}`);
  } catch (error) {
    results.push([name, false]);
    console.log(`FAIL ${name}: ${error.message}`);
  }
};
const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
let token;
const baseUrl = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`gateway did not start: ${output}`)), 60_000);
  child.stdout.on('data', (chunk) => {
    output += chunk;
    token ??= /"demoAdminToken":"(mdm_[^"]+)"/.exec(output)?.[1];
    const match = /"graphql":"(http:\/\/[^"]+)\/graphql"/.exec(output);
    if (match && token) {
      clearTimeout(timer);
      resolve(match[1]);
    }
  });
});
const gql = async (query, variables) => {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
};

await step('/readyz reports ready on the embedded database', async () => {
  for (let i = 0; i < 100; i++) {
    const response = await fetch(`${baseUrl}/readyz`).catch(() => null);
    if (response?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('never ready');
});
let deviceId;
let credential;
await step('the demo fleet is there', async () => {
  const data = await gql('{ managedDevices(first: 1) { totalCount edges { node { id } } } }');
  if (data.managedDevices.totalCount < 1) throw new Error('no demo devices');
});
await step('an enrollment returns an MDM certificate and a device token', async () => {
  const data = await gql(
    'mutation($input: EnrollDeviceInput!) { enrollDevice(input: $input) { __typename ... on EnrollDeviceSuccess { device { id } certificate { serialNumber status } deviceToken } } }',
    {
      input: {
        platform: 'IOS',
        method: 'BYOD',
        userPrincipalName: 'smoke@contoso.example',
        deviceName: 'smoke',
        serialNumber: `SMOKE${Date.now()}`,
        osVersion: '17.4',
      },
    },
  );
  const result = data.enrollDevice;
  if (result.__typename !== 'EnrollDeviceSuccess' || result.certificate.status !== 'valid')
    throw new Error(JSON.stringify(result));
  deviceId = result.device.id;
  credential = { serial: result.certificate.serialNumber, token: result.deviceToken };
});
/** A check-in proved with the device token (HMAC over deviceId, timestamp and nonce; docs/certificates.md). */
const checkInInput = () => {
  const timestamp = new Date().toISOString();
  const nonce = randomBytes(12).toString('base64url');
  const signature = createHmac('sha256', credential.token)
    .update(`${deviceId}\n${timestamp}\n${nonce}`)
    .digest('base64');
  return {
    deviceId,
    certificateSerialNumber: credential.serial,
    timestamp,
    nonce,
    signature,
    proofType: 'HMAC',
  };
};
await step('a graphql-ws subscriber receives a committed check-in', async () => {
  const client = createClient({
    url: `${baseUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  const received = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no event within 10 s')), 10_000);
    client.subscribe(
      {
        query:
          'subscription($id: ID!) { deviceCheckedIn(filter: { deviceId: $id }) { deviceId device { lastSyncDateTime } } }',
        variables: { id: deviceId },
      },
      {
        next: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
        error: reject,
        complete: () => {},
      },
    );
  });
  // The server registers the subscription asynchronously: check in until the event arrives.
  let event;
  for (let i = 0; i < 50 && !event; i++) {
    const { checkIn } = await gql(
      'mutation($input: CheckInInput!) { checkIn(input: $input) { __typename } }',
      { input: checkInInput() },
    );
    if (checkIn.__typename !== 'CheckInSuccess') throw new Error(`check-in refused: ${checkIn.__typename}`);
    event = await Promise.race([received, new Promise((r) => setTimeout(() => r(undefined), 200))]);
  }
  await client.dispose();
  if (event?.data?.deviceCheckedIn?.deviceId !== deviceId)
    throw new Error(`unexpected event ${JSON.stringify(event)}`);
});
await step('SIGTERM drains and exits 0', async () => {
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`exit code ${code}`);
});
child.kill('SIGKILL');
rmSync(dataDir, { recursive: true, force: true });
const passed = results.filter(([, ok]) => ok).length;
console.log(`smoke: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
