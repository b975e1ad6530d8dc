import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { X509Certificate } from 'node:crypto';
import {
  CertificateAuthorityDocument,
  CreateEnrollmentInvitationDocument,
  PendingEnrollmentsDocument,
  type CreateEnrollmentInvitationInput,
} from '@mdm/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuedCertificate, runScepClient } from './support/scepclient.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const run = promisify(execFile);

let gateway: TestGateway;
let work: string;
let caPemPath: string;
let raFingerprint: string;

/** The CA and RA of GetCACert, read by openssl (not by our code). */
async function readCaRaCertificates(): Promise<{ ca: string; ra: string }> {
  const response = await fetch(`${gateway.url}/scep?operation=GetCACert`);
  expect(response.headers.get('content-type')).toBe('application/x-x509-ca-ra-cert');
  const file = join(work, 'getcacert.p7b');
  await writeFile(file, Buffer.from(await response.arrayBuffer()));
  const { stdout } = await run('openssl', ['pkcs7', '-inform', 'der', '-in', file, '-print_certs']);
  const pems = stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const certificates = pems.map((pem) => ({ pem, x509: new X509Certificate(pem) }));
  const ca = certificates.find((c) => c.x509.ca)!;
  const ra = certificates.find((c) => !c.x509.ca)!;
  return { ca: ca.pem, ra: ra.pem };
}

async function invite(input: Partial<CreateEnrollmentInvitationInput> = {}) {
  const result = await gateway.query(CreateEnrollmentInvitationDocument, {
    input: {
      platform: 'IOS',
      method: 'BYOD',
      userPrincipalName: `scep-${Math.random().toString(36).slice(2)}@contoso.com`,
      ...input,
    } as CreateEnrollmentInvitationInput,
  });
  if (result.createEnrollmentInvitation.__typename !== 'CreateEnrollmentInvitationSuccess')
    throw new Error(JSON.stringify(result.createEnrollmentInvitation));
  return result.createEnrollmentInvitation;
}

/** The challenge inside an invitation's profile, as a device reads it from the profile. */
async function challengeOf(profileUrl: string): Promise<string> {
  const token = new URL(profileUrl).searchParams.get('token')!;
  return gateway.services.invitations.challengeOf(token);
}

const enroll = (challenge: string | undefined, dir?: string) =>
  runScepClient({ serverUrl: `${gateway.url}/scep`, recipientFingerprint: raFingerprint, challenge, dir });

const scepAudit = (code: string) =>
  gateway.sql<{ code: string; outcome: string; details: { failInfo?: string } }>(
    `select code, outcome, details from audit_record where action like 'scep.%' and code = ?`,
    [code],
  );

beforeAll(async () => {
  gateway = await startTestGateway();
  work = await mkdtemp(join(tmpdir(), 'scep-test-'));
  const { ca, ra } = await readCaRaCertificates();
  caPemPath = join(work, 'ca.pem');
  await writeFile(caPemPath, ca);
  raFingerprint = new X509Certificate(ra).fingerprint256.replace(/:/g, '');
});
afterAll(() => gateway.stop());

describe('the SCEP server, driven by micromdm scepclient', () => {
  it('announces its capabilities and serves the CA with an RSA RA certificate issued by it', async () => {
    const caps = await (await fetch(`${gateway.url}/scep?operation=GetCACaps`)).text();
    expect(caps.trim().split('\n')).toEqual([
      'POSTPKIOperation',
      'SHA-256',
      'AES',
      'SCEPStandard',
      'Renewal',
    ]);
    const { ca, ra } = await readCaRaCertificates();
    const { certificateAuthority } = await gateway.query(CertificateAuthorityDocument);
    expect(new X509Certificate(ca).fingerprint256).toBe(
      new X509Certificate(certificateAuthority.certificatePem).fingerprint256,
    );
    const raCertificate = new X509Certificate(ra);
    expect(raCertificate.publicKey.asymmetricKeyType).toBe('rsa');
    expect(raCertificate.checkIssued(new X509Certificate(ca))).toBe(true);
  });

  it('enrolls with a valid challenge: the certificate chains to the CA and is a pending BYOD enrollment of its user', async () => {
    const invitation = await invite();
    const result = await enroll(await challengeOf(invitation.profileUrl));
    expect(result.output).toContain('pkiStatus=SUCCESS');
    expect(result.ok).toBe(true);
    const pem = await issuedCertificate(result);
    const certificateFile = join(result.dir, 'client.pem');
    const verified = await run('openssl', ['verify', '-CAfile', caPemPath, certificateFile]);
    expect(verified.stdout.trim()).toBe(`${certificateFile}: OK`);

    const { pendingEnrollments } = await gateway.query(PendingEnrollmentsDocument, { status: 'pending' });
    const serial = new X509Certificate(pem).serialNumber.toUpperCase();
    const pending = pendingEnrollments.find((p) => p.certificate.serialNumber === serial);
    expect(pending).toMatchObject({
      status: 'pending',
      platform: 'IOS',
      method: 'BYOD',
      ownershipIntent: 'personal',
      user: { userPrincipalName: invitation.invitation.user!.userPrincipalName },
      enrollmentManager: null,
      device: null,
      certificate: { status: 'valid' },
    });
    expect(pending!.certificate.subject).toContain(`CN=${pending!.id}`);
    // The check-in side finds the binding by the certificate the device presents.
    const binding = await gateway.services.pendingEnrollments.findByCertificate(
      gateway.database.orm.em.fork(),
      new X509Certificate(pem).raw,
    );
    expect(binding).toMatchObject({ pendingEnrollmentId: pending!.id, method: 'BYOD', platform: 'IOS' });
  });

  it('refuses a wrong challenge with FAILURE badRequest, and audits it', async () => {
    const result = await enroll('not-a-challenge-of-this-gateway');
    expect(result.ok).toBe(false);
    expect(result.output).toContain('failInfo: badRequest');
    const audit = await scepAudit('SCEP_CHALLENGE_UNKNOWN');
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit[0]).toMatchObject({ outcome: 'refused', details: { failInfo: 'badRequest' } });
  });

  it('refuses a challenge that was already used', async () => {
    const challenge = await challengeOf((await invite()).profileUrl);
    expect((await enroll(challenge)).ok).toBe(true);
    const again = await enroll(challenge);
    expect(again.ok).toBe(false);
    expect(again.output).toContain('failInfo: badRequest');
    expect((await scepAudit('SCEP_CHALLENGE_USED')).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses an expired challenge', async () => {
    const challenge = await challengeOf((await invite({ expiresInHours: 1 })).profileUrl);
    gateway.clock.advance(61 * 60 * 1000);
    const result = await enroll(challenge);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('failInfo: badRequest');
    expect((await scepAudit('SCEP_CHALLENGE_EXPIRED')).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a request without a challenge', async () => {
    const result = await enroll(undefined);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('failInfo: badRequest');
  });

  it('renews with a RenewalReq signed by the current certificate, which is superseded; the old one can renew no more', async () => {
    const first = await enroll(await challengeOf((await invite()).profileUrl));
    expect(first.ok).toBe(true);
    const before = await issuedCertificate(first);
    const oldCertificateDir = await mkdtemp(join(tmpdir(), 'scep-old-'));
    await writeFile(join(oldCertificateDir, 'client.pem'), before);
    await run('cp', [join(first.dir, 'key.pem'), join(oldCertificateDir, 'key.pem')]);

    const renewal = await enroll(undefined, first.dir);
    expect(renewal.output).toContain('pkiStatus=SUCCESS');
    const after = await issuedCertificate(renewal);
    expect(new X509Certificate(after).serialNumber).not.toBe(new X509Certificate(before).serialNumber);
    await run('openssl', ['verify', '-CAfile', caPemPath, join(first.dir, 'client.pem')]);
    const [old] = await gateway.sql<{ status: string; revocation_reason: string }>(
      `select status, revocation_reason from mdm_certificate where serial_number = ?`,
      [new X509Certificate(before).serialNumber.toUpperCase()],
    );
    expect(old).toEqual({ status: 'revoked', revocation_reason: 'superseded' });
    // The pending enrollment follows the new certificate.
    const binding = await gateway.services.pendingEnrollments.findByCertificate(
      gateway.database.orm.em.fork(),
      new X509Certificate(after).raw,
    );
    expect(binding?.status).toBe('pending');

    const stale = await enroll(undefined, oldCertificateDir);
    expect(stale.ok).toBe(false);
    expect(stale.output).toContain('failInfo: badRequest');
    expect((await scepAudit('CERTIFICATE_REVOKED')).length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['URL-safe alphabet, as micromdm encodes it', 'base64url'],
    ['standard alphabet, not percent-encoded', 'raw'],
  ] as const)(
    'serves PKIOperation over GET, the pkiMessage in `message` (base64, %s)',
    async (_, encoding) => {
      // scepclient 2.1 always POSTs its PKIOperation; this proxy forwards that very message to the
      // gateway as a GET (`message` = the body in base64) and relays the answer.
      const upstream: string[] = [];
      const proxy = createServer((request, response) => {
        const url = new URL(request.url!, gateway.url);
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          void (async () => {
            const body = Buffer.concat(chunks);
            let search = url.search;
            if (url.searchParams.get('operation') === 'PKIOperation')
              search =
                encoding === 'base64url'
                  ? `?operation=PKIOperation&message=${body.toString('base64url')}`
                  : // '+' and '/' left as they are, as some clients send them
                    `?operation=PKIOperation&message=${body.toString('base64')}`;
            upstream.push(`GET ${url.searchParams.get('operation')}`);
            const answer = await fetch(`${gateway.url}${url.pathname}${search}`);
            response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
            response.end(Buffer.from(await answer.arrayBuffer()));
          })();
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = proxy.address() as AddressInfo;
        const result = await runScepClient({
          serverUrl: `http://127.0.0.1:${port}/scep`,
          recipientFingerprint: raFingerprint,
          challenge: await challengeOf((await invite()).profileUrl),
        });
        expect(result.output).toContain('pkiStatus=SUCCESS');
        expect(upstream).toContain('GET PKIOperation');
        await run('openssl', ['verify', '-CAfile', caPemPath, join(result.dir, 'client.pem')]);
      } finally {
        await new Promise((resolve) => proxy.close(resolve));
      }
    },
  );

  it('answers an unreadable PKIOperation with 400 and writes nothing', async () => {
    const before = await gateway.sql<{ n: string }>(`select count(*) as n from mdm_certificate`);
    const response = await fetch(`${gateway.url}/scep?operation=PKIOperation`, {
      method: 'POST',
      body: Buffer.from('not a pkiMessage'),
    });
    expect(response.status).toBe(400);
    const after = await gateway.sql<{ n: string }>(`select count(*) as n from mdm_certificate`);
    expect(after).toEqual(before);
  });
});
