// A stand-in for k6's built-in modules, so the scripts can be imported under Node to check their
// exported `options` (a static check: no request is ever sent; any call into k6 throws).
const notInK6 = (name: string) => () => {
  throw new Error(`${name} is k6's; the static check must not call it`);
};
export const check = notInK6('check');
export const fail = (message: string) => {
  throw new Error(message);
};
export const sleep = notInK6('sleep');
export default { check, fail, sleep };
