// Module resolution hooks of a VU thread: k6's built-in modules (`k6`, `k6/http`, ...) resolve to
// this runner's implementations in ./k6/; anything else resolves as Node resolves it.
const builtins = new Map([
  ['k6', 'k6/index.mjs'],
  ['k6/http', 'k6/http.mjs'],
  ['k6/ws', 'k6/ws.mjs'],
  ['k6/crypto', 'k6/crypto.mjs'],
  ['k6/metrics', 'k6/metrics.mjs'],
]);

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, next) {
  const file = builtins.get(specifier);
  if (file) return { url: new URL(file, import.meta.url).href, shortCircuit: true };
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    throw new Error(
      `${specifier} is not implemented by the Node runner (it implements ${[...builtins.keys()].join(', ')}); run the script with k6`,
    );
  }
  return next(specifier, context);
}
