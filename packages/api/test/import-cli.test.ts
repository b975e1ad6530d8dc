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
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
/** The built CLI, run from the repository root as the README runs it (`pnpm test` builds first). */
const cliJs = 'packages/api/dist/scripts/import-file.js';

/** The example files of `examples/` and the `--kind` each is (see examples/README.md). */
const EXAMPLES: [file: string, kind: string][] = [
  ['examples/corporate-imeis.csv', 'imei'],
  ['examples/corporate-serials.csv', 'serial'],
  ['examples/windows-identifiers.csv', 'windows'],
  ['examples/autopilot-devices.csv', 'autopilot'],
  ['examples/abm-devices.json', 'abm'],
  ['examples/graph-managed-devices.json', 'graph'],
];

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
    run(process.execPath, [cliJs, ...args], { cwd: repositoryRoot, env: { PATH: process.env['PATH'] } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
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
  });

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
    expect(refused.stderr).toBe('');
    expect(JSON.parse(refused.stdout)).toMatchObject({
      __typename: 'ImportRejectedError',
      rowErrors: [{ rowNumber: 1, rule: 'IMEI_NOT_DIGITS' }],
    });
    expect((await cli('--kind', 'nonsense', '--file', file)).code).toBe(2);
  });

  it.each(EXAMPLES)(
    'imports the example %s as --kind %s, with the path as the README writes it',
    async (file, kind) => {
      const { code, stdout, stderr } = await cli(
        '--kind',
        kind,
        '--file',
        file,
        '--url',
        `${gateway.url}/graphql`,
        '--token',
        gateway.adminToken,
      );
      expect({ code, stderr, result: JSON.parse(stdout) }).toMatchObject({
        code: 0,
        stderr: '',
        result: { __typename: 'ImportSuccess', importRecord: { rejectedRowCount: 0 } },
      });
    },
  );
});
