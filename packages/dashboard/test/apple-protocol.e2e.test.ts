import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnrollDeviceDocument, ManagedDeviceProtocolDocument } from '@mdm/schema';
import { startGatewayProcess, type GatewayProcess } from '@mdm/api/testing';
import { print } from 'graphql';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { axeViolations, signIn, uniqueSerial } from './support';

const run = promisify(execFile);

/** The API package's Apple check-in and command report fixtures (real plists, Apple's shapes). */
const FIXTURE_UDID = '00008110-001A2B3C4D5E6F70';
const FIXTURE_COMMAND_UUID = '4C1D9E2A-6B3F-4A70-9E85-1D2C3B4A5F60';
const fixture = (name: string) =>
  readFile(new URL(`../../api/test/fixtures/apple-mdm/${name}`, import.meta.url), 'utf8');

/** A device that speaks Apple's MDM protocol: its UDID and the identity it signs its messages with. */
interface ProtocolDevice {
  id: string;
  name: string;
  udid: string;
  certificateFile: string;
  keyFile: string;
}

describe("the dashboard's view of devices that enroll over Apple's MDM protocol, in a real browser", () => {
  let gateway: GatewayProcess;
  let launched: Awaited<ReturnType<typeof launchBrowser>>;
  let browser: Browser;
  let page: Page;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dash-apple-'));
    gateway = await startGatewayProcess({ serverUrl: process.env['DATABASE_URL'] });
    launched = await launchBrowser();
    browser = launched.browser;
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, gateway.url, gateway.token);
  });
  afterAll(async () => {
    await launched?.close();
    await gateway?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** An iPhone enrolled by enrollDevice: its certificate plays the one SCEP would have issued. */
  const enrolledDevice = async (name: string): Promise<ProtocolDevice> => {
    const data = await gateway.graphql<{
      enrollDevice: {
        __typename: string;
        device?: { id: string };
        certificate?: { pem: string };
        privateKeyPem?: string;
      };
    }>(print(EnrollDeviceDocument), {
      input: {
        platform: 'IOS',
        method: 'BYOD',
        userPrincipalName: `e2e-${randomBytes(4).toString('hex')}@contoso.example`,
        deviceName: name,
        serialNumber: uniqueSerial(),
        osVersion: '17.4',
      },
    });
    const { device, certificate, privateKeyPem } = data.enrollDevice;
    if (!device || !certificate || !privateKeyPem) throw new Error(data.enrollDevice.__typename);
    const certificateFile = join(work, `${device.id}.pem`);
    const keyFile = join(work, `${device.id}.key`);
    await writeFile(certificateFile, certificate.pem);
    await writeFile(keyFile, privateKeyPem);
    return {
      id: device.id,
      name,
      udid: `00008110-${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`,
      certificateFile,
      keyFile,
    };
  };

  /**
   * PUTs a fixture as the device sends it: its UDID (and the command it answers) substituted, the
   * body signed by `openssl cms -sign` (a detached CMS SignedData: Apple's `Mdm-Signature`).
   */
  const send = async (path: string, name: string, device: ProtocolDevice, commandUuid?: string) => {
    let body = (await fixture(name)).replaceAll(FIXTURE_UDID, device.udid);
    if (commandUuid) body = body.replaceAll(FIXTURE_COMMAND_UUID, commandUuid);
    const bodyFile = join(work, `${randomUUID()}.plist`);
    await writeFile(bodyFile, body);
    await run('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-outform',
      'der',
      '-in',
      bodyFile,
      '-signer',
      device.certificateFile,
      '-inkey',
      device.keyFile,
      '-out',
      `${bodyFile}.p7s`,
    ]);
    const response = await fetch(`${gateway.url}${path}`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/x-apple-aspen-mdm',
        'mdm-signature': (await readFile(`${bodyFile}.p7s`)).toString('base64'),
      },
      body,
    });
    if (response.status !== 200)
      throw new Error(`${path} ${name}: ${response.status} ${await response.text()}`);
    return response.text();
  };

  /** The device's commands as the API reports them, newest first. */
  const commandsOf = async (device: ProtocolDevice) => {
    const data = await gateway.graphql<{
      managedDevice: { mdmCommands: { commandUuid: string; requestType: string; status: string }[] };
    }>(print(ManagedDeviceProtocolDocument), { id: device.id, first: 20 });
    return data.managedDevice.mdmCommands;
  };

  it('shows the push registration and the command queue with its error chain, confirms Sync and reports that no push was sent', async () => {
    const device = await enrolledDevice('E2E Protocol iPhone');
    await send('/mdm/checkin', 'authenticate-ios.plist', device);
    await send('/mdm/checkin', 'tokenupdate-device.plist', device);
    // The first TokenUpdate queued DeviceInformation; an Idle fetches it and the device answers Error.
    await send('/mdm/connect', 'status-idle-device.plist', device);
    const [information] = await commandsOf(device);
    expect(information).toMatchObject({ requestType: 'DeviceInformation', status: 'sent' });
    await send('/mdm/connect', 'status-error.plist', device, information!.commandUuid);

    await page.goto(`${gateway.url}/#/devices/${device.id}`);
    const section = page.getByTestId('apple-mdm');
    await section.waitFor();
    expect(await section.getByTestId('push-token').textContent()).toBe('present');
    expect(await section.textContent()).toContain(
      'com.apple.mgmt.External.5d2b4c1e-0f3a-4e8b-9c6d-7a1b2c3d4e5f',
    );
    expect(await section.getByTestId('checked-out').textContent()).toBe('no');
    const row = section.getByTestId('mdm-commands').locator('tbody tr', { hasText: 'DeviceInformation' });
    expect(await row.locator('td').nth(1).textContent()).toBe('error');
    expect(await row.locator('.error-chain li').allTextContents()).toEqual([
      expect.stringMatching(
        /^MCProfileErrorDomain 4001: The profile “com\.example\.mdm” could not be found\.?$/,
      ),
    ]);
    expect(await axeViolations(page)).toEqual([]);

    await section.getByRole('button', { name: 'Sync' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sync E2E Protocol iPhone?' });
    await dialog.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Sync E2E Protocol iPhone' }).click();
    // This gateway has no APNs push certificate: the answer says so instead of "done".
    await section
      .getByTestId('sync-result')
      .filter({ hasText: 'No push sent: the gateway has no APNs push certificate configured' })
      .waitFor();
  });

  it('lists no pending enrollment on the methods view while every issued certificate has checked in, with no axe violation', async () => {
    await page.goto(`${gateway.url}/#/methods`);
    await page.getByTestId('pending-empty').waitFor();
    expect(await page.getByRole('heading', { name: 'Pending enrollments' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
  });
});
