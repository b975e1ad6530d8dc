// k6 durations ("1m30s", "500ms"), shared by the runner's scheduler and its k6/http timeouts.

/**
 * Seconds in a k6 duration ("1m30s" -> 90, "500ms" -> 0.5); a number is taken as seconds, and
 * undefined or a string without a duration as 0.
 * @param {string | number | undefined} duration
 */
export function seconds(duration) {
  if (duration === undefined) return 0;
  if (typeof duration === 'number') return duration;
  const units = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(amount) * units[/** @type {keyof typeof units} */ (unit)];
  return total;
}
