// Check-in storm: setup() bulk-enrolls POPULATION devices (ADMIN token), then HMAC-proved
// check-ins arrive at a constant RATE/s for DURATION. Renewals happen when the gateway runs
// with CERT_VALIDITY_DAYS inside CERT_RENEWAL_WINDOW_DAYS (every check-in renews then): the
// script keeps the renewed serial number and device token for the device's next check-in.
// k6 run -e TOKEN=mdm_... [-e RATE=5000 -e DURATION=60s -e POPULATION=5000 -e MAX_VUS=500] load-tests/check-in-storm.js
// Settings (-e NAME=value; default in brackets): TOKEN (required, ADMIN), BASE_URL, RATE (5000/s),
// DURATION (60s), POPULATION (5000, at least MAX_VUS), MAX_VUS (500), PRE_VUS (200, capped at MAX_VUS),
// P95_MS (50). Every combination is valid for k6 0.48 and later; a malformed value stops the run before
// any load.
import { fail } from 'k6';
import { assertGateway, countRunDevices, createBulkToken, enrollPopulation } from './lib/population.js';
import { arrivalVUs, durationEnv, numberEnv, totalVUs } from './lib/config.js';
import { checkInOne } from './lib/scenarios.js';

const vus = arrivalVUs('PRE_VUS', 200, 'MAX_VUS', 500);

export const options = {
  setupTimeout: '5m',
  scenarios: {
    checkIns: {
      executor: 'constant-arrival-rate',
      rate: numberEnv('RATE', 5000),
      timeUnit: '1s',
      duration: durationEnv('DURATION', '60s'),
      preAllocatedVUs: vus.preAllocatedVUs,
      maxVUs: vus.maxVUs,
    },
  },
  thresholds: {
    'http_req_duration{name:CheckIn}': [`p(95)<${numberEnv('P95_MS', 50)}`],
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    dropped_iterations: ['count==0'],
  },
};

/** VU numbers run from 1 to this total (the stride of device ownership). */
const stride = totalVUs(options.scenarios);

export function setup() {
  assertGateway(['ADMIN']);
  const runId = Date.now();
  const size = numberEnv('POPULATION', 5000);
  // Each VU owns its own devices (renewals replace a device's credentials VU-locally).
  if (size < stride) fail(`POPULATION (${size}) must be at least MAX_VUS (${stride})`);
  const population = enrollPopulation(runId, size, createBulkToken(`k6 check-in-storm ${runId}`));
  return { runId, population };
}

/** @param {{ runId: number, population: { deviceId: string, serialNumber: string, deviceToken: string }[] }} data */
export default function (data) {
  checkInOne(data.population, stride, `${data.runId}-${__VU}-${__ITER}`);
}

/** @param {{ runId: number }} data */
export function teardown(data) {
  console.log(
    `check-in-storm: population of ${countRunDevices(data.runId)} devices; see check_ins and certificate_renewals above`,
  );
}
