// `k6/http`: blocking HTTP requests with k6's built-in metrics (http_reqs, http_req_duration,
// http_req_failed: a status of 0 or >= 400 is a failure, k6's default expected_response).
import { seconds } from '../duration.mjs';
import { blockingIo, emit } from '../vu-runtime.mjs';

/** @typedef {{ headers?: Record<string, string>, tags?: Record<string, string>, timeout?: string | number }} Params */

/** Request timeout in ms: k6's `timeout` param is a duration ("60s") or milliseconds; default 60 s. @param {string | number | undefined} timeout */
function timeoutMs(timeout) {
  if (timeout === undefined) return 60_000;
  if (typeof timeout === 'number') return timeout;
  return seconds(timeout) * 1000 || 60_000;
}

/**
 * One request. Bodies are strings (the scripts send JSON); k6's form encoding of objects is not
 * implemented. @param {string} method @param {string} url @param {string | null | undefined} body @param {Params} [params]
 */
export function request(method, url, body, params = {}) {
  if (body !== null && body !== undefined && typeof body !== 'string')
    throw new Error('the Node runner sends string bodies only');
  const result = blockingIo({
    op: 'http',
    method,
    url,
    body: body ?? undefined,
    headers: params.headers ?? {},
    timeoutMs: timeoutMs(params.timeout),
  });
  const tags = { name: url, method, status: String(result.status), ...(params.tags ?? {}) };
  emit('http_reqs', 'counter', 1, tags);
  emit('http_req_duration', 'trend', result.durationMs, tags, 'time');
  emit('http_req_failed', 'rate', result.status === 0 || result.status >= 400 ? 1 : 0, tags);
  return {
    url,
    status: result.status,
    body: result.body,
    headers: result.headers,
    error: result.error,
    error_code: result.status === 0 ? 1000 : 0,
    timings: { duration: result.durationMs },
    /** The body parsed as JSON (throws when it is not JSON, as k6 does). */
    json() {
      return JSON.parse(result.body ?? '');
    },
  };
}

/** @param {string} url @param {string | null} [body] @param {Params} [params] */
export const post = (url, body, params) => request('POST', url, body, params);
/** @param {string} url @param {Params} [params] */
export const get = (url, params) => request('GET', url, null, params);

export default { request, post, get };
