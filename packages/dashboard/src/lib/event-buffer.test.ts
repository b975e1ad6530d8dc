import { describe, expect, it } from 'vitest';
import { EventBuffer } from './event-buffer';

/** A frame scheduler the test runs by hand, standing in for requestAnimationFrame. */
function manualFrames() {
  const queue: (() => void)[] = [];
  return {
    schedule: (cb: () => void) => queue.push(cb),
    runFrame: () => queue.splice(0).forEach((cb) => cb()),
    queued: () => queue.length,
  };
}

describe('EventBuffer', () => {
  it('applies every push of a frame together and notifies listeners once per frame', () => {
    const frames = manualFrames();
    const buffer = new EventBuffer<number>(500, frames.schedule);
    let notifications = 0;
    buffer.subscribe(() => notifications++);
    for (let i = 0; i < 500; i++) buffer.push(i);
    expect(frames.queued()).toBe(1);
    expect(buffer.snapshot()).toEqual([]);
    frames.runFrame();
    expect(notifications).toBe(1);
    expect(buffer.snapshot()[0]).toBe(499);
    expect(buffer.snapshot()).toHaveLength(500);
  });

  it('keeps only the newest events up to its capacity and counts the dropped ones', () => {
    const frames = manualFrames();
    const buffer = new EventBuffer<number>(3, frames.schedule);
    [1, 2, 3, 4, 5].forEach((n) => buffer.push(n));
    frames.runFrame();
    expect(buffer.snapshot()).toEqual([5, 4, 3]);
    expect(buffer.dropped).toBe(2);
  });

  it('keeps collecting while paused and shows everything on resume', () => {
    const frames = manualFrames();
    const buffer = new EventBuffer<string>(10, frames.schedule);
    buffer.push('a');
    frames.runFrame();
    buffer.setPaused(true);
    buffer.push('b');
    frames.runFrame();
    expect(buffer.snapshot()).toEqual(['a']);
    buffer.setPaused(false);
    expect(buffer.snapshot()).toEqual(['b', 'a']);
  });

  it('returns the same snapshot object between flushes, as useSyncExternalStore requires', () => {
    const frames = manualFrames();
    const buffer = new EventBuffer<number>(10, frames.schedule);
    buffer.push(1);
    frames.runFrame();
    expect(buffer.snapshot()).toBe(buffer.snapshot());
  });

  it('holds at most twice its capacity while no frame runs (a background tab), keeping the newest', () => {
    const frames = manualFrames();
    const buffer = new EventBuffer<number>(100, frames.schedule);
    for (let i = 0; i < 100_000; i++) buffer.push(i);
    expect(buffer.pendingCount).toBeLessThan(200);
    frames.runFrame();
    expect(buffer.snapshot()).toHaveLength(100);
    expect(buffer.snapshot()[0]).toBe(99_999);
    expect(buffer.dropped).toBe(99_900);
  });
});
