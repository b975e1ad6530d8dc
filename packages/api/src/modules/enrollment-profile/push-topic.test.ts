import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_PUSH_TOPIC, pushTopicOf } from './push-topic.js';

const run = promisify(execFile);

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('the push topic of enrollment profiles', () => {
  it('is the UID of the configured APNs push certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apns-'));
    const topic = 'com.apple.mgmt.External.0b7e2d4c-5f51-4d0f-9f0e-8b8f7a1c2d3e';
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      join(dir, 'push.key'),
      '-out',
      join(dir, 'push.pem'),
      '-subj',
      `/UID=${topic}/CN=APSP:0b7e2d4c-5f51-4d0f-9f0e-8b8f7a1c2d3e/C=US`,
    ]);
    const { logger, lines } = capturingLogger();
    expect(pushTopicOf(await readFile(join(dir, 'push.pem'), 'utf8'), logger)).toEqual({
      topic,
      configured: true,
    });
    expect(lines).toEqual([]);
  });

  it('is a labelled placeholder without one, and the log says pushes are off', () => {
    const { logger, lines } = capturingLogger();
    expect(pushTopicOf(undefined, logger)).toEqual({ topic: PLACEHOLDER_PUSH_TOPIC, configured: false });
    expect(lines).toHaveLength(1);
    expect(String(lines[0]!['msg'])).toContain('pushes are off');
  });

  it('refuses a push certificate without a UID', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apns-'));
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      join(dir, 'k'),
      '-out',
      join(dir, 'c.pem'),
      '-subj',
      '/CN=not a push certificate',
    ]);
    const pem = await readFile(join(dir, 'c.pem'), 'utf8');
    expect(() => pushTopicOf(pem, capturingLogger().logger)).toThrow(/no UID/);
  });
});
