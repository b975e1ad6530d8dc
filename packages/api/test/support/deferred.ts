/**
 * Collects the events of a subscription iterator so a test can wait for "the next N events"
 * (with a deadline) and assert counts, instead of sleeping.
 */
export class EventCollector<T> {
  readonly received: T[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  private done: Promise<void>;

  constructor(iterator: AsyncIterable<T>) {
    this.done = (async () => {
      for await (const value of iterator) {
        this.received.push(value);
        this.waiters = this.waiters.filter((w) =>
          this.received.length >= w.count ? (w.resolve(), false) : true,
        );
      }
    })().catch(() => {});
  }

  /**
   * Resolves once `count` events have arrived in total; rejects after `timeoutMs` (generous: only
   * a failing test waits for it, and a busy 2-core machine running two test files at once is slow).
   */
  waitFor(count: number, timeoutMs = 20_000): Promise<T[]> {
    if (this.received.length >= count) return Promise.resolve(this.received.slice());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${count} events, got ${this.received.length}`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.received.slice());
        },
      });
    });
  }

  /**
   * Repeats `trigger` until the first event arrives: the server registers a subscription
   * asynchronously, so the first trigger may precede it. Returns the number of events then received.
   */
  async prime(trigger: () => Promise<unknown>, attempts = 50): Promise<number> {
    for (let i = 0; i < attempts; i++) {
      await trigger();
      try {
        await this.waitFor(1, 100);
        // Triggers that followed the first may have been delivered too, later (a busy machine):
        // let their events arrive now, so they are counted as priming and not taken for the
        // test's own events. Costs nothing when the first trigger was delivered.
        if (i > 0) await this.waitFor(i + 1, 1_000).catch(() => {});
        return this.received.length;
      } catch {
        // not registered yet; trigger again
      }
    }
    throw new Error('subscription never delivered an event');
  }
}
