import { RANGES, type RangeKey } from '../lib/ranges';

/** Chooses the chart's time range, 15 minutes to 7 days. */
export function RangePicker({ value, onChange }: { value: RangeKey; onChange: (range: RangeKey) => void }) {
  return (
    <label className="range-picker">
      Time range{' '}
      <select value={value} onChange={(e) => onChange(e.target.value as RangeKey)}>
        {Object.entries(RANGES).map(([key, range]) => (
          <option key={key} value={key}>
            {range.label}
          </option>
        ))}
      </select>
    </label>
  );
}
