// One VU: a thread with its own copy of the script (k6 gives every VU its own JS runtime), the
// k6 globals (__ENV, __VU, __ITER), and blocking calls into its I/O worker. The runner sends
// { type: 'call', fn, data } and gets { type: 'result', value?, error?, samples } back.
import { register } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

register('./loader-hooks.mjs', import.meta.url);
const { scriptUrl, env, vu } = /** @type {{ scriptUrl: string, env: Record<string, string>, vu: number }} */ (
  workerData
);
const globals = /** @type {Record<string, unknown>} */ (globalThis);
globals['__ENV'] = { ...env };
globals['__VU'] = vu;
globals['__ITER'] = 0;

const { takeSamples } = await import('./vu-runtime.mjs');
/** @type {Record<string, unknown>} */
let script;
try {
  script = await import(scriptUrl);
  parentPort?.postMessage({
    type: 'ready',
    options: JSON.parse(JSON.stringify(script['options'] ?? {})),
    exports: Object.keys(script),
  });
} catch (error) {
  parentPort?.postMessage({ type: 'ready', error: describe(error) });
  process.exit(0);
}

let iteration = 0;
parentPort?.on(
  'message',
  (/** @type {{ type: 'call', fn: string, data?: unknown, iteration?: boolean }} */ message) => {
    const fn = script[message.fn];
    if (message.iteration) globals['__ITER'] = iteration++;
    const started = Date.now();
    try {
      if (typeof fn !== 'function') throw new Error(`the script exports no function ${message.fn}`);
      const value = fn(message.data);
      parentPort?.postMessage({
        type: 'result',
        value: value === undefined ? undefined : JSON.parse(JSON.stringify(value)),
        durationMs: Date.now() - started,
        samples: takeSamples(),
      });
    } catch (error) {
      parentPort?.postMessage({
        type: 'result',
        error: describe(error),
        durationMs: Date.now() - started,
        samples: takeSamples(),
      });
    }
  },
);

/** @param {unknown} error */
function describe(error) {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
