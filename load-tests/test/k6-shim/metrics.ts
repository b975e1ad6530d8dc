/** k6 custom metrics: recorded by name only (a static check never adds samples). */
class Metric {
  constructor(
    readonly name: string,
    readonly isTime = false,
  ) {}
  add(): void {
    throw new Error(`metric ${this.name} used outside k6`);
  }
}
export class Counter extends Metric {}
export class Trend extends Metric {}
export class Rate extends Metric {}
export class Gauge extends Metric {}
