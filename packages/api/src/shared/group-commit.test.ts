import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A batch runner whose batches complete when the test says so. */
function controlledRunner<I>() {
  const batches: { items: I[]; settle: (results: unknown[] | Error) => void }[] = [];
  const run = (items: I[]) =>
    new Promise<unknown[]>((resolve, reject) =>
      batches.push({ items, settle: (r) => (r instanceof Error ? reject(r) : resolve(r)) }),
    );
  return { batches, run };
}

/** Lets the settled batch's callbacks (which start the next batch) run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('starts a lone item at once and coalesces the items that arrive while batches are running', async () => {
    const { batches, run } = controlledRunner<number>();
    const queue = new GroupCommit<number, unknown>(run, { maxInFlight: 1 });
    const first = queue.submit(1);
    const rest = [2, 3, 4].map((n) => queue.submit(n));
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    expect(queue.waiting).toBe(3);
    batches[0]!.settle(['one']);
    expect(await first).toBe('one');
    await turn();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.settle(['two', 'three', 'four']);
    expect(await Promise.all(rest)).toEqual(['two', 'three', 'four']);
  });

  it('acknowledges nobody in a batch that failed', async () => {
    const { batches, run } = controlledRunner<number>();
    const queue = new GroupCommit<number, unknown>(run, { maxInFlight: 1 });
    queue.submit(0).catch(() => {});
    const failing = [1, 2].map((n) => queue.submit(n));
    batches[0]!.settle([null]);
    await turn();
    expect(batches[1]!.items).toEqual([1, 2]);
    batches[1]!.settle(new Error('commit failed'));
    const outcomes = await Promise.allSettled(failing);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });

  it('rejects only the item whose result is an Error, and splits batches at maxBatch', async () => {
    const { batches, run } = controlledRunner<number>();
    const queue = new GroupCommit<number, unknown>(run, { maxInFlight: 2, maxBatch: 2 });
    const submitted = [1, 2, 3, 4, 5].map((n) => queue.submit(n));
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[0]!.settle(['a']);
    batches[1]!.settle([new Error('b refused')]);
    const [a, b] = await Promise.allSettled(submitted.slice(0, 2));
    expect(a).toEqual({ status: 'fulfilled', value: 'a' });
    expect(b!.status).toBe('rejected');
    await turn();
    expect(batches.slice(2).map((x) => x.items)).toEqual([[3, 4], [5]]);
    batches[2]!.settle(['c', 'd']);
    batches[3]!.settle(['e']);
    expect(await Promise.all(submitted.slice(2))).toEqual(['c', 'd', 'e']);
  });
});
