import { describe, expect, it } from 'vitest';
import { ManualClock, SimulatedClock } from './clock.js';

describe('clocks', () => {
  it('a simulated clock starts at its start instant and never runs slower than real time times its speed', () => {
    const start = new Date('2030-01-01T00:00:00.000Z');
    const before = Date.now();
    const clock = new SimulatedClock(1440, start);
    const first = clock.now().getTime();
    let spin = 0;
    while (Date.now() < before + 5) spin++; // let at least 5 real ms pass, without a timer
    const elapsedReal = Date.now() - before;
    const simulated = clock.now().getTime() - start.getTime();
    expect(first).toBeGreaterThanOrEqual(start.getTime());
    expect(simulated).toBeGreaterThanOrEqual((elapsedReal - 5) * 1440);
    expect(simulated).toBeLessThanOrEqual(elapsedReal * 1440 + 1440);
    expect(spin).toBeGreaterThan(0);
  });

  it('a manual clock moves only when told', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00.000Z'));
    clock.advance(86_400_000);
    expect(clock.now().toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });
});
