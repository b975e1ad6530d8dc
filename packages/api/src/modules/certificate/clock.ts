/**
 * A source of "now". Every time-dependent decision in the certificate module takes
 * either a `now: Date` argument or one of these, so that tests (and replays) can pin
 * time exactly and boundary behaviour (expiry at notAfter, skew windows) is deterministic.
 */
export interface Clock {
  /** The current instant. Implementations must return a fresh Date each call. */
  now(): Date;
}

/**
 * The wall clock. This is the only place in the module that reads system time; the
 * server wires it in at the edge and everything below receives plain Dates.
 */
export const systemClock: Clock = {
  now: () => new Date(),
};

/**
 * A clock frozen at `at` (copied, so later mutation of the argument has no effect).
 * Why: tests and load generators need reproducible timestamps without mocking globals.
 */
export function fixedClock(at: Date): Clock {
  const ms = at.getTime();
  return { now: () => new Date(ms) };
}
