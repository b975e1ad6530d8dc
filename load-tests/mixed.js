// Mixed: the Monday-morning blend at once: enrollments ramping to ENROLL_RATE/s, bulk batches,
// check-ins at CHECK_IN_RATE/s from an enrolled population (renewing when the gateway's window
// says so), integrators paging the device list and graphql-ws subscribers held open.
// k6 run -e TOKEN=mdm_... [-e ENROLL_RATE=300 -e CHECK_IN_RATE=1000 -e READERS=10 -e SUBSCRIBERS=200 -e DURATION=60s] load-tests/mixed.js
// Settings (-e NAME=value; default in brackets): TOKEN (required, ADMIN), BASE_URL, DURATION (60s),
// ENROLL_RATE (300/s), ENROLL_MAX_VUS (200), CHECK_IN_RATE (1000/s), CHECK_IN_MAX_VUS (200), BULK_VUS
// (1), BATCH_SIZE (1000), READERS (10), SUBSCRIBERS (200), POPULATION (5000, at least the run's total
// VUs), ENROLL_P95_MS (100), CHECK_IN_P95_MS (50), READ_P95_MS (50), BULK_P95_MS (10000), P99_MS (250).
// Every combination is valid for k6 0.48 and later; a malformed value stops the run before any load.
import { fail } from 'k6';
import {
  BULK_MAX,
  assertGateway,
  countRunDevices,
  createBulkToken,
  enrollPopulation,
} from './lib/population.js';
import {
  arrivalVUs,
  durationEnv,
  durationSeconds,
  numberEnv,
  totalVUs,
  wholeNumberEnv,
} from './lib/config.js';
import { checkInOne, enrollBatch, enrollOne, holdSubscriber, readPage } from './lib/scenarios.js';

const duration = durationEnv('DURATION', '60s');
const bulkSize = numberEnv('BATCH_SIZE', BULK_MAX);

const enrollVUs = arrivalVUs(null, 20, 'ENROLL_MAX_VUS', 200);
const checkInVUs = arrivalVUs(null, 50, 'CHECK_IN_MAX_VUS', 200);

export const options = {
  setupTimeout: '5m',
  scenarios: {
    enrollments: {
      executor: 'ramping-arrival-rate',
      exec: 'enrollments',
      startRate: 1,
      timeUnit: '1s',
      preAllocatedVUs: enrollVUs.preAllocatedVUs,
      maxVUs: enrollVUs.maxVUs,
      stages: [
        { target: numberEnv('ENROLL_RATE', 300), duration: `${Math.ceil(durationSeconds(duration) / 3)}s` },
        { target: numberEnv('ENROLL_RATE', 300), duration },
      ],
    },
    bulk: { executor: 'constant-vus', exec: 'bulk', vus: wholeNumberEnv('BULK_VUS', 1), duration },
    checkIns: {
      executor: 'constant-arrival-rate',
      exec: 'checkIns',
      rate: numberEnv('CHECK_IN_RATE', 1000),
      timeUnit: '1s',
      duration,
      preAllocatedVUs: checkInVUs.preAllocatedVUs,
      maxVUs: checkInVUs.maxVUs,
    },
    reads: { executor: 'constant-vus', exec: 'reads', vus: wholeNumberEnv('READERS', 10), duration },
    subscribers: {
      executor: 'per-vu-iterations',
      exec: 'subscriber',
      vus: wholeNumberEnv('SUBSCRIBERS', 200),
      iterations: 1,
      maxDuration: `${durationSeconds(duration) + 60}s`,
    },
  },
  thresholds: {
    'http_req_duration{name:EnrollDevice}': [`p(95)<${numberEnv('ENROLL_P95_MS', 100)}`],
    'http_req_duration{name:CheckIn}': [`p(95)<${numberEnv('CHECK_IN_P95_MS', 50)}`],
    'http_req_duration{name:ManagedDevices}': [`p(95)<${numberEnv('READ_P95_MS', 50)}`],
    'http_req_duration{name:EnrollDevices}': [`p(95)<${numberEnv('BULK_P95_MS', 10000)}`],
    event_latency: [`p(99)<${numberEnv('P99_MS', 250)}`],
    subscription_errors: ['count==0'],
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    dropped_iterations: ['count==0'],
  },
};

/** VU numbers run from 1 to this total, across all scenarios (the stride of device ownership). */
const stride = totalVUs(options.scenarios);

export function setup() {
  assertGateway(['ADMIN']);
  const runId = Date.now();
  const bulkToken = createBulkToken(`k6 mixed ${runId}`);
  const size = numberEnv('POPULATION', 5000);
  // Each VU owns its own devices (renewals replace a device's credentials VU-locally); k6 numbers
  // VUs across all scenarios, so ownership is spread over every VU of the run.
  if (size < stride) fail(`POPULATION (${size}) must be at least the run's total VUs (${stride})`);
  return { runId, bulkToken, population: enrollPopulation(runId, size, bulkToken) };
}

/** @typedef {{ runId: number, bulkToken: string, population: { deviceId: string, serialNumber: string, deviceToken: string }[] }} Data */

/** @param {Data} data */
export function enrollments(data) {
  enrollOne(data.runId);
}

/** @param {Data} data */
export function bulk(data) {
  enrollBatch(data.runId, data.bulkToken, bulkSize);
}

/** @param {Data} data */
export function checkIns(data) {
  checkInOne(data.population, stride, `${data.runId}-${__VU}-${__ITER}`);
}

export function reads() {
  let after = null;
  for (let page = 0; page < 3; page++) {
    after = readPage(100, __ITER % 2 ? { platform: 'WINDOWS' } : {}, after);
    if (!after) break;
  }
}

export function subscriber() {
  holdSubscriber((durationSeconds(duration) + 10) * 1000);
}

/** @param {Data} data */
export function teardown(data) {
  console.log(`mixed: the gateway holds ${countRunDevices(data.runId)} devices of this run`);
}
