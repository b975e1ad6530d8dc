// `k6/metrics`: custom metrics whose samples the runner aggregates like k6 (count, rate, trend
// percentiles, last gauge value).
import { emit } from '../vu-runtime.mjs';

/** @param {import('../vu-runtime.mjs').MetricType} type */
const metricClass = (type) =>
  class {
    /** @param {string} name @param {boolean} [isTime] whether values are milliseconds (k6 "time") */
    constructor(name, isTime = false) {
      this.name = name;
      this.isTime = isTime;
    }
    /** @param {number | boolean} value @param {Record<string, string>} [tags] */
    add(value, tags = {}) {
      emit(this.name, type, Number(value), tags, this.isTime ? 'time' : 'default');
    }
  };

export const Counter = metricClass('counter');
export const Trend = metricClass('trend');
export const Rate = metricClass('rate');
export const Gauge = metricClass('gauge');
export default { Counter, Trend, Rate, Gauge };
