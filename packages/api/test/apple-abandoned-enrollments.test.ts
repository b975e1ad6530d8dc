import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CreateEnrollmentInvitationDocument, RunLifecycleSweepDocument } from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appleHandsets, type Handset } from './support/apple-handset.js';
import { uniqueUpn } from './support/builders.js';
import { appleTestBed, freePort } from './support/scepclient.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const HOUR = 3_600_000;
let gateway: TestGateway;
let device: ReturnType<typeof appleHandsets>;
let dataDir: string;

beforeAll(async () => {
  const port = await freePort();
  // A database of its own: its sweeps at a late instant must not end other files' enrollments.
  dataDir = await mkdtemp(join(tmpdir(), 'abandoned-enrollments-'));
  gateway = await startTestGateway({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PENDING_ENROLLMENT_TTL_HOURS: '24',
    },
    embeddedDataDir: dataDir,
  });
  device = appleHandsets(gateway, await appleTestBed(gateway, 'apple-abandoned-'));
});
afterAll(async () => {
  await gateway.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function scepOnly(): Promise<Handset> {
  const { createEnrollmentInvitation: r } = await gateway.query(CreateEnrollmentInvitationDocument, {
    input: { platform: 'IOS', method: 'BYOD', userPrincipalName: uniqueUpn() },
  });
  if (r.__typename !== 'CreateEnrollmentInvitationSuccess') throw new Error(r.__typename);
  return device.handsetFrom(await fetch(r.profileUrl), `ABN${randomUUID().slice(0, 8)}`);
}

const stateOf = async (handset: Handset) => {
  const serial = new X509Certificate(await readFile(handset.certificateFile)).serialNumber.toUpperCase();
  const [row] = await gateway.sql<{ status: string; refusal_code: string | null; certificate: string }>(
    `select p.status, p.refusal_code, c.status as certificate
       from pending_enrollment p join mdm_certificate c on c.id = p.certificate_id where c.serial_number = ?`,
    [serial],
  );
  return row;
};

describe('abandoned SCEP enrollments', () => {
  it('the lifecycle sweep ends a pending enrollment after PENDING_ENROLLMENT_TTL_HOURS and revokes its certificate; a younger one stays', async () => {
    const abandoned = await scepOnly();
    gateway.clock.advance(23 * HOUR);
    const young = await scepOnly();
    expect((await gateway.query(RunLifecycleSweepDocument, {})).runLifecycleSweep.skipped).toBe(false);
    expect(await stateOf(abandoned)).toEqual({ status: 'pending', refusal_code: null, certificate: 'valid' });

    gateway.clock.advance(1 * HOUR + 1_000);
    await gateway.query(RunLifecycleSweepDocument, {});
    expect(await stateOf(abandoned)).toEqual({
      status: 'refused',
      refusal_code: 'PENDING_ENROLLMENT_EXPIRED',
      certificate: 'revoked',
    });
    expect(await stateOf(young)).toEqual({ status: 'pending', refusal_code: null, certificate: 'valid' });
    // Its Authenticate now finds a revoked certificate; the younger one still enrolls.
    expect((await device.authenticate(abandoned)).status).toBe(401);
    expect((await device.authenticate(young)).status).toBe(200);
  });
});
