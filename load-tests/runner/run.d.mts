// Types of run.mjs for the TypeScript tests.
/** One threshold rule of the script and whether it held (`value` null when the metric had no samples). */
export interface ThresholdResult {
  metric: string;
  rule: string;
  ok: boolean;
  value: number | null;
}
/** What handleSummary receives: k6's end-of-test summary data. */
export interface SummaryData {
  metrics: Record<
    string,
    {
      type: string;
      contains: string;
      values: Record<string, number>;
      thresholds?: Record<string, { ok: boolean }>;
    }
  >;
  state: { testRunDurationMs: number; isStdOutTTY: boolean };
  options: unknown;
}
/** Runs a k6 script end to end (see run.mjs). */
export function runScript(
  scriptPath: string,
  options?: { env?: Record<string, string>; log?: (line: string) => void },
): Promise<{
  thresholds: ThresholdResult[];
  summary: SummaryData;
  iterationErrors: string[];
  passed: boolean;
  count(metric: string): number;
}>;
/** Seconds in a k6 duration. */
export function seconds(duration: string | number | undefined): number;
