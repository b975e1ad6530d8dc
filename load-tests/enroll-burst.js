// Mass enrollment: a ramping arrival rate of BYOD enrollments up to TARGET_RATE/s, each issuing
// a real MDM certificate; every response is verified (device id, certificate, device token).
// k6 run -e TOKEN=mdm_... [-e TARGET_RATE=1500 -e RAMP=30s -e HOLD=60s -e MAX_VUS=400] load-tests/enroll-burst.js
// Settings (-e NAME=value; default in brackets): TOKEN (required, ADMIN or ENROLLER), BASE_URL,
// TARGET_RATE (1500/s), RAMP (30s), HOLD (60s), MAX_VUS (400), PRE_VUS (100, capped at MAX_VUS), P95_MS
// (100). Every combination is valid for k6 0.48 and later; a malformed value stops the run before any
// load.
import { assertGateway, countRunDevices } from './lib/population.js';
import { arrivalVUs, durationEnv, numberEnv } from './lib/config.js';
import { enrollOne } from './lib/scenarios.js';

const targetRate = numberEnv('TARGET_RATE', 1500);

const enrollVUs = arrivalVUs('PRE_VUS', 100, 'MAX_VUS', 400);

export const options = {
  scenarios: {
    enroll: {
      executor: 'ramping-arrival-rate',
      startRate: Math.max(1, Math.round(targetRate / 10)),
      timeUnit: '1s',
      preAllocatedVUs: enrollVUs.preAllocatedVUs,
      maxVUs: enrollVUs.maxVUs,
      stages: [
        { target: targetRate, duration: durationEnv('RAMP', '30s') },
        { target: targetRate, duration: durationEnv('HOLD', '60s') },
      ],
    },
  },
  thresholds: {
    'http_req_duration{name:EnrollDevice}': [`p(95)<${numberEnv('P95_MS', 100)}`],
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    // The arrival rate was sustained: k6 never ran out of VUs to start an enrollment.
    dropped_iterations: ['count==0'],
  },
};

export function setup() {
  assertGateway(['ADMIN', 'ENROLLER']);
  return { runId: Date.now() };
}

/** @param {{ runId: number }} data */
export default function (data) {
  enrollOne(data.runId);
}

/** @param {{ runId: number }} data */
export function teardown(data) {
  console.log(`enroll-burst: the gateway holds ${countRunDevices(data.runId)} devices of this run`);
}
