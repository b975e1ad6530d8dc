// The unit of work of each scenario, shared by the single-scenario scripts and mixed.js. Every
// response is verified with check(); custom metrics count what a run achieved.
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { hmacCheckIn } from './check-in-proof.js';
import { graphql } from './graphql.js';
import { enrollingUser, uniqueImei, uniqueSerial } from './identifiers.js';
import { bulkDevices } from './population.js';
import {
  DeviceCheckedIn,
  FleetStats,
  LoadCheckIn,
  LoadDevicePage,
  LoadEnrollDevice,
  LoadEnrollDevices,
} from './operations.js';
import { subscribe } from './subscriber.js';

export const enrolled = new Counter('devices_enrolled');
export const bulkEnrolled = new Counter('devices_bulk_enrolled');
export const checkedIn = new Counter('check_ins');
export const renewals = new Counter('certificate_renewals');
export const pagesRead = new Counter('device_pages_read');
export const eventsReceived = new Counter('events_received');
export const fleetStatsReceived = new Counter('fleet_stats_received');
export const subscriptionErrors = new Counter('subscription_errors');
/** Milliseconds from the event's occurredAt (commit time) to receipt by the subscriber. */
export const eventLatency = new Trend('event_latency', true);
/** Milliseconds from fleetStats.computedAt to receipt. */
export const fleetStatsLatency = new Trend('fleet_stats_latency', true);

/**
 * Enrolls one BYOD iOS device with a unique serial number and IMEI; the gateway issues a real
 * certificate (key pair generated server-side). @param {number} runId
 */
export function enrollOne(runId) {
  const serialNumber = uniqueSerial(runId, __VU, __ITER);
  const { response, body } = graphql(
    LoadEnrollDevice,
    {
      input: {
        platform: 'IOS',
        method: 'BYOD',
        userPrincipalName: enrollingUser(runId, __VU, __ITER),
        deviceName: `k6 ${serialNumber}`,
        serialNumber,
        imei: uniqueImei(runId, __VU, __ITER),
        osVersion: '17.4',
      },
    },
    { name: 'EnrollDevice' },
  );
  const result = body && body.data && body.data.enrollDevice;
  const ok = check(response, {
    'enrollDevice: device id': () => Boolean(result && result.device && result.device.id),
    'enrollDevice: certificate issued': () =>
      Boolean(result && result.certificate && result.certificate.serialNumber && result.deviceToken),
  });
  if (ok) enrolled.add(1);
}

/**
 * One enrollDevices call of `size` Windows devices (all or nothing).
 * @param {number} runId @param {string} bulkToken @param {number} size
 */
export function enrollBatch(runId, bulkToken, size) {
  const { response, body } = graphql(
    LoadEnrollDevices,
    { input: { bulkEnrollmentToken: bulkToken, devices: bulkDevices(runId, __VU, __ITER, size) } },
    { name: 'EnrollDevices' },
  );
  const result = body && body.data && body.data.enrollDevices;
  const ok = check(response, {
    'enrollDevices: success': () => Boolean(result && result.__typename === 'EnrollDevicesSuccess'),
    'enrollDevices: every device has a certificate': () =>
      Boolean(
        result &&
        result.enrollments &&
        result.enrollments.length === size &&
        result.enrollments.every(
          (/** @type {any} */ e) => e.device.id && e.certificate.serialNumber && e.deviceToken,
        ),
      ),
  });
  if (ok) bulkEnrolled.add(size);
}

/** Credentials renewed during this VU's run, by device id (a renewal replaces serial and token). */
const renewedCredentials = /** @type {Record<string, { serialNumber: string, deviceToken: string }>} */ ({});

/**
 * One HMAC-proved check-in of a device of `population`. The VU numbered v in the run (k6 numbers
 * VUs across all scenarios, 1 to `stride`) owns the devices whose index is congruent to v − 1
 * modulo `stride`, and goes round them one per iteration; no two VUs share a device while
 * `population.length >= stride`, so a renewal's new certificate serial and device token, kept
 * VU-locally, are always the device's current ones. With a smaller population (which setup()
 * refuses where renewals can happen) VUs beyond it share devices.
 * @param {{ deviceId: string, serialNumber: string, deviceToken: string }[]} population
 * @param {number} stride the run's total VUs (`totalVUs(options.scenarios)`) @param {string} nonceSeed
 */
export function checkInOne(population, stride, nonceSeed) {
  const vu = exec.vu.idInTest - 1;
  const owned = Math.max(1, Math.floor((population.length - 1 - (vu % population.length)) / stride) + 1);
  const device = population[(vu % population.length) + stride * (exec.vu.iterationInScenario % owned)];
  const credential = renewedCredentials[device.deviceId] || device;
  const input = hmacCheckIn(device.deviceId, credential.serialNumber, credential.deviceToken, nonceSeed);
  const { response, body } = graphql(LoadCheckIn, { input }, { name: 'CheckIn' });
  const result = body && body.data && body.data.checkIn;
  const ok = check(response, {
    'checkIn: success': () =>
      Boolean(result && result.__typename === 'CheckInSuccess' && result.device.id === device.deviceId),
  });
  if (!ok) return;
  checkedIn.add(1);
  if (result.renewedCertificate) {
    renewals.add(1);
    renewedCredentials[device.deviceId] = {
      serialNumber: result.renewedCertificate.serialNumber,
      deviceToken: result.deviceToken,
    };
  }
}

/**
 * Reads one page of `pageSize` devices with their user, optionally following `after`.
 * @param {number} pageSize @param {Record<string, unknown>} filter @param {string | null} after
 * @returns {string | null} the next cursor, or null at the end
 */
export function readPage(pageSize, filter, after) {
  const { response, body } = graphql(
    LoadDevicePage,
    { first: pageSize, after, filter },
    { name: 'ManagedDevices' },
  );
  const page = body && body.data && body.data.managedDevices;
  const ok = check(response, {
    'managedDevices: a page': () =>
      Boolean(page && Array.isArray(page.edges) && page.edges.length <= pageSize),
    'managedDevices: nested user resolved': () =>
      Boolean(
        page &&
        page.edges.every((/** @type {any} */ e) => e.node.user === null || e.node.user.userPrincipalName),
      ),
  });
  if (!ok) return null;
  pagesRead.add(1);
  return page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
}

/**
 * Holds a subscription for `holdMs`: the scenario's iterations numbered 1, 3, 5, ... (counted from
 * 0 across its VUs, whatever numbers k6 gave those VUs) watch `deviceCheckedIn`, the others
 * `fleetStats`; of n subscribers, floor(n / 2) watch check-ins.
 * @param {number} holdMs
 */
export function holdSubscriber(holdMs) {
  const fleet = exec.scenario.iterationInTest % 2 === 0;
  const response = subscribe({
    query: fleet ? FleetStats : DeviceCheckedIn,
    holdMs,
    timestampOf: (data) => (fleet ? data.fleetStats.computedAt : data.deviceCheckedIn.occurredAt),
    onEvent: (_data, latencyMs) => {
      if (fleet) {
        fleetStatsReceived.add(1);
        fleetStatsLatency.add(latencyMs);
      } else {
        eventsReceived.add(1);
        eventLatency.add(latencyMs);
      }
    },
    onError: () => subscriptionErrors.add(1),
  });
  check(response, { 'graphql-ws: upgraded (101)': (r) => Boolean(r && r.status === 101) });
}
