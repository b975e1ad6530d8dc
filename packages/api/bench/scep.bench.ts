// SCEP enrollments per second: the gateway's SCEP server against micromdm's `scepserver` (Debian
// package `scep`), both driven by micromdm's `scepclient` on this machine in the same run. The
// ratio table's `scep` row (ratios.bench.ts) runs this comparison; `bench scep` runs that row alone.
// BENCH_SCEP_ENROLLMENTS per window (default 80), BENCH_SCEP_CONCURRENCY clients at once (default 4).
// Every enrollment is one scepclient process (GetCACert, GetCACaps, PKIOperation PKCSReq with a
// challenge, decrypting the CertRep) with a pre-generated RSA 2048 key, so both servers see the same
// client work, launched by this process for both. The gateway runs from its build in its own process
// (gateway-process.ts, like every ratio row), answers with a one-time challenge per device (minted
// before the window) and writes the certificate and its pending enrollment to PostgreSQL;
// scepserver, in its own process too, checks one static challenge and writes to a file depot.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchGateway } from './load-harness.js';

const run = promisify(execFile);
const enrollments = Number(process.env['BENCH_SCEP_ENROLLMENTS'] ?? 80);
const concurrency = Number(process.env['BENCH_SCEP_CONCURRENCY'] ?? 4);

/** One scepclient enrollment in a fresh directory with a pre-made key; true on pkiStatus=SUCCESS. */
async function enrollOnce(
  serverUrl: string,
  fingerprint: string,
  key: string,
  challenge: string,
  dir: string,
): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  await copyFile(key, join(dir, 'key.pem'));
  const { stdout, stderr } = await run('scepclient', [
    '-server-url',
    serverUrl,
    '-private-key',
    join(dir, 'key.pem'),
    '-ca-fingerprint',
    fingerprint,
    '-challenge',
    challenge,
    '-cn',
    `bench-device-${dir.split('/').slice(-2).join('-')}`,
  ]).catch((error: { stdout: string; stderr: string }) => error);
  return `${stdout}${stderr}`.includes('pkiStatus=SUCCESS');
}

/** A SCEP server the bench enrolls against: its URL, the fingerprint scepclient pins, and challenges. */
export interface ScepTarget {
  name: string;
  url: string;
  fingerprint: string;
  /** `count` challenges for the next window (minted before it is timed). */
  challenges(count: number): Promise<string[]>;
}

/** The scepclient launches' shared state: pre-generated RSA 2048 keys in a scratch directory. */
export interface ScepClients {
  work: string;
  keys: string[];
  windows: number;
  /** Removes the scratch directory. */
  close(): Promise<void>;
}

export async function scepClients(): Promise<ScepClients> {
  const work = await mkdtemp(join(tmpdir(), 'scep-bench-'));
  const keys = await Promise.all(
    Array.from({ length: 16 }, async (_, i) => {
      const file = join(work, `key${i}.pem`);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await writeFile(file, privateKey.export({ type: 'pkcs1', format: 'pem' }));
      return file;
    }),
  );
  return { work, keys, windows: 0, close: () => rm(work, { recursive: true, force: true }) };
}

/**
 * One window: `count` enrollments (default BENCH_SCEP_ENROLLMENTS), `concurrency` scepclient
 * processes at a time. Successful enrollments per second, and how many failed (scepserver's file
 * depot refuses some concurrent requests: its serial counter is a file read and rewritten per
 * certificate).
 */
export async function scepWindow(
  clients: ScepClients,
  target: ScepTarget,
  count = enrollments,
): Promise<{ succeeded: number; failed: number; seconds: number }> {
  const challenges = await target.challenges(count);
  const dir = join(clients.work, `w${clients.windows++}`);
  let next = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < challenges.length; i = next++)
        if (
          !(await enrollOnce(
            target.url,
            target.fingerprint,
            clients.keys[i % clients.keys.length]!,
            challenges[i]!,
            join(dir, `e${i}`),
          ))
        )
          failed += 1;
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await rm(dir, { recursive: true, force: true });
  return { succeeded: challenges.length - failed, failed, seconds };
}

/** The gateway's SCEP server: its RA's fingerprint (read from its database) and minted challenges. */
export async function gatewayScep(gateway: BenchGateway, name = 'gateway SCEP'): Promise<ScepTarget> {
  const { rows } = await gateway.pool.query<{ certificate_pem: string }>(
    `select certificate_pem from certificate_authority where id = 'scep-ra'`,
  );
  if (!rows[0]) throw new Error('the gateway has no SCEP RA certificate');
  return {
    name,
    url: `${gateway.url}/scep`,
    fingerprint: new X509Certificate(rows[0].certificate_pem).fingerprint256.replace(/:/g, ''),
    challenges: async (count) =>
      (
        await gateway.ask<{ type: string; challenges: string[] }>(
          `scep-challenges:${count}`,
          'scep-challenges',
        )
      ).challenges,
  };
}

/** micromdm's scepserver with a 2048-bit RSA CA in a file depot and one static challenge. */
export async function startScepServer(
  clients: ScepClients,
): Promise<ScepTarget & { stop(): void; process: ChildProcess }> {
  const depot = join(clients.work, 'depot');
  await run('scepserver', ['ca', '-init', '-depot', depot, '-keySize', '2048']);
  const port = 18000 + Math.floor(Math.random() * 1000);
  const server = spawn(
    'scepserver',
    ['-depot', depot, '-port', String(port), '-challenge', 'bench-secret', '-allowrenew', '0'],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/scep`;
  for (let i = 0; i < 50; i += 1) {
    const up = await fetch(`${url}?operation=GetCACaps`).then(
      () => true,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name: 'micromdm scepserver (file depot, static challenge)',
    url,
    fingerprint: new X509Certificate(await readFile(join(depot, 'ca.pem'))).fingerprint256.replace(/:/g, ''),
    challenges: async (count) => Array<string>(count).fill('bench-secret'),
    stop: () => server.kill(),
    process: server,
  };
}

/** CPU milliseconds (user + system) a process has used so far, from /proc (Linux). */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

export const scepSettings = { enrollments, concurrency };
