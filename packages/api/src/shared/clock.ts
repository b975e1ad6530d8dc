/**
 * The source of "now" for every rule that depends on time (enrollment dates, check-ins,
 * certificate validity). Injected so tests and the demo simulation can move time.
 */
export interface Clock {
  /** The current instant (UTC; a `Date` has no time zone). */
  now(): Date;
}

/**
 * Seconds in one day. Every day-based rule here (certificate validity, the lifecycle policy's
 * windows and removal delay) counts a day as exactly 86,400 s: X.509 times are UTC and ignore
 * leap seconds, and a fixed length lets every rule be reproduced without a calendar.
 */
export const SECONDS_PER_DAY = 86_400;
/** {@link SECONDS_PER_DAY} in milliseconds, for `Date` arithmetic. */
export const DAY_MS = SECONDS_PER_DAY * 1000;
/** One hour in milliseconds, for `Date` arithmetic. */
export const HOUR_MS = 3_600_000;

/** Wall-clock time of this machine. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests. Starts at `start` (default: the real now). */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** Sets the clock to `instant`. */
  set(instant: Date): void {
    this.current = instant.getTime();
  }
}

/**
 * A clock for demos that runs `speed` times faster than real time from the moment it is created
 * (CLOCK_SPEED): with 1440, a certificate's year of validity passes in about six hours, so the
 * lifecycle sweeper's expiring/expired/removed transitions can be watched live.
 */
export class SimulatedClock implements Clock {
  private readonly realStart = Date.now();

  /** @param speed simulated milliseconds per real millisecond (>= 1) */
  constructor(
    private readonly speed: number,
    private readonly start: Date = new Date(),
  ) {}

  now(): Date {
    return new Date(this.start.getTime() + (Date.now() - this.realStart) * this.speed);
  }
}

/**
 * A clock frozen at `at` (copied, so later changes to the argument have no effect); for
 * reproducible timestamps in pure tests and load generators.
 */
export function fixedClock(at: Date): Clock {
  const ms = at.getTime();
  return { now: () => new Date(ms) };
}
