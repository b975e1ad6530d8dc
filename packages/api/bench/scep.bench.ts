// SCEP enrollments per second: the gateway's SCEP server against micromdm's `scepserver` (Debian
// package `scep`), both driven by micromdm's `scepclient` on this machine in the same run.
//   pnpm --filter @mdm/api bench scep       (BENCH_SCEP_ENROLLMENTS per round, default 120;
//                                             BENCH_SCEP_CONCURRENCY clients at once, default 4)
// Every enrollment is one scepclient process (GetCACert, GetCACaps, PKIOperation PKCSReq with a
// challenge, decrypting the CertRep) with a pre-generated RSA 2048 key, so both servers see the same
// client work. The gateway answers with a one-time challenge per device (minted before the timed
// part) and writes the certificate and its pending enrollment to PostgreSQL; scepserver checks one
// static challenge and writes to a file depot. Rounds alternate (gateway, scepserver, ...); the
// figure is the median round, each round printed with the machine's load average and this process's
// CPU per enrollment (the gateway runs in it, beside the scepclient launches it makes for both
// servers). BENCH_WINDOW_PROF=<dir>: a CPU profile of this process for each gateway round.
// Printed, never asserted.
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { startGateway } from '../src/server/gateway.js';
import { BENCH_ADMIN_TOKEN, createBenchDatabase } from './bench-database.js';

const run = promisify(execFile);
const enrollments = Number(process.env['BENCH_SCEP_ENROLLMENTS'] ?? 120);
const concurrency = Number(process.env['BENCH_SCEP_CONCURRENCY'] ?? 4);
const ROUNDS = 3;
const profileDir = process.env['BENCH_WINDOW_PROF'];

/** Runs `work` inside a CPU profile of this process when BENCH_WINDOW_PROF is set. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!profileDir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const file = join(profileDir, `${name}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    console.log(`  profile ${file}`);
  }
}

/** One scepclient enrollment in a fresh directory with a pre-made key. */
async function enrollOnce(
  serverUrl: string,
  fingerprint: string,
  key: string,
  challenge: string,
  dir: string,
) {
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

/**
 * Successful enrollments per second over `challenges.length` attempts, `concurrency` at a time,
 * and how many failed (scepserver's file depot refuses some concurrent requests: its serial
 * counter is a file read and rewritten per certificate).
 */
async function round(
  serverUrl: string,
  fingerprint: string,
  keys: string[],
  challenges: string[],
  work: string,
): Promise<{ rate: number; failed: number; cpuMs: number }> {
  let next = 0;
  let failed = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < challenges.length; i = next++)
        if (
          !(await enrollOnce(
            serverUrl,
            fingerprint,
            keys[i % keys.length]!,
            challenges[i]!,
            join(work, `e${i}`),
          ))
        )
          failed += 1;
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  await rm(work, { recursive: true, force: true });
  const succeeded = challenges.length - failed;
  return {
    rate: succeeded / seconds,
    failed,
    cpuMs: (used.user + used.system) / 1000 / Math.max(1, succeeded),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function scepBenchmark(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'scep-bench-'));
  const keys = await Promise.all(
    Array.from({ length: 16 }, async (_, i) => {
      const file = join(work, `key${i}.pem`);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await writeFile(file, privateKey.export({ type: 'pkcs1', format: 'pem' }));
      return file;
    }),
  );

  // The baseline: micromdm scepserver with a 2048-bit RSA CA in a file depot.
  const depot = join(work, 'depot');
  await run('scepserver', ['ca', '-init', '-depot', depot, '-keySize', '2048']);
  const scepPort = 18000 + Math.floor(Math.random() * 1000);
  const server = spawn(
    'scepserver',
    ['-depot', depot, '-port', String(scepPort), '-challenge', 'bench-secret', '-allowrenew', '0'],
    {
      stdio: 'ignore',
    },
  );
  const scepUrl = `http://127.0.0.1:${scepPort}/scep`;
  for (let i = 0; i < 50; i += 1) {
    const ok = await fetch(`${scepUrl}?operation=GetCACaps`).then(
      () => true,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const caFingerprint = new X509Certificate(await readFile(join(depot, 'ca.pem'))).fingerprint256.replace(
    /:/g,
    '',
  );

  const database = await createBenchDatabase('scep');
  const config = loadConfig(
    {
      DATABASE_URL: database.url,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      LIFECYCLE_SWEEP_INTERVAL_MS: '0',
      DB_POOL_SIZE: '10',
      ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
    },
    [],
  );
  const gateway = await startGateway({ config });
  try {
    const raPem = (await gateway.database.orm.em
      .fork()
      .getConnection()
      .execute(`select certificate_pem from certificate_authority where id = 'scep-ra'`)) as {
      certificate_pem: string;
    }[];
    const raFingerprint = new X509Certificate(raPem[0]!.certificate_pem).fingerprint256.replace(/:/g, '');
    const mint = async () => {
      const challenges: string[] = [];
      for (let i = 0; i < enrollments; i += 1) {
        const minted = await gateway.services.invitations.create(
          gateway.database.orm.em.fork(),
          { platform: 'IOS', method: 'BYOD', userPrincipalName: `bench${i}@contoso.com` },
          'bench',
        );
        challenges.push(minted.challenge);
      }
      return challenges;
    };
    const warmup = await mint();
    await round(`${gateway.url}/scep`, raFingerprint, keys, warmup.slice(0, 8), join(work, 'warm-gw'));
    await round(scepUrl, caFingerprint, keys, Array(8).fill('bench-secret'), join(work, 'warm-ss'));
    const ours: number[] = [];
    const theirs: number[] = [];
    let oursFailed = 0;
    let theirsFailed = 0;
    for (let r = 0; r < ROUNDS; r += 1) {
      const challenges = await mint();
      const load = loadavg()[0]!.toFixed(1);
      const gw = await profiled(`scep-gateway-${process.pid}-${r}`, () =>
        round(`${gateway.url}/scep`, raFingerprint, keys, challenges, join(work, `gw${r}`)),
      );
      const baseline = Array<string>(enrollments).fill('bench-secret');
      const ss = await round(scepUrl, caFingerprint, keys, baseline, join(work, `ss${r}`));
      console.log(
        `scep: round ${r + 1}, load average ${load}: gateway ${gw.rate.toFixed(1)}/s (this process ${gw.cpuMs.toFixed(2)} ms CPU per enrollment), scepserver ${ss.rate.toFixed(1)}/s (this process, launching clients only, ${ss.cpuMs.toFixed(2)} ms), ratio ${(gw.rate / ss.rate).toFixed(2)}`,
      );
      ours.push(gw.rate);
      theirs.push(ss.rate);
      oursFailed += gw.failed;
      theirsFailed += ss.failed;
    }
    const gatewayRate = median(ours);
    const baselineRate = median(theirs);
    console.log(
      `scep: ${enrollments} enrollments per round, ${concurrency} scepclient processes at once, ${ROUNDS} rounds (median)`,
    );
    console.log(
      `  gateway SCEP (PostgreSQL, one-time challenges)  ${gatewayRate.toFixed(1)} enrollments/s  rounds ${ours.map((v) => v.toFixed(1)).join(', ')}  failed ${oursFailed}`,
    );
    console.log(
      `  micromdm scepserver (file depot, static challenge) ${baselineRate.toFixed(1)} enrollments/s  rounds ${theirs.map((v) => v.toFixed(1)).join(', ')}  failed ${theirsFailed}`,
    );
    console.log(`  ratio gateway / scepserver: ${(gatewayRate / baselineRate).toFixed(2)}`);
  } finally {
    server.kill();
    await gateway.stop();
    await database.drop();
    await rm(work, { recursive: true, force: true });
  }
}
