// Bulk enrollment: VUS virtual users each send ITERATIONS enrollDevices calls of BATCH_SIZE
// (≤ 1,000) Windows devices under one bulk enrollment token created in setup() (ADMIN token).
// k6 run -e TOKEN=mdm_... [-e BATCH_SIZE=1000 -e VUS=4 -e ITERATIONS=20] load-tests/bulk-enroll.js
// Settings (-e NAME=value; default in brackets): TOKEN (required, ADMIN), BASE_URL, VUS (4), ITERATIONS
// (20), BATCH_SIZE (1000, at most 1000), P95_MS (10000). Every combination is valid for k6 0.48 and
// later; a malformed value stops the run before any load.
import { fail } from 'k6';
import { BULK_MAX, assertGateway, countRunDevices, createBulkToken } from './lib/population.js';
import { numberEnv, wholeNumberEnv } from './lib/config.js';
import { enrollBatch } from './lib/scenarios.js';

const batchSize = numberEnv('BATCH_SIZE', BULK_MAX);
if (batchSize < 1 || batchSize > BULK_MAX) fail(`BATCH_SIZE must be 1-${BULK_MAX}, got ${batchSize}`);

export const options = {
  scenarios: {
    bulk: {
      executor: 'shared-iterations',
      vus: wholeNumberEnv('VUS', 4),
      iterations: wholeNumberEnv('ITERATIONS', 20),
      maxDuration: '10m',
    },
  },
  thresholds: {
    'http_req_duration{name:EnrollDevices}': [`p(95)<${numberEnv('P95_MS', 10000)}`],
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
  },
};

export function setup() {
  assertGateway(['ADMIN']);
  const runId = Date.now();
  return { runId, bulkToken: createBulkToken(`k6 bulk-enroll ${runId}`) };
}

/** @param {{ runId: number, bulkToken: string }} data */
export default function (data) {
  enrollBatch(data.runId, data.bulkToken, batchSize);
}

/** @param {{ runId: number }} data */
export function teardown(data) {
  console.log(
    `bulk-enroll: the gateway holds ${countRunDevices(data.runId)} devices of this run (batches of ${batchSize})`,
  );
}
