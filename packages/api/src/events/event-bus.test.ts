import { describe, expect, it } from 'vitest';
import { createEventBus, SUBSCRIBER_BUFFER } from './event-bus.js';
import { Topic, type PendingEvent } from './topics.js';

const event = (n: number): PendingEvent => ({
  topic: Topic.ImportCompleted,
  payload: {
    importId: String(n),
    kind: 'CORPORATE_IDENTIFIERS',
    fileName: 'f.csv',
    rowCount: n,
    newCount: n,
    unchangedCount: 0,
    overwrittenCount: 0,
    conflictingCount: 0,
    deletedCount: 0,
    rejectedRowCount: 0,
    completedAt: '2026-01-01T00:00:00.000Z',
  },
});

describe('the in-process event bus', () => {
  it("delivers a batch far larger than the pub/sub library's 1,024 pending limit, in order, without throwing", async () => {
    const bus = await createEventBus();
    const iterator = bus.pubSub.subscribe(Topic.ImportCompleted)[Symbol.asyncIterator]();
    const first = iterator.next(); // registers the listener
    const count = 5_000;
    const published = bus.publishCommitted(Array.from({ length: count }, (_, i) => event(i)));
    const received: string[] = [String(((await first).value as { importId: string }).importId)];
    while (received.length < count)
      received.push(((await iterator.next()).value as { importId: string }).importId);
    await published;
    expect(received).toEqual(Array.from({ length: count }, (_, i) => String(i)));
    await iterator.return?.();
  });

  it('drops the newest events of a subscriber that lags by more than its buffer instead of failing', async () => {
    const bus = await createEventBus();
    const iterator = bus.pubSub.subscribe(Topic.ImportCompleted)[Symbol.asyncIterator]();
    const first = iterator.next();
    // Published synchronously in one go (no yield): the consumer cannot run in between.
    for (let i = 0; i < SUBSCRIBER_BUFFER + 100; i++)
      (bus.pubSub.publish as (t: string, p: unknown) => void)(Topic.ImportCompleted, event(i).payload);
    expect(((await first).value as { importId: string }).importId).toBe('0');
    await iterator.return?.();
  });
});
