import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  CheckInDocument,
  CreateApiTokenDocument,
  CreateEnrollmentRestrictionDocument,
  EnrollDeviceDocument,
  SetUserGroupsDocument,
} from '@mdm/schema';
import type { GatewayProcess } from '@mdm/api/testing';
import { print } from 'graphql';
import type { Page } from 'playwright-core';

let serial = 0;
/** A serial number no other test uses. */
export const uniqueSerial = () => `E2E${Date.now().toString(36).toUpperCase()}${serial++}`;

export interface Enrolled {
  device: { id: string };
  certificate: { serialNumber: string };
  deviceToken: string;
}

/** Enrolls a personal iPhone through the API; each call uses a fresh user (device limits). */
export async function enroll(gateway: GatewayProcess, deviceName: string, userPrincipalName?: string) {
  const data = await gateway.graphql<{ enrollDevice: Partial<Enrolled> & { __typename: string } }>(
    print(EnrollDeviceDocument),
    {
      input: {
        platform: 'IOS',
        method: 'BYOD',
        userPrincipalName: userPrincipalName ?? `e2e-${randomBytes(4).toString('hex')}@contoso.example`,
        deviceName,
        serialNumber: uniqueSerial(),
        osVersion: '17.4',
      },
    },
  );
  if (!data.enrollDevice.device) throw new Error(data.enrollDevice.__typename);
  return data.enrollDevice as Enrolled;
}

/** Checks the device in as the device does: HMAC over id, timestamp and nonce with its device token. */
export async function checkIn(gateway: GatewayProcess, enrolled: Enrolled): Promise<string> {
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
}

/**
 * A restriction that blocks personal iPhones for one group, and a user in it: each
 * `refuse()` is an enrollment the gateway refuses with ENROLLMENT_RESTRICTED.
 */
export async function blockingRestriction(gateway: GatewayProcess, name: string) {
  const group = `e2e-${randomBytes(4).toString('hex')}`;
  const upn = `${group}@contoso.example`;
  await gateway.graphql(print(SetUserGroupsDocument), { userPrincipalName: upn, groups: [group] });
  await gateway.graphql(print(CreateEnrollmentRestrictionDocument), {
    input: {
      displayName: name,
      kind: 'PLATFORM',
      platform: 'IOS',
      personalDeviceEnrollmentBlocked: true,
      targetGroups: [group],
      priority: 1 + Math.floor(Math.random() * 9_000),
    },
  });
  return {
    refuse: async (deviceName = 'E2E Refused iPhone') => {
      const data = await gateway.graphql<{ enrollDevice: { __typename: string; code?: string } }>(
        print(EnrollDeviceDocument),
        {
          input: {
            platform: 'IOS',
            method: 'BYOD',
            userPrincipalName: upn,
            deviceName,
            serialNumber: uniqueSerial(),
            osVersion: '17.4',
          },
        },
      );
      if (data.enrollDevice.code !== 'ENROLLMENT_RESTRICTED') throw new Error(data.enrollDevice.__typename);
    },
  };
}

/** A new API token with `role`; returns its secret. */
export async function tokenWithRole(gateway: GatewayProcess, role: 'READER' | 'OPERATOR') {
  const data = await gateway.graphql<{ createApiToken: { secret: string } }>(print(CreateApiTokenDocument), {
    input: { name: `e2e ${role.toLowerCase()} ${randomBytes(3).toString('hex')}`, role },
  });
  return data.createApiToken.secret;
}

/**
 * Runs `step` again and again, `perSecond` times a second on average, until `stop()`: a small,
 * bounded load from this process (each step is awaited before the next batch).
 */
export function steadyLoad(perSecond: number, step: (i: number) => Promise<unknown>) {
  let running = true;
  let count = 0;
  const done = (async () => {
    while (running) {
      const started = Date.now();
      await Promise.all(Array.from({ length: Math.max(1, Math.round(perSecond / 4)) }, () => step(count++)));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 250 - (Date.now() - started))));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return count;
    },
  };
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's violations on the page as it is now (WCAG 2.1 A and AA rules). */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (o: object) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

/** Signs in on a fresh page with `token` and waits until the connection is live. */
export async function signIn(page: Page, url: string, token: string) {
  await page.goto(`${url}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('connection').filter({ hasText: 'Live' }).waitFor();
}
