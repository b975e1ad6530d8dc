import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** TCP ports this process listens on (Linux: its socket inodes matched against /proc/net/tcp{,6}). */
async function listeningTcpPorts(): Promise<Set<number>> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(join('/proc/self/fd', fd)).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).trim().split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT, st 0A is LISTEN, the inode is the tenth field.
      if (fields[3] === '0A' && inodes.has(fields[9]!)) ports.add(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

describe.runIf(process.platform === 'linux')('the embedded database (PGlite)', () => {
  let dataDir: string;
  let gateway: TestGateway;
  let before: Set<number>;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mdm-embedded-'));
    before = await listeningTcpPorts();
    gateway = await startTestGateway({ embeddedDataDir: dataDir });
  });
  afterAll(async () => {
    await gateway.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("opens no TCP port: the gateway's own is the only new listener", async () => {
    const after = await listeningTcpPorts();
    expect([...after].filter((port) => !before.has(port))).toEqual([gateway.port]);
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });

  it('is reached over a Unix socket in a directory only this user may enter', async () => {
    const directory = await stat(join(dataDir, '.socket'));
    expect(directory.mode & 0o777).toBe(0o700);
    const socket = await stat(join(dataDir, '.socket', '.s.PGSQL.5432'));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o077).toBe(0);
  });
});
