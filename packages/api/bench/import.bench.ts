/**
 * Import throughput, with a raw COPY of the same rows as the baseline, measured in the same run.
 *
 *   pnpm bench import
 *
 * Creates a scratch database on the benchmarks' server (bench-database.ts; dropped afterwards), starts a real
 * gateway on it and measures:
 *  1. a 5,000-row IMEI file through GraphQL over HTTP (decode, CSV parse, validation, set-based
 *     write, import record, event) — the largest file Intune accepts;
 *  2. 200,000 identifiers through the same set-based writer in one transaction (the bulk path,
 *     which the 5,000-row file limit keeps away from the API);
 *  3. Windows bulk enrollment of 1,000 devices through `enrollDevices` over HTTP;
 * and for each, `COPY ... FROM STDIN` of the same rows into a table of the same shape (the floor:
 * PostgreSQL's fastest ingestion path, without validation or conflict checks).
 * Prints a table and rewrites the "Imports" section of docs/performance.md.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../src/config/config.js';
import { luhnCheckDigit } from '../src/modules/device/hardware-identifiers.js';
import { CorporateIdentifierType } from '../src/modules/corporate-identifier/corporate-identifier.entity.js';
import { writeCorporateIdentifiers } from '../src/modules/imports/writers/corporate-identifier.writer.js';
import { startGateway } from '../src/server/gateway.js';
import { BENCH_ADMIN_TOKEN, createBenchDatabase } from './bench-database.js';

const performanceDoc = fileURLToPath(new URL('../../../docs/performance.md', import.meta.url));
let counter = 0;

/** `n` distinct, Luhn-valid IMEIs (prefix keeps runs apart). */
function imeis(n: number): string[] {
  const prefix = String(10 + (Date.now() % 89)) + String(counter++ % 10);
  return Array.from({ length: n }, (_, i) => {
    const body = `${prefix}${String(i).padStart(11, '0')}`.slice(0, 14);
    return `${body}${luhnCheckDigit(body)}`;
  });
}

/** Milliseconds taken by `run`. */
async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** COPY rows (tab-separated lines) into `table`, in writes of about 256 KiB (as the gateway's staging does), in one transaction. */
async function copy(client: pg.Client, table: string, columns: string, lines: string[]): Promise<void> {
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += 8192) chunks.push(`${lines.slice(i, i + 8192).join('\n')}\n`);
  await client.query('begin');
  const stream = client.query(copyFrom(`copy ${table} (${columns}) from stdin`));
  await pipeline(Readable.from(chunks), stream);
  await client.query('commit');
}

interface Row {
  scenario: string;
  rows: number;
  ms: number;
  baselineMs: number;
}

/** Imports 5,000-row files over HTTP, 200,000 rows through the set-based writer and a 1,000-device bulk enrollment, each against a raw COPY of the same rows. */
export async function importBenchmark(): Promise<void> {
  const db = await createBenchDatabase('import');
  const url = new URL(db.url);
  const gateway = await startGateway({
    config: loadConfig(
      {
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATABASE_URL: url.toString(),
        DB_POOL_SIZE: '5',
        ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
        RATE_LIMIT_PER_MINUTE: '0',
      },
      [],
    ),
  });
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  // The baseline tables have the shape of the real ones, indexes and constraints included: a COPY
  // into a bare heap would measure less work than the writer must do (an honest baseline).
  await client.query('create table copy_identifier (like corporate_identifier including all)');
  await client.query('create table copy_device (like managed_device including all)');
  const results: Row[] = [];
  const now = new Date().toISOString();
  const graphql = async (query: string, variables: unknown) => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, { __typename: string }> };
    const result = Object.values(body.data ?? {})[0];
    if (!result || !result.__typename.endsWith('Success'))
      throw new Error(JSON.stringify(body).slice(0, 500));
  };

  try {
    // 1. 5,000-row file over HTTP, three runs (each printed; the first includes warm-up), fresh identifiers each time.
    for (let i = 0; i < 3; i++) {
      const values = imeis(5000);
      const content = values.map((v, n) => `${v},Pool ${n}`).join('\n');
      const ms = await timed(() =>
        graphql(
          `
            mutation ($file: ImportFileInput!) {
              importCorporateIdentifiers(identifierType: IMEI, file: $file) {
                __typename
              }
            }
          `,
          {
            file: { fileName: 'bench.csv', content },
          },
        ),
      );
      const baselineMs = await timed(() =>
        copy(
          client,
          'copy_identifier',
          'id, identifier_type, identifier, details, enrollment_state, created_date_time',
          values.map((v, n) => `${randomUUID()}\tIMEI\t${v}\tPool ${n}\tnotContacted\t${now}`),
        ),
      );
      results.push({ scenario: '5,000-row IMEI file via GraphQL/HTTP', rows: 5000, ms, baselineMs });
    }

    // 2. 200,000 identifiers through the set-based writer, one transaction.
    const big = imeis(200_000);
    const bigMs = await timed(() =>
      gateway.database.orm.em.fork().transactional((tx) =>
        writeCorporateIdentifiers(
          tx,
          CorporateIdentifierType.IMEI,
          big.map((identifier, n) => ({
            rowNumber: n + 1,
            identifierType: 'IMEI',
            identifier,
            details: `Pool ${n}`,
          })),
          false,
          new Date(),
        ),
      ),
    );
    const bigBaseline = await timed(() =>
      copy(
        client,
        'copy_identifier',
        'id, identifier_type, identifier, details, enrollment_state, created_date_time',
        big.map((v, n) => `${randomUUID()}\tIMEI\t${v}\tPool ${n}\tnotContacted\t${now}`),
      ),
    );
    results.push({
      scenario: '200,000 identifiers via the set-based writer (one transaction)',
      rows: 200_000,
      ms: bigMs,
      baselineMs: bigBaseline,
    });

    // 3. Windows bulk enrollment, 1,000 devices over HTTP.
    const token = await (async () => {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
        body: JSON.stringify({
          query: `mutation { createBulkEnrollmentToken(input: { displayName: "bench", validityDays: 1 }) { ... on CreateBulkEnrollmentTokenSuccess { secret } } }`,
        }),
      });
      return ((await response.json()) as { data: { createBulkEnrollmentToken: { secret: string } } }).data
        .createBulkEnrollmentToken.secret;
    })();
    const serials = Array.from({ length: 1000 }, (_, i) => `BENCH${Date.now().toString(36)}${i}`);
    const bulkMs = await timed(() =>
      graphql(
        `
          mutation ($input: EnrollDevicesInput!) {
            enrollDevices(input: $input) {
              __typename
            }
          }
        `,
        {
          input: {
            bulkEnrollmentToken: token,
            devices: serials.map((serialNumber) => ({
              deviceName: serialNumber,
              serialNumber,
              osVersion: '10.0.22631',
              model: 'OptiPlex',
              manufacturer: 'Dell',
            })),
          },
        },
      ),
    );
    const bulkBaseline = await timed(() =>
      copy(
        client,
        'copy_device',
        'id, device_name, platform, operating_system, os_version, model, manufacturer, serial_number, managed_device_owner_type, enrollment_method, enrollment_type, enrolled_date_time, last_sync_date_time',
        serials.map(
          (s) =>
            `${randomUUID()}\t${s}\tWINDOWS\tWindows\t10.0.22631\tOptiPlex\tDell\t${s}\tcompany\tBULK_ENROLL\twindowsBulkUserless\t${now}\t${now}`,
        ),
      ),
    );
    results.push({
      scenario: 'enrollDevices, 1,000 Windows devices via GraphQL/HTTP',
      rows: 1000,
      ms: bulkMs,
      baselineMs: bulkBaseline,
    });
  } finally {
    await client.end();
    await gateway.stop();
    await db.drop();
  }

  const rate = (rows: number, ms: number) => Math.round((rows / ms) * 1000).toLocaleString('en-US');
  const table = [
    '| Scenario | Rows | Time (ms) | Rows/s | Raw COPY of the same rows (ms) | COPY rows/s | × COPY time |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.scenario} | ${r.rows.toLocaleString('en-US')} | ${r.ms.toFixed(0)} | ${rate(r.rows, r.ms)} | ${r.baselineMs.toFixed(0)} | ${rate(r.rows, r.baselineMs)} | ${(r.ms / r.baselineMs).toFixed(1)} |`,
    ),
  ].join('\n');
  console.log(table);

  const section = `## Imports\n\nMeasured by \`pnpm --filter @mdm/api bench\` (packages/api/bench/import.bench.ts) on ${new Date().toISOString().slice(0, 10)}, PostgreSQL at DATABASE_URL, Node ${process.version}, ${(await import('node:os')).cpus().length} cores shared with other work. The baseline is a raw \`COPY ... FROM STDIN\` of the same rows, in 256 KiB writes and one transaction, into a table of the same shape with the same indexes and constraints (\`create table ... (like corporate_identifier including all)\`), in the same run (no validation, no conflict checks, no events): the floor for ingestion.\n\n${table}\n\nReading: the API path includes UTF-8/size checks, CSV parsing with csv-parse, Luhn validation, duplicate detection, COPY of the rows into a temporary staging table, one statement that compares them with the stored rows (new/unchanged/overwritten/conflicting) and inserts the new ones, the import record and the \`import.completed\` event; the first rows of (1) include JIT warm-up.\n`;
  let doc: string;
  try {
    doc = await readFile(performanceDoc, 'utf8');
  } catch {
    doc =
      '# Performance\n\nFigures printed by the benchmarks under packages/api/bench/, each with a baseline measured in the same run.\n';
  }
  const start = doc.indexOf('## Imports');
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + 1);
    doc = doc.slice(0, start) + section + (next >= 0 ? doc.slice(next + 1) : '');
  } else {
    doc = `${doc.trimEnd()}\n\n${section}`;
  }
  await writeFile(performanceDoc, doc);
}
