// Smoke: enroll one BYOD device per iteration and check it in as the device (HMAC proof with the
// device token issued at enrollment); every response is verified.
// k6 run load-tests/smoke.js  (BASE_URL, VUS, ITERATIONS through -e or the environment)
// Settings (-e NAME=value; default in brackets): TOKEN (required), BASE_URL (http://127.0.0.1:4000),
// VUS (2), ITERATIONS (20). Every combination is valid for k6 0.48 and later; a malformed value stops
// the run before any load.
import { check } from 'k6';
import { wholeNumberEnv } from './lib/config.js';
import { hmacCheckIn } from './lib/check-in-proof.js';
import { graphql } from './lib/graphql.js';
import { assertGateway } from './lib/population.js';
import { enrollingUser, uniqueSerial } from './lib/identifiers.js';
import { CheckIn, EnrollDevice } from './lib/operations.js';

export const options = {
  vus: wholeNumberEnv('VUS', 2),
  iterations: wholeNumberEnv('ITERATIONS', 20),
  thresholds: { checks: ['rate==1'], http_req_failed: ['rate==0'] },
};

const runId = Date.now();

/** Stops before any request of the run when the gateway is unreachable or refuses the token. */
export function setup() {
  assertGateway(['ADMIN', 'ENROLLER']);
}

export default function () {
  const serialNumber = uniqueSerial(runId, __VU, __ITER);
  const enrolled = graphql(
    EnrollDevice,
    {
      input: {
        platform: 'IOS',
        method: 'BYOD',
        userPrincipalName: enrollingUser(runId, __VU, __ITER),
        deviceName: `k6 ${serialNumber}`,
        serialNumber,
        osVersion: '17.4',
      },
    },
    { name: 'EnrollDevice' },
  );
  const result = enrolled.body && enrolled.body.data && enrolled.body.data.enrollDevice;
  const device = result && result.device;
  check(enrolled.response, {
    'enrolled a device with a certificate': () =>
      Boolean(device && device.id && result.certificate && result.deviceToken),
  });
  if (!device) return;
  const input = hmacCheckIn(
    device.id,
    result.certificate.serialNumber,
    result.deviceToken,
    `${runId}-${__VU}-${__ITER}`,
  );
  const checkedIn = graphql(CheckIn, { input }, { name: 'CheckIn' });
  check(checkedIn.response, {
    'checked in': () =>
      Boolean(
        checkedIn.body && checkedIn.body.data && checkedIn.body.data.checkIn.__typename === 'CheckInSuccess',
      ),
  });
}
