import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CheckInDocument, EnrollDeviceDocument } from '@mdm/schema';
import { print } from 'graphql';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { startGatewayProcess, type GatewayProcess } from '@mdm/api/testing';

let serial = 0;
const uniqueSerial = () => `E2E${Date.now().toString(36).toUpperCase()}${serial++}`;

describe('the dashboard in a real browser against a real gateway', () => {
  let gateway: GatewayProcess;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    // Certificates valid 45 days: outside the 30-day renewal window, inside the 90-day watchlist.
    gateway = await startGatewayProcess({
      serverUrl: process.env['DATABASE_URL'],
      env: { CERT_VALIDITY_DAYS: '45' },
    });
    browser = await launchBrowser();
    page = await browser.browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  type Enrolled = {
    __typename: string;
    device?: { id: string };
    certificate?: { serialNumber: string };
    deviceToken?: string;
  };
  // Each user may enroll a limited number of personal devices: pass another user past the first few.
  const enrollWithCredential = async (deviceName: string, userPrincipalName = 'e2e.user@contoso.example') => {
    const data = await gateway.graphql<{ enrollDevice: Enrolled }>(print(EnrollDeviceDocument), {
      input: {
        platform: 'IOS',
        method: 'BYOD',
        userPrincipalName,
        deviceName,
        serialNumber: uniqueSerial(),
        osVersion: '17.4',
      },
    });
    if (!data.enrollDevice.device) throw new Error(data.enrollDevice.__typename);
    return data.enrollDevice as Required<Enrolled>;
  };
  const enroll = async (deviceName: string) => (await enrollWithCredential(deviceName)).device.id;
  /** Checks the device in as the device does: HMAC over id, timestamp and nonce with its device token. */
  const checkIn = async (enrolled: Required<Enrolled>) => {
    const timestamp = new Date().toISOString();
    const nonce = randomBytes(16).toString('base64url');
    const signature = createHmac('sha256', enrolled.deviceToken)
      .update(`${enrolled.device.id}\n${timestamp}\n${nonce}`)
      .digest('base64');
    const data = await gateway.graphql<{
      checkIn: { __typename: string; device?: { lastSyncDateTime: string } };
    }>(print(CheckInDocument), {
      input: {
        deviceId: enrolled.device.id,
        certificateSerialNumber: enrolled.certificate.serialNumber,
        timestamp,
        nonce,
        signature,
        proofType: 'HMAC',
      },
    });
    if (data.checkIn.__typename !== 'CheckInSuccess') throw new Error(data.checkIn.__typename);
    return data.checkIn.device!.lastSyncDateTime;
  };

  it('signs in with an API token and shows the live connection and the role', async () => {
    await page.goto(`${gateway.url}/`);
    await page.getByLabel('API token').fill(gateway.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    await page.getByText('bootstrap · ADMIN').waitFor();
  });

  it('shows a device enrolled through the API in the table and the live stream without a reload', async () => {
    await page.goto(`${gateway.url}/#/activity`);
    await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
    const id = await enroll('E2E Streamed iPhone');
    await page
      .getByTestId('activity-stream')
      .locator(`li[data-device-id="${id}"][data-kind="enrollment"]`)
      .waitFor();
    await page.goto(`${gateway.url}/#/devices`);
    await page.getByTestId('devices-table').locator(`tr[data-device-id="${id}"]`).waitFor();
    // The rows stay put during enrollments; the new one is a click away.
    const secondId = await enroll('E2E Second iPhone');
    await page.getByTestId('show-new').click();
    await page.getByTestId('devices-table').locator(`tr[data-device-id="${secondId}"]`).waitFor();
  });

  it('updates a shown row live when its device checks in', async () => {
    const enrolled = await enrollWithCredential('E2E Checking-in iPhone');
    // Opened afresh (the view shown before keeps its rows in place and only counts new devices).
    await page.goto(`${gateway.url}/#/devices`);
    await page.reload();
    const row = page.getByTestId('devices-table').locator(`tr[data-device-id="${enrolled.device.id}"]`);
    await row.waitFor();
    const before = await row.getByTestId('last-sync').getAttribute('data-instant');
    const synced = await checkIn(enrolled);
    expect(synced).not.toBe(before);
    await row.locator(`[data-testid="last-sync"][data-instant="${synced}"]`).waitFor();
    expect(await row.getByTestId('last-sync').textContent()).toBe(
      `${synced.slice(0, 19).replace('T', ' ')} UTC`,
    );
  });

  it('shows live tiles that follow an enrollment', async () => {
    await page.goto(`${gateway.url}/#/overview`);
    const total = page.getByTestId('overview-total');
    await total.filter({ hasText: 'device records' }).waitFor();
    const count = async () => Number(/(\d+) device records/.exec((await total.textContent()) ?? '')?.[1]);
    const before = await count();
    await enroll('E2E Tile iPhone');
    await total.filter({ hasText: `${before + 1} device records` }).waitFor();
    await page.getByTestId('tiles-platform').locator('[data-label="IOS"]').waitFor();
    await page.getByTestId('activity-chart').locator('canvas').waitFor();
  });

  it('retires a device from its detail page and shows the new state', async () => {
    const id = await enroll('E2E Retired iPhone');
    await page.goto(`${gateway.url}/#/devices/${id}`);
    await page.getByTestId('management-state').filter({ hasText: 'managed' }).waitFor();
    await page.getByRole('button', { name: 'Retire', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retire E2E Retired iPhone' }).click();
    await page.getByTestId('action-result').filter({ hasText: 'Retire requested' }).waitFor();
    await page.getByTestId('management-state').filter({ hasText: 'retirePending' }).waitFor();
  });

  it('lists a certificate in the 90-day watchlist but not the 30-day one, with its removal date 180 days after expiry', async () => {
    const enrolled = await enrollWithCredential('E2E Watched iPhone', 'e2e.watcher@contoso.example');
    const { mdmCertificates } = await gateway.graphql<{ mdmCertificates: { notAfter: string }[] }>(
      'query ($deviceId: ID!) { mdmCertificates(deviceId: $deviceId) { notAfter } }',
      { deviceId: enrolled.device.id },
    );
    const notAfter = new Date(mdmCertificates[0]!.notAfter);
    await page.goto(`${gateway.url}/#/certificates`);
    await page.getByLabel('Expiring within').selectOption('90');
    await page.getByLabel('Include expired').uncheck();
    const row = page.getByTestId('certificates-table').locator('tr', { hasText: 'E2E Watched iPhone' });
    await row.waitFor();
    const removal = new Date(notAfter.getTime() + 180 * 86_400_000).toISOString();
    expect(await row.textContent()).toContain(`${removal.slice(0, 19).replace('T', ' ')} UTC`);
    await page.getByLabel('Expiring within').selectOption('30');
    await page
      .getByTestId('certificates-table')
      .locator('tr', { hasText: 'E2E Watched iPhone' })
      .waitFor({ state: 'detached' });
  });

  it('uploads a corporate-identifier file and shows the row-level report', async () => {
    await page.goto(`${gateway.url}/#/imports`);
    await page.getByLabel('Format').selectOption('SERIAL');
    await page.getByLabel('File').setInputFiles(examplePath('corporate-serials.csv'));
    await page.getByRole('button', { name: 'Import' }).click();
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.textContent()).toMatch(/Imported corporate-serials\.csv/);
    expect(await report.locator('tbody tr').count()).toBeGreaterThan(0);
  });

  it('works on a narrow screen: the navigation and the table stay usable', async () => {
    const narrow = await browser.browser.newPage({ viewport: { width: 390, height: 844 } });
    await narrow.goto(`${gateway.url}/`);
    await narrow.getByLabel('API token').fill(gateway.token);
    await narrow.keyboard.press('Enter');
    await narrow.getByRole('link', { name: 'Devices' }).click();
    await narrow.getByTestId('devices-table').waitFor();
    const overflow = await narrow.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(1);
    await narrow.close();
  });
});

/** An example file of the repository's `examples/` folder (public formats, see its README). */
function examplePath(name: string): string {
  return fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));
}
