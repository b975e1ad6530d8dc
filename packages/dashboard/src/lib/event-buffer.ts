/** Schedules a callback before the next repaint; `requestAnimationFrame` in the browser. */
export type FrameScheduler = (callback: () => void) => void;

/**
 * A bounded buffer of live events that renders at most once per animation frame: pushes are
 * collected and applied together, so 500 events/s cost ~60 renders/s, not 500. Newest first;
 * when full, the oldest events are dropped. While paused, events keep arriving into the buffer
 * but listeners are not told until it resumes. Pending events are bounded too: in a background
 * tab no frame runs, and the buffer keeps only the newest `capacity` of them.
 */
export class EventBuffer<T> {
  private items: readonly T[] = [];
  private pending: T[] = [];
  private scheduled = false;
  private paused = false;
  private readonly listeners = new Set<() => void>();
  /** Events received but not yet applied (waiting for a frame). */
  get pendingCount(): number {
    return this.pending.length;
  }
  /** Events dropped because the buffer was full, since creation. */
  dropped = 0;

  /**
   * @param capacity most events kept (default 500)
   * @param schedule frame scheduler (default `requestAnimationFrame`; tests pass their own)
   */
  constructor(
    readonly capacity = 500,
    private readonly schedule: FrameScheduler = (cb) => requestAnimationFrame(cb),
  ) {}

  push(item: T): void {
    this.pending.push(item);
    // Trimmed in halves, so a long hidden spell costs O(1) per event and holds at most 2 × capacity.
    if (this.pending.length >= 2 * this.capacity) {
      const excess = this.pending.length - this.capacity;
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
  }

  /** Applies pending events (newest first) and notifies listeners once. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const merged = [...this.pending.reverse(), ...this.items];
    this.pending = [];
    this.dropped += Math.max(0, merged.length - this.capacity);
    this.items = merged.slice(0, this.capacity);
    if (!this.paused) this.notify();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) this.notify();
  }

  isPaused(): boolean {
    return this.paused;
  }

  clear(): void {
    this.items = [];
    this.pending = [];
    this.notify();
  }

  /** For `useSyncExternalStore`: the same array until the next notified flush. */
  snapshot = (): readonly T[] => this.visible;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private visible: readonly T[] = [];

  private notify(): void {
    this.visible = this.items;
    for (const listener of this.listeners) listener();
  }
}
