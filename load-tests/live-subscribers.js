// Live subscribers: SUBSCRIBERS graphql-ws connections (even VUs `deviceCheckedIn`, odd VUs
// `fleetStats`) held open for the whole run while enrollments and check-ins arrive at
// ENROLL_RATE/s and CHECK_IN_RATE/s. Event latency is a Trend from the event's own timestamp
// (occurredAt, computedAt) to receipt; every deviceCheckedIn subscriber must receive every
// check-in made while all are connected (lost = check_ins × deviceCheckedIn subscribers −
// events_received, printed by handleSummary and enforced by the events_received threshold).
// k6 run -e TOKEN=mdm_... [-e SUBSCRIBERS=1000 -e CHECK_IN_RATE=10 -e ENROLL_RATE=5 -e DURATION=60s] load-tests/live-subscribers.js
// Settings (-e NAME=value; default in brackets): TOKEN (required, ADMIN), BASE_URL, SUBSCRIBERS (1000),
// CHECK_IN_RATE (10/s), ENROLL_RATE (5/s), DURATION (60s), GRACE_SECONDS (15), DRIVER_VUS (50),
// ENROLL_MAX_VUS (20), POPULATION (500, or the run's total VUs if larger), P99_MS (250), FLEET_P99_MS
// (1000). Every combination is valid for k6 0.48 and later; a malformed value stops the run before any
// load.
import { assertGateway, createBulkToken, enrollPopulation } from './lib/population.js';
import {
  arrivalVUs,
  durationEnv,
  durationSeconds,
  numberEnv,
  totalVUs,
  wholeNumberEnv,
} from './lib/config.js';
import { checkInOne, enrollOne, holdSubscriber } from './lib/scenarios.js';

const subscribers = wholeNumberEnv('SUBSCRIBERS', 1000);
const checkInRate = numberEnv('CHECK_IN_RATE', 10);
const duration = durationEnv('DURATION', '60s');
/** Time for every subscriber to connect before events start, and to drain after they stop. */
const graceSeconds = numberEnv('GRACE_SECONDS', 15);
const checkInSubscribers = Math.floor(subscribers / 2);
const expectedEvents = Math.round(checkInRate * durationSeconds(duration)) * checkInSubscribers;

const driverVUs = arrivalVUs(null, 10, 'DRIVER_VUS', 50);
const enrollVUs = arrivalVUs(null, 5, 'ENROLL_MAX_VUS', 20);

export const options = {
  setupTimeout: '5m',
  scenarios: {
    subscribers: {
      executor: 'per-vu-iterations',
      vus: subscribers,
      iterations: 1,
      exec: 'subscriber',
      maxDuration: `${durationSeconds(duration) + 3 * graceSeconds}s`,
    },
    checkIns: {
      executor: 'constant-arrival-rate',
      rate: checkInRate,
      timeUnit: '1s',
      duration,
      exec: 'checkIns',
      startTime: `${graceSeconds}s`,
      preAllocatedVUs: driverVUs.preAllocatedVUs,
      maxVUs: driverVUs.maxVUs,
    },
    enrollments: {
      executor: 'constant-arrival-rate',
      rate: numberEnv('ENROLL_RATE', 5),
      timeUnit: '1s',
      duration,
      exec: 'enrollments',
      startTime: `${graceSeconds}s`,
      preAllocatedVUs: enrollVUs.preAllocatedVUs,
      maxVUs: enrollVUs.maxVUs,
    },
  },
  thresholds: {
    event_latency: [`p(99)<${numberEnv('P99_MS', 250)}`],
    fleet_stats_latency: [`p(99)<${numberEnv('FLEET_P99_MS', 1000)}`],
    events_received: [`count>=${expectedEvents}`],
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
  return {
    runId,
    population: enrollPopulation(
      runId,
      numberEnv('POPULATION', Math.max(500, stride)),
      createBulkToken(`k6 live-subscribers ${runId}`),
    ),
  };
}

export function subscriber() {
  holdSubscriber((durationSeconds(duration) + 2 * graceSeconds) * 1000);
}

/** @param {{ runId: number, population: { deviceId: string, serialNumber: string, deviceToken: string }[] }} data */
export function checkIns(data) {
  checkInOne(data.population, stride, `${data.runId}-${__VU}-${__ITER}`);
}

/** @param {{ runId: number }} data */
export function enrollments(data) {
  enrollOne(data.runId);
}

/**
 * Prints the lost-event count next to every metric and threshold verdict (handleSummary replaces
 * k6's default end-of-test summary, so this prints the same figures compactly).
 * @param {any} data the end-of-test summary
 */
export function handleSummary(data) {
  const metric = (/** @type {string} */ name) => (data.metrics[name] ? data.metrics[name].values.count : 0);
  const sent = metric('check_ins');
  const received = metric('events_received');
  const lines = [
    `live-subscribers: ${subscribers} subscribers (${checkInSubscribers} deviceCheckedIn, ${subscribers - checkInSubscribers} fleetStats)`,
    `  check-ins acknowledged: ${sent}; deviceCheckedIn events expected ${sent * checkInSubscribers}, received ${received}, lost ${Math.max(0, sent * checkInSubscribers - received)}`,
    `  fleetStats pushes received: ${metric('fleet_stats_received')}; subscription errors: ${metric('subscription_errors')}`,
  ];
  for (const name of Object.keys(data.metrics).sort()) {
    const { values, thresholds } = data.metrics[name];
    const verdicts = thresholds
      ? Object.entries(thresholds)
          .map(([rule, t]) => `${/** @type {any} */ (t).ok ? 'ok' : 'FAILED'} ${rule}`)
          .join(', ')
      : '';
    const figures = Object.entries(values)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? Math.round(v * 100) / 100 : v}`)
      .join(' ');
    lines.push(`  ${name}: ${figures}${verdicts ? `  [${verdicts}]` : ''}`);
  }
  return { stdout: `${lines.join('\n')}\n` };
}
