// Apple check-in storm: devices enrolled beforehand by scripts/apple-population.mjs (enrollDevice,
// then Authenticate and TokenUpdate as each device sends them) send their `Idle` status to
// PUT /mdm/connect at a constant RATE/s for DURATION, each signed (Mdm-Signature) with the
// device's identity key. k6 has no CMS: the population script precomputes one signature per device
// (an Idle body is the same at every check-in of a device) and writes POPULATION_FILE, which this
// script loads in its init context.
// TOKEN=mdm_... node load-tests/scripts/apple-population.mjs   # POPULATION=1000 devices → load-tests/apple-population.json
// k6 run [-e RATE=2000 -e DURATION=60s -e MAX_VUS=300] load-tests/apple-check-in-storm.js
// Settings (-e NAME=value; default in brackets): BASE_URL, POPULATION_FILE (apple-population.json, beside
// this script; an absolute path works too), RATE (2000/s), DURATION (60s), MAX_VUS (300), PRE_VUS (100,
// capped at MAX_VUS), P95_MS (50). No TOKEN: the devices authenticate by their signatures. Every
// combination is valid for k6 0.48 and later; a malformed value stops the run before any load.
import { check, fail } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import { SharedArray } from 'k6/data';
import { BASE_URL, arrivalVUs, durationEnv, numberEnv } from './lib/config.js';

const vus = arrivalVUs('PRE_VUS', 100, 'MAX_VUS', 300);
const populationFile = __ENV.POPULATION_FILE || 'apple-population.json';

/** @type {{ udid: string, body: string, signature: string }[]} */
const population = new SharedArray('apple-population', function () {
  let devices;
  try {
    devices = JSON.parse(open(populationFile));
  } catch (error) {
    throw new Error(
      `POPULATION_FILE ${populationFile} cannot be read (${error}): run scripts/apple-population.mjs against this gateway first`,
      { cause: error },
    );
  }
  if (!Array.isArray(devices) || devices.length === 0)
    throw new Error(`POPULATION_FILE ${populationFile} holds no devices`);
  return devices;
});

const checkedIn = new Counter('apple_check_ins');

export const options = {
  scenarios: {
    idle: {
      executor: 'constant-arrival-rate',
      rate: numberEnv('RATE', 2000),
      timeUnit: '1s',
      duration: durationEnv('DURATION', '60s'),
      preAllocatedVUs: vus.preAllocatedVUs,
      maxVUs: vus.maxVUs,
    },
  },
  thresholds: {
    'http_req_duration{name:AppleIdle}': [`p(95)<${numberEnv('P95_MS', 50)}`],
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    dropped_iterations: ['count==0'],
  },
};

/** @param {{ udid: string, body: string, signature: string }} device @param {string} name */
function idle(device, name) {
  return http.put(`${BASE_URL}/mdm/connect`, device.body, {
    headers: { 'content-type': 'application/x-apple-aspen-mdm', 'mdm-signature': device.signature },
    tags: { name },
  });
}

export function setup() {
  // A population from another gateway (or database) would fail every request: stop before any load.
  const probe = idle(population[0], 'AppleIdleProbe');
  if (probe.status === 0) fail(`gateway unreachable at ${BASE_URL}: ${probe.error}`);
  if (probe.status !== 200)
    fail(
      `the gateway refuses ${populationFile}'s devices (HTTP ${probe.status}: ${probe.body}): run scripts/apple-population.mjs against ${BASE_URL}`,
    );
  return { devices: population.length };
}

export default function () {
  // Round robin over the population: every device checks in as often as the others.
  const device = population[exec.scenario.iterationInTest % population.length];
  const response = idle(device, 'AppleIdle');
  const ok = check(response, {
    'Idle answered 200': (r) => r.status === 200,
    'no command waiting (empty body)': (r) => !r.body,
  });
  if (ok) checkedIn.add(1);
}

/** @param {{ devices: number }} data */
export function teardown(data) {
  console.log(`apple-check-in-storm: ${data.devices} devices; see apple_check_ins above`);
}
