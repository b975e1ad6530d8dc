// Settings of every script, read only from k6's __ENV, with defaults for a local gateway.

/** Base URL of the gateway (GraphQL at /graphql). Default http://127.0.0.1:4000. */
export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:4000').replace(/\/$/, '');

/** HTTP GraphQL endpoint. */
export const GRAPHQL_URL = `${BASE_URL}/graphql`;

/**
 * A number from __ENV, or the default; stops the run with a clear message when the value is
 * not a finite number.
 * @param {string} name
 * @param {number} fallback
 */
export function numberEnv(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

/**
 * The API token the scripts send (an ADMIN or ENROLLER token; `pnpm start` prints a demo ADMIN
 * token). Required: the run stops at once with a clear message without it.
 */
export function requireToken() {
  const token = __ENV.TOKEN;
  if (!token)
    throw new Error('TOKEN is required: k6 run -e TOKEN=mdm_... <script> (pnpm start prints a demo token)');
  return token;
}

/** graphql-ws endpoint (ws:// or wss:// of BASE_URL). */
export const WS_URL = `${GRAPHQL_URL.replace(/^http/, 'ws')}`;

/**
 * A k6 duration string from __ENV ("30s", "2m"), or the default; stops the run when malformed.
 * @param {string} name
 * @param {string} fallback
 */
export function durationEnv(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^(\d+(ms|s|m|h))+$/.test(raw))
    throw new Error(`${name} must be a k6 duration such as 30s or 2m, got "${raw}"`);
  return raw;
}

/**
 * Seconds in a k6 duration string ("1m30s" → 90). @param {string} duration
 */
export function durationSeconds(duration) {
  const units = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+)(ms|s|m|h)/g))
    total += Number(amount) * units[/** @type {'ms'|'s'|'m'|'h'} */ (unit)];
  return total;
}

/**
 * The VUs of an arrival-rate scenario from two settings: `maxName` (the most VUs k6 may start,
 * default `maxDefault`) and `preName` (VUs started before the load, default `preDefault`). k6
 * refuses a scenario whose preAllocatedVUs exceed its maxVUs, so the pre-allocation is capped at
 * the maximum: every combination a user passes is valid.
 * @param {string | null} preName @param {number} preDefault @param {string} maxName @param {number} maxDefault
 * @returns {{ preAllocatedVUs: number, maxVUs: number }}
 */
export function arrivalVUs(preName, preDefault, maxName, maxDefault) {
  const maxVUs = wholeNumberEnv(maxName, maxDefault);
  const pre = preName ? wholeNumberEnv(preName, preDefault) : preDefault;
  return { preAllocatedVUs: Math.min(pre, maxVUs), maxVUs };
}

/**
 * A whole number ≥ 1 from __ENV, or the default; stops the run otherwise.
 * @param {string} name @param {number} fallback
 */
export function wholeNumberEnv(name, fallback) {
  const value = numberEnv(name, fallback);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number ≥ 1, got "${value}"`);
  return value;
}

/**
 * The most VUs a script's scenarios can hold at once, summed over all of them. k6 numbers VUs
 * across every scenario of a run (1 to this total, in no fixed order), so a VU's number is unique
 * in the run but says nothing about which scenario it serves.
 * @param {Record<string, { vus?: number, maxVUs?: number, preAllocatedVUs?: number }>} scenarios
 */
export function totalVUs(scenarios) {
  let total = 0;
  for (const name of Object.keys(scenarios)) {
    const scenario = scenarios[name];
    total += scenario.maxVUs || scenario.vus || scenario.preAllocatedVUs || 1;
  }
  return total;
}
