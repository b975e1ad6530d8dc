import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { TestGateway } from './test-gateway.js';
import { promisify } from 'node:util';

/** What a run of micromdm's `scepclient` (Debian package `scep`) did. */
export interface ScepClientRun {
  ok: boolean;
  output: string;
  /** The directory holding its key (`key.pem`) and, on success, its certificate (`client.pem`). */
  dir: string;
}

/** SHA-256 of a PEM certificate's DER, hex: what `scepclient -ca-fingerprint` selects the recipient by. */
export function pemFingerprint(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
}

/**
 * Runs `scepclient` against `serverUrl`. The envelope is encrypted to the certificate with
 * `recipientFingerprint` (the gateway's RSA RA: scepclient would otherwise try every certificate
 * of GetCACert, including the EC CA, which RSA key transport cannot use). `dir` reuses a key and
 * certificate from an earlier run (a renewal).
 */
export async function runScepClient(options: {
  serverUrl: string;
  recipientFingerprint: string;
  challenge?: string;
  cn?: string;
  dir?: string;
}): Promise<ScepClientRun> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'scepclient-')));
  const args = [
    '-server-url',
    options.serverUrl,
    '-private-key',
    join(dir, 'key.pem'),
    '-ca-fingerprint',
    options.recipientFingerprint,
    '-cn',
    options.cn ?? 'device',
    ...(options.challenge !== undefined ? ['-challenge', options.challenge] : []),
  ];
  return new Promise((resolve) => {
    execFile('scepclient', args, { timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ ok: !error, output: `${stdout}${stderr}`, dir }),
    );
  });
}

/** The certificate `scepclient` saved (PEM). */
export function issuedCertificate(run: ScepClientRun): Promise<string> {
  return readFile(join(run.dir, 'client.pem'), 'utf8');
}

/**
 * A free loopback port, for a gateway whose PUBLIC_URL (written into profiles) must name the
 * port it listens on.
 */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** What the Apple enrollment tests keep on disk for openssl and scepclient. */
export interface AppleTestBed {
  /** A private temporary directory. */
  work: string;
  /** The gateway's CA certificate (PEM), for `openssl cms -verify` and `openssl verify`. */
  caFile: string;
  /** SHA-256 of the RSA RA certificate that GetCACert returns: `scepclient -ca-fingerprint`. */
  raFingerprint: string;
  /** A self-signed RSA identity (key and certificate files) for signing a MachineInfo. */
  signerKey: string;
  signerCertificate: string;
}

/**
 * Writes the gateway's CA, finds its SCEP RA by the `GetCACert` answer (read back with `openssl
 * pkcs7`), and makes a device signing identity with `openssl req`.
 */
export async function appleTestBed(
  gateway: Pick<TestGateway, 'services'>,
  prefix: string,
): Promise<AppleTestBed> {
  const run = promisify(execFile);
  const work = await mkdtemp(join(tmpdir(), prefix));
  const caFile = join(work, 'ca.pem');
  await writeFile(caFile, gateway.services.certificates.authority.ca.certificatePem);
  const p7b = join(work, 'ra.p7b');
  await writeFile(p7b, gateway.services.scep.caCertificates());
  const { stdout } = await run('openssl', ['pkcs7', '-inform', 'der', '-in', p7b, '-print_certs']);
  const raFingerprint = (stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [])
    .map((pem) => new X509Certificate(pem))
    .find((c) => !c.ca)!
    .fingerprint256.replace(/:/g, '');
  const signerKey = join(work, 'signer.key');
  const signerCertificate = join(work, 'signer.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    signerKey,
    '-out',
    signerCertificate,
    '-subj',
    '/CN=Apple iPhone Device',
    '-days',
    '2',
  ]);
  return { work, caFile, raFingerprint, signerKey, signerCertificate };
}
