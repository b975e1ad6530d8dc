// What setup() and teardown() create and count through the API: a check that the gateway and
// the token work (fail fast), a bulk enrollment token, an enrolled population (bulk
// enrollment, 1,000 devices per call) and the count of a run's devices.
import { fail } from 'k6';
import { GRAPHQL_URL } from './config.js';
import { graphql } from './graphql.js';
import { runTag, uniqueImei, uniqueSerial } from './identifiers.js';
import { CreateBulkEnrollmentToken, LoadDevicePage, LoadEnrollDevices, Viewer } from './operations.js';

/** Most devices one enrollDevices call accepts (the gateway's BULK_ENROLL_MAX_DEVICES). */
export const BULK_MAX = 1000;

/**
 * Stops the run before any load when the gateway is unreachable or refuses the token.
 * @param {string[]} roles roles the script needs (e.g. ['ADMIN'] to create a bulk token)
 */
export function assertGateway(roles) {
  const { response, body } = graphql(Viewer, {}, { name: 'Viewer' });
  if (response.status === 0) fail(`gateway unreachable at ${GRAPHQL_URL}: ${response.error}`);
  const viewer = body && body.data && body.data.viewer;
  if (!viewer)
    fail(`TOKEN refused by ${GRAPHQL_URL} (HTTP ${response.status}): ${JSON.stringify(body && body.errors)}`);
  if (roles.length && !roles.includes(viewer.role))
    fail(`TOKEN has role ${viewer.role}; this script needs one of ${roles.join(', ')}`);
  return viewer;
}

/**
 * A bulk enrollment token (ADMIN mutation createBulkEnrollmentToken), valid one day.
 * @param {string} displayName
 */
export function createBulkToken(displayName) {
  const { body } = graphql(
    CreateBulkEnrollmentToken,
    { input: { displayName, validityDays: 1 } },
    { name: 'CreateBulkEnrollmentToken' },
  );
  const result = body && body.data && body.data.createBulkEnrollmentToken;
  if (!result || result.__typename !== 'CreateBulkEnrollmentTokenSuccess')
    fail(`createBulkEnrollmentToken failed: ${JSON.stringify(body)}`);
  return /** @type {string} */ (result.secret);
}

/**
 * `size` Windows devices for one enrollDevices call, unique for (run, vu, iteration), with
 * Luhn-valid IMEIs. @param {number} runId @param {number} vu @param {number} iteration @param {number} size
 */
export function bulkDevices(runId, vu, iteration, size) {
  const devices = [];
  for (let i = 0; i < size; i++) {
    const serialNumber = `${uniqueSerial(runId, vu, iteration)}N${i}`;
    devices.push({
      deviceName: `k6 ${serialNumber}`,
      serialNumber,
      imei: uniqueImei(runId, vu, iteration * BULK_MAX + i),
      osVersion: '10.0.22631',
      manufacturer: 'Contoso',
      model: 'Surface',
    });
  }
  return devices;
}

/**
 * Enrolls `size` devices through bulk enrollment and returns their check-in credentials.
 * @param {number} runId @param {number} size @param {string} bulkToken
 * @returns {{ deviceId: string, serialNumber: string, deviceToken: string }[]}
 */
export function enrollPopulation(runId, size, bulkToken) {
  const population = [];
  for (let batch = 0; population.length < size; batch++) {
    const devices = bulkDevices(runId, 0, batch, Math.min(BULK_MAX, size - population.length));
    const { body } = graphql(
      LoadEnrollDevices,
      { input: { bulkEnrollmentToken: bulkToken, devices } },
      { name: 'setup EnrollDevices' },
    );
    const result = body && body.data && body.data.enrollDevices;
    if (!result || result.__typename !== 'EnrollDevicesSuccess')
      fail(`setup: bulk enrollment failed: ${JSON.stringify(body)}`);
    for (const e of result.enrollments)
      population.push({
        deviceId: e.device.id,
        serialNumber: e.certificate.serialNumber,
        deviceToken: e.deviceToken,
      });
  }
  return population;
}

/**
 * How many devices of this run the gateway holds (serial numbers carry the run tag).
 * @param {number} runId
 */
export function countRunDevices(runId) {
  const { body } = graphql(
    LoadDevicePage,
    { first: 1, filter: { search: runTag(runId) } },
    { name: 'teardown count' },
  );
  const page = body && body.data && body.data.managedDevices;
  return page ? /** @type {number} */ (page.totalCount) : -1;
}
