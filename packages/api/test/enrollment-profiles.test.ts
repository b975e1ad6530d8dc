import { execFile } from 'node:child_process';
import { randomUUID, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateEnrollmentInvitationDocument,
  ExportAppleEnrollmentProfileDocument,
  PendingEnrollmentsDocument,
  type CreateEnrollmentInvitationInput,
} from '@mdm/schema';
import { build, parse, type PlistValue } from 'plist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLACEHOLDER_PUSH_TOPIC } from '../src/modules/enrollment-profile/push-topic.js';
import { uniqueUpn } from './support/builders.js';
import { enrollmentSetup } from './support/enrollment-setup.js';
import { appleTestBed, freePort, issuedCertificate, runScepClient } from './support/scepclient.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const run = promisify(execFile);
type Dict = { [key: string]: PlistValue };

let gateway: TestGateway;
let setup: ReturnType<typeof enrollmentSetup>;
let work: string;
let caFile: string;
let raFingerprint: string;
let deviceKey: string;
let deviceCertificate: string;

/**
 * Verifies a downloaded profile with `openssl cms -verify` against the gateway CA and returns
 * the signed content parsed by `plist`.
 */
async function verifiedProfile(body: Buffer): Promise<Dict> {
  const file = join(work, `profile-${Math.random().toString(36).slice(2)}.mobileconfig`);
  await writeFile(file, body);
  const { stdout, stderr } = await run('openssl', [
    'cms',
    '-verify',
    '-inform',
    'der',
    '-in',
    file,
    '-CAfile',
    caFile,
    '-purpose',
    'any',
  ]);
  expect(stderr).toContain('Verification successful');
  return parse(stdout) as Dict;
}

/** The keys Apple's Configuration Profile Reference requires (and the ones this gateway promises). */
function expectEnrollmentProfile(profile: Dict): { scep: Dict; mdm: Dict } {
  for (const key of ['PayloadIdentifier', 'PayloadType', 'PayloadUUID', 'PayloadVersion', 'PayloadContent'])
    expect(profile, key).toHaveProperty(key);
  expect(profile['PayloadType']).toBe('Configuration');
  const payloads = profile['PayloadContent'] as Dict[];
  for (const payload of payloads)
    for (const key of ['PayloadIdentifier', 'PayloadType', 'PayloadUUID', 'PayloadVersion'])
      expect(payload, `${String(payload['PayloadType'])}.${key}`).toHaveProperty(key);
  const byType = (type: string) => payloads.find((p) => p['PayloadType'] === type)!;
  const scep = byType('com.apple.security.scep');
  const mdm = byType('com.apple.mdm');
  const root = byType('com.apple.security.root');
  expect(scep).toBeDefined();
  expect(mdm).toBeDefined();
  expect(root['PayloadContent']).toBeInstanceOf(Uint8Array);
  const scepContent = scep['PayloadContent'] as Dict;
  expect(scepContent).toMatchObject({
    URL: `${gateway.url}/scep`,
    Keysize: 2048,
    'Key Type': 'RSA',
    'Key Usage': 5,
  });
  expect(typeof scepContent['Challenge']).toBe('string');
  expect(scepContent['Subject']).toEqual(
    expect.arrayContaining([expect.arrayContaining([expect.any(Array)])]),
  );
  expect(mdm).toMatchObject({
    IdentityCertificateUUID: scep['PayloadUUID'],
    Topic: PLACEHOLDER_PUSH_TOPIC,
    ServerURL: `${gateway.url}/mdm/connect`,
    CheckInURL: `${gateway.url}/mdm/checkin`,
    SignMessage: true,
    CheckOutWhenRemoved: true,
    AccessRights: 8191,
  });
  expect(mdm['ServerCapabilities']).toEqual(expect.arrayContaining(['com.apple.mdm.per-user-connections']));
  return { scep: scepContent, mdm };
}

async function invite(input: Partial<CreateEnrollmentInvitationInput>) {
  const { createEnrollmentInvitation: r } = await gateway.query(CreateEnrollmentInvitationDocument, {
    input: { platform: 'IOS', method: 'BYOD', ...input } as CreateEnrollmentInvitationInput,
  });
  if (r.__typename !== 'CreateEnrollmentInvitationSuccess') throw new Error(JSON.stringify(r));
  return r;
}

/** A MachineInfo as Setup Assistant sends it: a plist signed (CMS, content attached) by `openssl cms -sign`. */
const NUL_MARK = 'NUL-CHARACTER-HERE';

async function machineInfo(serial: string, udid = `00008030-${serial}`): Promise<Buffer> {
  const plistFile = join(work, `machineinfo-${randomUUID()}.plist`);
  await writeFile(
    plistFile,
    // plist's writer refuses NUL; a hostile device writes it raw into the XML text.
    build({
      UDID: udid.replaceAll('\u0000', NUL_MARK),
      SERIAL: serial.replaceAll('\u0000', NUL_MARK),
      PRODUCT: 'iPhone15,2',
      VERSION: '21E236',
      IMEI: '35 395810 112406 8',
      LANGUAGE: 'en',
    }).replaceAll(NUL_MARK, '\u0000'),
  );
  const out = `${plistFile}.p7s`;
  await run('openssl', [
    'cms',
    '-sign',
    '-nodetach',
    '-binary',
    '-outform',
    'der',
    '-in',
    plistFile,
    '-signer',
    deviceCertificate,
    '-inkey',
    deviceKey,
    '-out',
    out,
  ]);
  return readFile(out);
}

const post = (url: string, body: Buffer) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/pkcs7-signature' }, body });

beforeAll(async () => {
  const port = await freePort();
  gateway = await startTestGateway({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` } });
  setup = enrollmentSetup(gateway);
  ({
    work,
    caFile,
    raFingerprint,
    signerKey: deviceKey,
    signerCertificate: deviceCertificate,
  } = await appleTestBed(gateway, 'profiles-test-'));
});
afterAll(() => gateway.stop());

describe('signed Apple enrollment profiles', () => {
  it('a BYOD invitation link serves a signed profile whose challenge enrolls the device over SCEP as a pending BYOD enrollment', async () => {
    const upn = uniqueUpn();
    const invitation = await invite({ userPrincipalName: upn });
    expect(invitation.qrCodeDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(invitation.qrCodeDataUrl.split(',')[1]!, 'base64').toString()).toContain('<svg');
    expect(invitation.invitation).toMatchObject({ method: 'BYOD', ownershipIntent: 'personal', maxUses: 1 });

    const response = await fetch(invitation.profileUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-apple-aspen-config');
    const { scep } = expectEnrollmentProfile(
      await verifiedProfile(Buffer.from(await response.arrayBuffer())),
    );

    const enrolled = await runScepClient({
      serverUrl: String(scep['URL']),
      recipientFingerprint: raFingerprint,
      challenge: String(scep['Challenge']),
    });
    expect(enrolled.ok).toBe(true);
    const serial = new X509Certificate(await issuedCertificate(enrolled)).serialNumber.toUpperCase();
    const { pendingEnrollments } = await gateway.query(PendingEnrollmentsDocument, {});
    expect(pendingEnrollments.find((p) => p.certificate.serialNumber === serial)).toMatchObject({
      status: 'pending',
      method: 'BYOD',
      ownershipIntent: 'personal',
      user: { userPrincipalName: upn },
    });
  });

  it('a DEM invitation is userless and company-owned, for a device enrollment manager account only', async () => {
    const dem = await setup.demAccount();
    const invitation = await invite({
      method: 'DEM',
      platform: 'MACOS',
      enrollmentManagerUserPrincipalName: dem,
    });
    expect(invitation.invitation).toMatchObject({
      method: 'DEM',
      platform: 'MACOS',
      ownershipIntent: 'company',
      user: null,
      enrollmentManager: { userPrincipalName: dem },
    });
    expectEnrollmentProfile(
      await verifiedProfile(Buffer.from(await (await fetch(invitation.profileUrl)).arrayBuffer())),
    );

    const { createEnrollmentInvitation: refused } = await gateway.query(CreateEnrollmentInvitationDocument, {
      input: { platform: 'IOS', method: 'DEM', enrollmentManagerUserPrincipalName: uniqueUpn() },
    });
    expect(refused.__typename).toBe('OperationRefusedError');
  });

  it('refuses an invitation without the user BYOD needs, naming the field', async () => {
    const { createEnrollmentInvitation: r } = await gateway.query(CreateEnrollmentInvitationDocument, {
      input: { platform: 'IOS', method: 'BYOD' },
    });
    expect(r.__typename).toBe('InvalidInputError');
    if (r.__typename === 'InvalidInputError')
      expect(r.violations.map((v) => v.field)).toContain('input.userPrincipalName');
  });

  it('an unknown link is 404 and an expired one 410', async () => {
    const invitation = await invite({ userPrincipalName: uniqueUpn(), expiresInHours: 1 });
    expect((await fetch(`${gateway.url}/enrollment/apple/profile?token=nope`)).status).toBe(404);
    gateway.clock.advance(2 * 3_600_000);
    expect((await fetch(invitation.profileUrl)).status).toBe(410);
  });

  it('DEP: a listed serial posting its signed MachineInfo gets a profile bound to its serial; an unknown serial is refused and audited', async () => {
    const serial = await setup.depSerial({ isMandatory: true });
    const response = await post(`${gateway.url}/enrollment/apple/dep`, await machineInfo(serial));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-apple-aspen-config');
    const profile = await verifiedProfile(Buffer.from(await response.arrayBuffer()));
    const { scep } = expectEnrollmentProfile(profile);
    expect(profile['PayloadRemovalDisallowed']).toBe(true);
    const enrolled = await runScepClient({
      serverUrl: String(scep['URL']),
      recipientFingerprint: raFingerprint,
      challenge: String(scep['Challenge']),
    });
    expect(enrolled.ok).toBe(true);
    const certificateSerial = new X509Certificate(
      await issuedCertificate(enrolled),
    ).serialNumber.toUpperCase();
    const { pendingEnrollments } = await gateway.query(PendingEnrollmentsDocument, {});
    expect(pendingEnrollments.find((p) => p.certificate.serialNumber === certificateSerial)).toMatchObject({
      method: 'DEP',
      ownershipIntent: 'company',
      serialNumber: serial,
    });

    const unknown = await post(`${gateway.url}/enrollment/apple/dep`, await machineInfo('UNKNOWN0SERIAL1'));
    expect(unknown.status).toBe(403);
    const audit = await gateway.sql<{ code: string; details: { serialNumber: string } }>(
      `select code, details from audit_record where action = 'enrollmentProfile.dep' and outcome = 'refused'`,
    );
    expect(audit.map((a) => a.details.serialNumber)).toContain('UNKNOWN0SERIAL1');
    expect(audit[0]!.code).toBe('PREREQUISITE_MISSING');

    const garbage = await post(`${gateway.url}/enrollment/apple/dep`, Buffer.from('not cms'));
    expect(garbage.status).toBe(400);
  });

  it('DEP: a MachineInfo holding NUL (which PostgreSQL cannot store) is refused and audited like any other refusal', async () => {
    const marker = randomUUID();
    for (const [serial, udid] of [
      [`C02\u0000${marker.slice(0, 6)}`, `00008030-${marker}`],
      [`NUL${marker.slice(0, 8)}`, `00008030-\u0000${marker}`],
    ] as const) {
      const response = await post(`${gateway.url}/enrollment/apple/dep`, await machineInfo(serial, udid));
      const requestId = response.headers.get('x-request-id');
      expect(response.status).toBe(400);
      const [audited] = await gateway.sql<{ outcome: string; code: string }>(
        `select outcome, code from audit_record where action = 'enrollmentProfile.dep' and request_id = ?`,
        [requestId],
      );
      expect(audited).toEqual({ outcome: 'refused', code: 'MACHINE_INFO_INVALID' });
    }
  });

  it('USB-SA: the Configurator enrollment URL serves a profile to a listed serial only', async () => {
    const serial = await setup.usbSaSerial();
    const [profile] = await gateway.sql<{ profile_id: string }>(
      `select profile_id from apple_device where serial_number = ?`,
      [serial],
    );
    const { exportAppleEnrollmentProfile: exported } = await gateway.query(
      ExportAppleEnrollmentProfileDocument,
      {
        profileId: profile!.profile_id,
      },
    );
    if (exported.__typename !== 'ExportAppleEnrollmentProfileSuccess') throw new Error(exported.__typename);
    const response = await post(exported.enrollmentUrl!, await machineInfo(serial));
    expect(response.status).toBe(200);
    expectEnrollmentProfile(await verifiedProfile(Buffer.from(await response.arrayBuffer())));
    expect((await post(exported.enrollmentUrl!, await machineInfo('NOTLISTED77'))).status).toBe(403);
  });

  it('USB-Direct: the export is a real enrollment profile, and its URL serves it signed', async () => {
    const created = await setup.createProfile({ kind: 'USB_DIRECT' });
    const { exportAppleEnrollmentProfile: exported } = await gateway.query(
      ExportAppleEnrollmentProfileDocument,
      {
        profileId: created.id,
      },
    );
    if (exported.__typename !== 'ExportAppleEnrollmentProfileSuccess') throw new Error(exported.__typename);
    const unsigned = parse(exported.mobileconfig!) as Dict;
    const { scep } = expectEnrollmentProfile(unsigned);
    const signed = await verifiedProfile(
      Buffer.from(await (await fetch(exported.profileUrl!)).arrayBuffer()),
    );
    expect(signed).toEqual(unsigned);
    // One file for many devices: its challenge enrolls more than one.
    for (let i = 0; i < 2; i += 1) {
      const enrolled = await runScepClient({
        serverUrl: String(scep['URL']),
        recipientFingerprint: raFingerprint,
        challenge: String(scep['Challenge']),
      });
      expect(enrolled.ok).toBe(true);
    }
  });
});
