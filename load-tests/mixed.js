// Mixed: the Monday-morning blend at once: enrollments ramping to ENROLL_RATE/s, bulk batches,
// check-ins at CHECK_IN_RATE/s from an enrolled population (renewing when the gateway's window
// says so), integrators paging the device list and graphql-ws subscribers held open.
// k6 run -e TOKEN=mdm_... [-e ENROLL_RATE=300 -e CHECK_IN_RATE=1000 -e READERS=10 -e SUBSCRIBERS=200 -e DURATION=60s] load-tests/mixed.js
import { fail } from 'k6';
import {
  BULK_MAX,
  assertGateway,
  countRunDevices,
  createBulkToken,
  enrollPopulation,
} from './lib/population.js';
import { durationEnv, durationSeconds, numberEnv } from './lib/config.js';
import { checkInOne, enrollBatch, enrollOne, holdSubscriber, readPage } from './lib/scenarios.js';

const duration = durationEnv('DURATION', '60s');
const checkInVUs = numberEnv('CHECK_IN_MAX_VUS', 200);
const bulkSize = numberEnv('BATCH_SIZE', BULK_MAX);

export const options = {
  setupTimeout: '5m',
  scenarios: {
    enrollments: {
      executor: 'ramping-arrival-rate',
      exec: 'enrollments',
      startRate: 1,
      timeUnit: '1s',
      preAllocatedVUs: 20,
      maxVUs: numberEnv('ENROLL_MAX_VUS', 200),
      stages: [
        { target: numberEnv('ENROLL_RATE', 300), duration: `${Math.ceil(durationSeconds(duration) / 3)}s` },
        { target: numberEnv('ENROLL_RATE', 300), duration },
      ],
    },
    bulk: { executor: 'constant-vus', exec: 'bulk', vus: numberEnv('BULK_VUS', 1), duration },
    checkIns: {
      executor: 'constant-arrival-rate',
      exec: 'checkIns',
      rate: numberEnv('CHECK_IN_RATE', 1000),
      timeUnit: '1s',
      duration,
      preAllocatedVUs: 50,
      maxVUs: checkInVUs,
    },
    reads: { executor: 'constant-vus', exec: 'reads', vus: numberEnv('READERS', 10), duration },
    subscribers: {
      executor: 'per-vu-iterations',
      exec: 'subscriber',
      vus: numberEnv('SUBSCRIBERS', 200),
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

export function setup() {
  assertGateway(['ADMIN']);
  const runId = Date.now();
  const bulkToken = createBulkToken(`k6 mixed ${runId}`);
  const size = numberEnv('POPULATION', 5000);
  // Each check-in VU owns its own devices (renewals replace a device's credentials VU-locally).
  if (size < checkInVUs) fail(`POPULATION (${size}) must be at least CHECK_IN_MAX_VUS (${checkInVUs})`);
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
  checkInOne(data.population, checkInVUs, `${data.runId}-${__VU}-${__ITER}`);
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
