import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedDevicesDocument } from '@mdm/schema';
import { createScratchDatabase } from '../src/testing/gateway-process.js';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { fromEmbeddedTemplate, startTestGateway, TEST_CA_KEY_SECRET } from './support/test-gateway.js';

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Runs the built gateway as a real process; collects its output and exit code. */
function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [mainJs], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  // 'close', not 'exit': the process may exit before its last output lines have been read.
  const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  /** The exit code; a death by signal (e.g. the machine's OOM killer) fails with the output, to be explained. */
  const exited = ended.then(({ code, signal }) => {
    if (code === null) throw new Error(`killed by ${signal}; output:\n${stdout}${stderr}`);
    return code;
  });
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /"graphql":"(http:[^"]+)"/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.on('exit', () => reject(new Error(`exited before listening: ${stdout}${stderr}`)));
  });
  listening.catch(() => {}); // only awaited by tests that expect the gateway to start

  return { child, exited, listening, output: () => stdout + stderr };
}

/** Whether a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe.runIf(existsSync(mainJs))('the gateway process (built dist/main.js)', () => {
  it('reports every invalid variable at once and exits non-zero', async () => {
    const proc = run({ PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'nope', LOG_LEVEL: 'loud' });
    expect(await proc.exited).toBe(2);
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'LOG_LEVEL'])
      expect(proc.output()).toContain(name);
  });

  it('says in one JSON line why it could not start when the database is unreachable, and exits 1', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mdm-proc-'));
    try {
      const proc = run({
        PORT: '0',
        DATA_DIR: dataDir,
        CA_KEY_SECRET: TEST_CA_KEY_SECRET,
        DATABASE_URL: 'postgresql://postgres@localhost/none?host=/nonexistent/socket/dir',
      });
      expect(await proc.exited).toBe(1);
      const lines = proc
        .output()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { level: number; msg: string; err?: { message: string } });
      expect(lines.at(-1)).toMatchObject({
        level: 60,
        msg: 'the gateway could not start',
        err: { message: expect.stringContaining('/nonexistent/socket/dir') },
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("seeds the demo fleet into a new embedded database (DEMO_DATA), as the README's start command does", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mdm-proc-'));
    try {
      const demo = await startTestGateway({ embeddedDataDir: dataDir, env: { DEMO_DATA: 'true' } });
      try {
        const { managedDevices } = await demo.query(ManagedDevicesDocument, { first: 1 });
        expect(managedDevices.totalCount).toBeGreaterThan(0);
      } finally {
        await demo.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('explains why a production start fails on a database whose CA was created without CA_KEY_SECRET', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mdm-proc-'));
    try {
      // The demo's database: an embedded one whose CA was created without CA_KEY_SECRET (made in
      // this process: the test is about the production start, the process below).
      const demo = await startTestGateway({ embeddedDataDir: dataDir, env: { CA_KEY_SECRET: undefined } });
      await demo.stop();
      const production = run({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        NODE_ENV: 'production',
        CA_KEY_SECRET: TEST_CA_KEY_SECRET,
        ADMIN_TOKEN: `mdm_${'a'.repeat(43)}`,
      });
      expect(await production.exited, production.output()).toBe(1);
      const last = JSON.parse(production.output().trim().split('\n').at(-1)!) as {
        msg: string;
        err: { message: string };
      };
      expect(last).toMatchObject({
        msg: 'the gateway could not start',
        err: { message: expect.stringContaining('created without it') },
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('listens on loopback only unless HOST says otherwise, as its start log says', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mdm-proc-'));
    const runDatabaseUrl = inject('databaseUrl');
    const database = runDatabaseUrl ? await createScratchDatabase(runDatabaseUrl) : null;
    // No HOST: the default applies.
    const proc = run({
      PORT: '0',
      DATA_DIR: dataDir,
      CA_KEY_SECRET: TEST_CA_KEY_SECRET,
      ...(database ? { DATABASE_URL: database.url } : {}),
    });
    try {
      const graphqlUrl = new URL(await proc.listening);
      expect(graphqlUrl.hostname).toBe('127.0.0.1');
      const port = Number(graphqlUrl.port);
      expect(await reachable('127.0.0.1', port)).toBe(true);
      // Another address of this machine (when it has one) must not reach the gateway.
      const external = Object.values(networkInterfaces())
        .flat()
        .find((address) => address && address.family === 'IPv4' && !address.internal);
      if (external) expect(await reachable(external.address, port)).toBe(false);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('logs JSON lines with a request id, and on SIGTERM drains and exits 0', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mdm-proc-'));
    // A database of its own: this process runs on the real clock, and the first gateway on a
    // database creates its issuing CA, valid from that gateway's now. Sharing the run's database
    // with the test gateways (a manual clock in early 2026) made their CA "not yet valid" whenever
    // this process started first.
    const runDatabaseUrl = inject('databaseUrl');
    const database = runDatabaseUrl ? await createScratchDatabase(runDatabaseUrl) : null;
    if (!database) await fromEmbeddedTemplate(dataDir);
    const proc = run({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CA_KEY_SECRET: TEST_CA_KEY_SECRET,
      ...(database ? { DATABASE_URL: database.url } : {}),
    });
    try {
      const graphqlUrl = await proc.listening;
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'proc-test-1' },
        body: JSON.stringify({ query: 'query Probe { enrollmentMethods(platform: MACOS) { method } }' }),
      });
      expect(response.status).toBe(200);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      const lines = proc
        .output()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toContainEqual(
        expect.objectContaining({
          msg: 'request',
          requestId: 'proc-test-1',
          operationName: 'Probe',
          status: 200,
        }),
      );
      // The last line by time (the output is read as stdout, then stderr: an order of its own).
      const latest = [...lines].sort((a, b) => String(a['time']).localeCompare(String(b['time']))).at(-1);
      expect(latest, JSON.stringify(lines.slice(-4))).toMatchObject({ msg: 'stopped' });
    } finally {
      proc.child.kill('SIGKILL');
      await proc.exited.catch(() => {});
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
