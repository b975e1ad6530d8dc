/**
 * The source of "now" for every rule that depends on time (enrollment dates, check-ins,
 * certificate validity). Injected so tests and the demo simulation can move time.
 */
export interface Clock {
  /** The current instant (UTC; a `Date` has no time zone). */
  now(): Date;
}

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
