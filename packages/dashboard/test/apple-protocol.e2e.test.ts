import { execFile } from 'node:child_process';
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateEnrollmentInvitationDocument,
  EnrollDeviceDocument,
  ManagedDeviceProtocolDocument,
} from '@mdm/schema';
import { startGatewayProcess, type GatewayProcess } from '@mdm/api/testing';
import { print } from 'graphql';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'plist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { axeViolations, signIn, tokenWithRole, uniqueSerial } from './support';

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
   * other `replacements` made, the body signed by `openssl cms -sign` (a detached CMS SignedData: Apple's `Mdm-Signature`).
   */
  const send = async (
    path: string,
    name: string,
    device: ProtocolDevice,
    replacements: Record<string, string> = {},
  ) => {
    let body = (await fixture(name)).replaceAll(FIXTURE_UDID, device.udid);
    for (const [from, to] of Object.entries(replacements)) body = body.replaceAll(from, to);
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
    await send('/mdm/connect', 'status-error.plist', device, {
      [FIXTURE_COMMAND_UUID]: information!.commandUuid,
    });

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

  it('shows a READER the Apple MDM section without the Sync button', async () => {
    const device = await enrolledDevice('E2E Read-only iPhone');
    await send('/mdm/checkin', 'authenticate-ios.plist', device);
    const reader = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await signIn(reader, gateway.url, await tokenWithRole(gateway, 'READER'));
      await reader.goto(`${gateway.url}/#/devices/${device.id}`);
      const section = reader.getByTestId('apple-mdm');
      await section.waitFor();
      // Authenticated, no TokenUpdate yet: no push token and nothing queued.
      expect(await section.getByTestId('push-token').textContent()).toBe('none yet (no TokenUpdate)');
      expect(await section.textContent()).toContain('No command queued yet.');
      expect(await section.getByRole('button', { name: 'Sync' }).count()).toBe(0);
      expect(await axeViolations(reader)).toEqual([]);
    } finally {
      await reader.close();
    }
  });

  /**
   * What an iPhone does with an invitation's profile: reads the SCEP payload from the signed profile
   * (`openssl cms -verify`) and obtains its identity with micromdm's `scepclient`, encrypting to
   * the gateway's RSA RA certificate. The certificate is then a pending enrollment until the
   * device's Authenticate.
   */
  const scepEnrolledDevice = async (upn: string): Promise<Omit<ProtocolDevice, 'id'>> => {
    const invitation = await gateway.graphql<{
      createEnrollmentInvitation: { __typename: string; profileUrl?: string };
    }>(print(CreateEnrollmentInvitationDocument), {
      input: { platform: 'IOS', method: 'BYOD', userPrincipalName: upn },
    });
    const { profileUrl } = invitation.createEnrollmentInvitation;
    if (!profileUrl) throw new Error(JSON.stringify(invitation.createEnrollmentInvitation));
    // The profile URL names PUBLIC_URL, which this gateway leaves at its default host: ask it directly.
    const url = new URL(profileUrl);
    const profileFile = join(work, `${randomUUID()}.mobileconfig`);
    await writeFile(
      profileFile,
      Buffer.from(await (await fetch(new URL(`${url.pathname}${url.search}`, gateway.url))).arrayBuffer()),
    );
    const { stdout } = await run('openssl', [
      'cms',
      '-verify',
      '-noverify',
      '-inform',
      'der',
      '-in',
      profileFile,
    ]);
    type Dict = Record<string, unknown>;
    const scep = ((parse(stdout) as Dict)['PayloadContent'] as Dict[]).find(
      (p) => p['PayloadType'] === 'com.apple.security.scep',
    )!['PayloadContent'] as Dict;
    const caFile = join(work, `${randomUUID()}.p7b`);
    await writeFile(
      caFile,
      Buffer.from(await (await fetch(`${gateway.url}/scep?operation=GetCACert`)).arrayBuffer()),
    );
    const certificates = (
      await run('openssl', ['pkcs7', '-inform', 'der', '-in', caFile, '-print_certs'])
    ).stdout.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
    const ra = certificates
      .map((pem) => new X509Certificate(pem))
      .find((c) => c.publicKey.asymmetricKeyType === 'rsa')!;
    const dir = await mkdtemp(join(work, 'scepclient-'));
    await run(
      'scepclient',
      [
        '-server-url',
        `${gateway.url}/scep`,
        '-private-key',
        join(dir, 'key.pem'),
        '-ca-fingerprint',
        ra.fingerprint256.replaceAll(':', '').toLowerCase(),
        '-cn',
        'device',
        '-challenge',
        String(scep['Challenge']),
      ],
      { timeout: 20_000 },
    );
    return {
      name: 'Ada’s iPhone',
      udid: `00008110-${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`,
      certificateFile: join(dir, 'client.pem'),
      keyFile: join(dir, 'key.pem'),
    };
  };

  it('lists a SCEP certificate awaiting its device on the methods view, and drops it once the device authenticates', async () => {
    const upn = `e2e-pending-${randomBytes(4).toString('hex')}@contoso.example`;
    const handset = await scepEnrolledDevice(upn);
    const serial = new X509Certificate(await readFile(handset.certificateFile)).serialNumber;
    await page.goto(`${gateway.url}/#/methods`);
    const row = page.getByTestId('pending-enrollments').locator('tbody tr', { hasText: upn });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(1)).toEqual(['IOS', 'BYOD', 'Personal', upn, expect.any(String)]);
    expect(cells[5]!.replace(/^0+/, '').toUpperCase()).toBe(serial.replace(/^0+/, '').toUpperCase());
    expect(cells[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    expect(await axeViolations(page)).toEqual([]);

    // Authenticate completes the enrollment: the device exists and the row leaves the list.
    // The device record is created from this message, so its IMEI must pass the Luhn check.
    await send(
      '/mdm/checkin',
      'authenticate-ios.plist',
      { ...handset, id: '' },
      {
        '35 395911 012345 6': '35 395911 012345 2',
      },
    );
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.waitFor({ state: 'detached' });
  });
});
