import { CheckInDocument, EnrollDeviceDocument } from '@mdm/schema';
import { print } from 'graphql';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser';
import { startGatewayProcess, type GatewayProcess } from './gateway-process';

let serial = 0;
const uniqueSerial = () => `E2E${Date.now().toString(36).toUpperCase()}${serial++}`;

describe('the dashboard in a real browser against a real gateway', () => {
  let gateway: GatewayProcess;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    gateway = await startGatewayProcess();
    browser = await launchBrowser();
    page = await browser.browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  const enroll = async (deviceName: string) => {
    const data = await gateway.graphql<{ enrollDevice: { __typename: string; device?: { id: string } } }>(print(EnrollDeviceDocument), {
      input: { platform: 'IOS', method: 'BYOD', userPrincipalName: 'e2e.user@contoso.example', deviceName, serialNumber: uniqueSerial(), osVersion: '17.4' },
    });
    if (!data.enrollDevice.device) throw new Error(data.enrollDevice.__typename);
    return data.enrollDevice.device.id;
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
    await page.getByTestId('activity-stream').locator(`li[data-device-id="${id}"][data-kind="enrollment"]`).waitFor();
    await page.goto(`${gateway.url}/#/devices`);
    await page.getByTestId('devices-table').locator(`tr[data-device-id="${id}"]`).waitFor();
    const secondId = await enroll('E2E Second iPhone');
    await page.getByTestId('devices-table').locator(`tr[data-device-id="${secondId}"]`).waitFor();
  });
});
