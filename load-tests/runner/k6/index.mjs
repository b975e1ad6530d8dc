// `k6`: check, fail, group, sleep, with k6's semantics (checks are a Rate metric tagged by name).
import { blockFor, emit } from '../vu-runtime.mjs';

/**
 * Runs each named predicate on `value`, records one `checks` sample per predicate (1 when it
 * held), and returns whether all held. A predicate that throws counts as failed, as in k6.
 * @param {unknown} value @param {Record<string, (value: any) => unknown>} sets @param {Record<string, string>} [tags]
 */
export function check(value, sets, tags = {}) {
  let all = true;
  for (const [name, predicate] of Object.entries(sets)) {
    let ok = false;
    try {
      ok = Boolean(typeof predicate === 'function' ? predicate(value) : predicate);
    } catch {
      ok = false;
    }
    emit('checks', 'rate', ok ? 1 : 0, { ...tags, check: name });
    all &&= ok;
  }
  return all;
}

/** Aborts the current iteration (or setup) with `message`. @param {string} [message] */
export function fail(message = '') {
  throw new Error(message);
}

/** Runs `fn` (groups only tag metrics in k6; the runner does not report them). */
export function group(/** @type {string} */ _name, /** @type {() => unknown} */ fn) {
  return fn();
}

/** Blocks the VU for `seconds`. */
export function sleep(/** @type {number} */ seconds) {
  blockFor(seconds * 1000);
}

export default { check, fail, group, sleep };
