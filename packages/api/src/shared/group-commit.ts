/**
 * Group commit: concurrent callers' items are coalesced into batches, each handled by one call of
 * `run` (one set-based SQL statement instead of one round trip, one socket write and one commit
 * per item). Nothing waits on a timer: an item submitted while fewer than `maxInFlight` batches
 * are running starts a batch at once (alone, if the gateway is idle, so a lone request pays no
 * extra latency); items submitted while all are running queue up and leave together, up to
 * `maxBatch` per batch, when the next batch slot frees. Under load, batches grow by themselves to
 * the number of requests that arrived during one round trip.
 *
 * A caller's promise settles only when its batch has: with `run` a committing statement, a
 * caller is acknowledged only once its item is durable, and a failed batch rejects every caller
 * in it (nobody is acknowledged). `run` returns one result per item, in order; an `Error` in
 * that array rejects only that item's caller.
 */
export class GroupCommit<I, R> {
  private queue: { item: I; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;

  /**
   * @param run handles one batch; its array holds one result (or Error) per item, in order
   * @param options `maxBatch`: items per batch (default 256, bounds statement size);
   *   `maxInFlight`: batches running at once (default 2; each holds one pool connection)
   */
  constructor(
    private readonly run: (items: I[]) => Promise<(R | Error)[]>,
    private readonly options: { maxBatch?: number; maxInFlight?: number } = {},
  ) {}

  /** Queues `item`; settles with its result once its batch has completed. */
  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.drain();
    });
  }

  /** Items waiting for a batch slot (for tests and metrics). */
  get waiting(): number {
    return this.queue.length;
  }

  private drain(): void {
    const maxInFlight = this.options.maxInFlight ?? 2;
    const maxBatch = this.options.maxBatch ?? 256;
    while (this.inFlight < maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, maxBatch);
      this.inFlight++;
      let pending: Promise<(R | Error)[]>;
      try {
        pending = this.run(batch.map((b) => b.item));
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending
        .then(
          (results) => {
            batch.forEach((b, i) => {
              const result = results[i];
              if (result instanceof Error) b.reject(result);
              else if (i >= results.length)
                b.reject(new Error(`group commit: no result for item ${i} of ${batch.length}`));
              else b.resolve(result as R);
            });
          },
          (error: unknown) => {
            for (const b of batch) b.reject(error);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }
}
