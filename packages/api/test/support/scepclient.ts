import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';

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
