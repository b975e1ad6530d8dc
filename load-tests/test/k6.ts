// Runs the scripts on Grafana's k6: K6_BINARY, else `k6` on PATH, else the team's copy at
// ../shared/tools/k6/k6 beside the repository. Without any, `k6` is undefined and the tests that
// need it are skipped (as the tests that need a PostgreSQL server are without DATABASE_URL).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

function findK6(): string | undefined {
  const configured = process.env['K6_BINARY'];
  if (configured) return configured;
  if (spawnSync('k6', ['version'], { stdio: 'ignore' }).status === 0) return 'k6';
  const shared = join(repositoryRoot, '..', 'shared', 'tools', 'k6', 'k6');
  return existsSync(shared) ? shared : undefined;
}

/** The k6 executable the tests run, or undefined when this machine has none. */
export const k6 = findK6();

/** The path of a script of load-tests/. */
export const script = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));

const envArgs = (env: Record<string, string>) => Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

interface Execution {
  code: number;
  stdout: string;
  stderr: string;
}

function execute(args: string[], timeoutMs: number): Promise<Execution> {
  return new Promise((resolve) => {
    execFile(
      k6!,
      args,
      {
        cwd: repositoryRoot,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** What `k6 inspect --execution-requirements` says of a script under `env`. */
export async function inspect(
  name: string,
  env: Record<string, string>,
): Promise<Execution & { options?: { scenarios?: Record<string, Record<string, unknown>> } }> {
  const result = await execute(
    ['inspect', '--execution-requirements', ...envArgs(env), script(name)],
    60_000,
  );
  if (result.code !== 0) return result;
  return { ...result, options: JSON.parse(result.stdout) };
}

/** One sample of k6's JSON output: a metric's value with the tags it was taken with. */
interface Point {
  metric: string;
  value: number;
  tags: Record<string, string>;
}

/** A finished `k6 run`: exit code, output, every sample and the threshold verdicts. */
export interface K6Run extends Execution {
  /** Sum of a counter's samples; `name{tag:value,...}` keeps the samples carrying those tags. */
  count(metric: string): number;
  /** `ok` per threshold rule of a metric, e.g. `threshold('checks', 'rate==1')`. */
  threshold(metric: string, rule: string): { ok: boolean; value?: number } | undefined;
  /** The whole output, for assertion messages. */
  log: string;
}

/** Runs `k6 run` on a script with `-e` settings, collecting its samples (--out json) and summary. */
export async function run(name: string, env: Record<string, string>, timeoutMs = 150_000): Promise<K6Run> {
  const dir = await mkdtemp(join(tmpdir(), 'k6-run-'));
  try {
    const samples = join(dir, 'samples.json');
    const summary = join(dir, 'summary.json');
    const result = await execute(
      [
        'run',
        '--no-color',
        `--out=json=${samples}`,
        `--summary-export=${summary}`,
        ...envArgs(env),
        script(name),
      ],
      timeoutMs,
    );
    const points: Point[] = [];
    const text = existsSync(samples) ? await readFile(samples, 'utf8') : '';
    for (const line of text.split('\n')) {
      if (!line.startsWith('{"metric"') && !line.includes('"type":"Point"')) continue;
      const sample = JSON.parse(line) as {
        type: string;
        metric: string;
        data: { value: number; tags?: Record<string, string> };
      };
      if (sample.type === 'Point')
        points.push({ metric: sample.metric, value: sample.data.value, tags: sample.data.tags ?? {} });
    }
    const metrics = existsSync(summary)
      ? (
          JSON.parse(await readFile(summary, 'utf8')) as {
            metrics: Record<string, { value?: number; count?: number; thresholds?: Record<string, boolean> }>;
          }
        ).metrics
      : {};
    return {
      ...result,
      log: `exit ${result.code}\n${result.stdout}\n${result.stderr}`,
      count(selector) {
        const [, metric, tagText] = /^([^{]+)(?:\{(.*)\})?$/.exec(selector)!;
        const wanted = (tagText ?? '')
          .split(',')
          .filter(Boolean)
          .map((pair) => pair.split(':') as [string, string]);
        return points
          .filter((p) => p.metric === metric && wanted.every(([k, v]) => p.tags[k] === v))
          .reduce((sum, p) => sum + p.value, 0);
      },
      threshold(metric, rule) {
        const entry = metrics[metric];
        const failed = entry?.thresholds?.[rule];
        if (failed === undefined) return undefined;
        return { ok: !failed, value: entry?.value ?? entry?.count };
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
