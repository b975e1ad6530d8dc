/**
 * Unique, valid hardware identifiers per VU and iteration, so runs never collide.
 */

/** Luhn check digit of a 14-digit IMEI body. @param {string} body */
export function luhnCheckDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/**
 * A 15-digit Luhn-valid IMEI unique for (run, vu, iteration): the run contributes its start
 * second modulo 1,000 (runs started less than ~17 minutes apart never collide), the VU 3 digits
 * and the iteration 6 digits (bulk scripts pass `iteration * batchSize + index`).
 * @param {number} runId run start, ms since the epoch @param {number} vu @param {number} iteration
 */
export function uniqueImei(runId, vu, iteration) {
  const body = `35${String(Math.floor(runId / 1000) % 1000).padStart(3, '0')}${String(vu % 1000).padStart(3, '0')}${String(iteration % 1000000).padStart(6, '0')}`;
  return body + luhnCheckDigit(body);
}

/**
 * A serial number unique for (run, vu, iteration).
 * @param {number} runId @param {number} vu @param {number} iteration
 */
export function uniqueSerial(runId, vu, iteration) {
  return `K6${runId.toString(36).toUpperCase()}V${vu}I${iteration}`;
}

/**
 * The serial-number prefix every device of a run carries, for `managedDevices(filter: { search })`
 * in teardown(). @param {number} runId
 */
export function runTag(runId) {
  return `K6${runId.toString(36).toUpperCase()}`;
}

/**
 * The user a BYOD enrollment is made for: a new user every 5 enrollments of a VU, because the
 * gateway's default device limit restriction allows 5 devices per user (seed: Device limit).
 * @param {number} runId @param {number} vu @param {number} iteration
 */
export function enrollingUser(runId, vu, iteration) {
  return `k6-${runId.toString(36)}-${vu}-${Math.floor(iteration / 5)}@contoso.example`;
}
