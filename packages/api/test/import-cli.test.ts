import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueSerial } from './support/builders.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const run = promisify(execFile);
const apiDir = fileURLToPath(new URL('..', import.meta.url));

describe('the import CLI posts a file to the API', () => {
  let gateway: TestGateway;
  let dir: string;
  beforeAll(async () => {
    gateway = await startTestGateway();
    dir = await mkdtemp(join(tmpdir(), 'mdm-cli-'));
  });
  afterAll(async () => {
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) =>
    run(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', 'src/scripts/import-file.ts', ...args],
      { cwd: apiDir },
    ).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );

  it('imports a serial-number file and prints the recorded import', async () => {
    const serial = uniqueSerial();
    const file = join(dir, 'serials.csv');
    await writeFile(file, `${serial},CLI import\n`);
    const { code, stdout } = await cli(
      '--kind',
      'serial',
      '--file',
      file,
      '--url',
      `${gateway.url}/graphql`,
      '--token',
      gateway.adminToken,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      __typename: 'ImportSuccess',
      importRecord: { kind: 'CORPORATE_IDENTIFIERS', fileName: 'serials.csv', newCount: 1 },
    });
    expect(
      await gateway.sql('select details from corporate_identifier where identifier = ?', [serial]),
    ).toEqual([{ details: 'CLI import' }]);
  }, 60_000);

  it('exits 1 with the rejection when the file is refused, and 2 on bad usage', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, '12AB,letters\n');
    const refused = await cli(
      '--kind',
      'imei',
      '--file',
      file,
      '--url',
      `${gateway.url}/graphql`,
      '--token',
      gateway.adminToken,
    );
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      __typename: 'ImportRejectedError',
      rowErrors: [{ rowNumber: 1, rule: 'IMEI_NOT_DIGITS' }],
    });
    expect((await cli('--kind', 'nonsense', '--file', file)).code).toBe(2);
  }, 60_000);
});
