// What the k6 modules of one VU thread share: the blocking I/O function and the metric samples
// collected during the current iteration, handed to the runner when the iteration ends.
import { createSyncFn } from 'synckit';

/** @typedef {'counter' | 'trend' | 'rate' | 'gauge'} MetricType */
/** @typedef {{ metric: string, type: MetricType, contains: 'default' | 'time', value: number, tags: Record<string, string> }} Sample */

/** @type {Sample[]} */
let samples = [];

/**
 * Records one sample of a metric (built-in or custom).
 * @param {string} metric @param {MetricType} type @param {number} value
 * @param {Record<string, string>} [tags] @param {'default' | 'time'} [contains]
 */
export function emit(metric, type, value, tags = {}, contains = 'default') {
  samples.push({ metric, type, contains, value, tags });
}

/** The samples recorded since the previous call. */
export function takeSamples() {
  const taken = samples;
  samples = [];
  return taken;
}

/** Blocking call into ./io-worker.mjs (one I/O worker per VU thread, started on first use). */
let io = /** @type {((request: any) => any) | null} */ (null);
/** @param {any} request */
export function blockingIo(request) {
  io ??= createSyncFn(new URL('./io-worker.mjs', import.meta.url).href);
  return io(request);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the VU thread for `ms` milliseconds (k6's sleep; nothing else runs in a VU meanwhile). */
export function blockFor(/** @type {number} */ ms) {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}
