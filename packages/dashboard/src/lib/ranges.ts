/** The chart's time ranges: how far back, and the bucket that keeps it to a few hundred points. */
export const RANGES = {
  '15m': { minutes: 15, bucket: 1, label: 'last 15 minutes', bucketLabel: 'minute' },
  '1h': { minutes: 60, bucket: 1, label: 'last hour', bucketLabel: 'minute' },
  '6h': { minutes: 360, bucket: 5, label: 'last 6 hours', bucketLabel: '5 minutes' },
  '24h': { minutes: 1_440, bucket: 15, label: 'last 24 hours', bucketLabel: '15 minutes' },
  '7d': { minutes: 10_080, bucket: 60, label: 'last 7 days', bucketLabel: 'hour' },
} as const;
export type RangeKey = keyof typeof RANGES;

/** The range named by `value` (from the URL), else the last hour. */
export function rangeOf(value: string | null): RangeKey {
  return value && value in RANGES ? (value as RangeKey) : '1h';
}

/** Failed attempts as a share of all enrollment attempts, e.g. "2.5 %"; "—" without attempts. */
export function failureRate(enrollments: number, failures: number): string {
  const attempts = enrollments + failures;
  if (attempts === 0) return '—';
  const percent = (failures / attempts) * 100;
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)} %`;
}
