// Integrator reads: VUS integrations page through managedDevices (PAGE_SIZE per page, nested
// user and certificate expiry) with rotating filters, following cursors to the end. setup()
// bulk-enrolls POPULATION devices so there is something to read (ADMIN token).
// k6 run -e TOKEN=mdm_... [-e VUS=20 -e DURATION=60s -e PAGE_SIZE=100 -e POPULATION=2000] load-tests/integrator-reads.js
// Settings (-e NAME=value; default in brackets): TOKEN (required, ADMIN or READER), BASE_URL, VUS (20),
// DURATION (60s), PAGE_SIZE (100), POPULATION (2000), P95_MS (50). Every combination is valid for k6
// 0.48 and later; a malformed value stops the run before any load.
import { assertGateway, countRunDevices, createBulkToken, enrollPopulation } from './lib/population.js';
import { durationEnv, numberEnv, wholeNumberEnv } from './lib/config.js';
import { runTag } from './lib/identifiers.js';
import { readPage } from './lib/scenarios.js';

const pageSize = numberEnv('PAGE_SIZE', 100);

export const options = {
  setupTimeout: '5m',
  scenarios: {
    reads: {
      executor: 'constant-vus',
      vus: wholeNumberEnv('VUS', 20),
      duration: durationEnv('DURATION', '60s'),
    },
  },
  thresholds: {
    'http_req_duration{name:ManagedDevices}': [`p(95)<${numberEnv('P95_MS', 50)}`],
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
  },
};

export function setup() {
  assertGateway(['ADMIN']);
  const runId = Date.now();
  enrollPopulation(runId, numberEnv('POPULATION', 2000), createBulkToken(`k6 integrator-reads ${runId}`));
  return { runId };
}

/** @param {{ runId: number }} data */
export default function (data) {
  const filters = [
    {},
    { platform: 'WINDOWS' },
    { managementState: 'managed' },
    { search: runTag(data.runId) },
  ];
  const filter = filters[__ITER % filters.length];
  // Up to 5 pages per iteration: integrations read the first pages far more often than the last.
  let after = null;
  for (let page = 0; page < 5; page++) {
    after = readPage(pageSize, filter, after);
    if (!after) break;
  }
}

/** @param {{ runId: number }} data */
export function teardown(data) {
  console.log(`integrator-reads: read a fleet including ${countRunDevices(data.runId)} devices of this run`);
}
