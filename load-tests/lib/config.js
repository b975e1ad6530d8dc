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
