import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';

/** One sample line: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A scrape of `/metrics`, parsed by a Prometheus text-format library. */
export interface Scrape {
  text: string;
  /** Families with their declared types (histogram series are not reliable here, see `samples`). */
  families: PrometheusFamily[];
  /** Every sample line, histogram `_bucket`/`_sum`/`_count` lines included, with its labels. */
  samples: Sample[];
}

/**
 * Parses the exposition. parse-prometheus-text-format 1.1.1 merges the series of a histogram
 * that has labels (it keeps one bucket set and drops labels, count and sum), so the samples are
 * taken from a second parse without the `# TYPE … histogram` lines, where each line is a plain
 * untyped sample.
 */
export function parseExposition(text: string): Scrape {
  const families = parsePrometheusTextFormat(text);
  const untypedHistograms = text
    .split('\n')
    .filter((line) => !/^# TYPE \S+ histogram$/.test(line))
    .join('\n');
  const samples = parsePrometheusTextFormat(untypedHistograms).flatMap((f) =>
    f.metrics
      .filter((m) => m.value !== undefined)
      .map((m) => ({ name: f.name, labels: m.labels ?? {}, value: Number(m.value) })),
  );
  return { text, families, samples };
}

/** GETs a metrics URL and parses it; fails unless it answers 200 in Prometheus text format. */
export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  if (!response.headers.get('content-type')?.startsWith('text/plain'))
    throw new Error('not the Prometheus text format');
  return parseExposition(await response.text());
}

/** `name{a="x",b="y"}` with labels sorted, the key under which series are compared. */
export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return `${name}{${pairs.join(',')}}`;
}

/**
 * Every counter series, and every histogram's `_count` series, of the families whose name
 * starts with `prefix`, as key → value.
 */
export function counterSeries(s: Scrape, prefix: string): Map<string, number> {
  const names = new Set(
    s.families
      .filter((f) => f.name.startsWith(prefix))
      .flatMap((f) => (f.type === 'COUNTER' ? [f.name] : f.type === 'HISTOGRAM' ? [`${f.name}_count`] : [])),
  );
  return new Map(
    s.samples
      .filter((sample) => names.has(sample.name))
      .map((sample) => [seriesKey(sample.name, sample.labels), sample.value]),
  );
}

/** Series whose value changed between two scrapes, with the increment (after − before). */
export function increments(before: Scrape, after: Scrape, prefix: string): Record<string, number> {
  const was = counterSeries(before, prefix);
  const changed: Record<string, number> = {};
  for (const [key, value] of counterSeries(after, prefix)) {
    const delta = value - (was.get(key) ?? 0);
    if (delta !== 0) changed[key] = delta;
  }
  return changed;
}

/** The value of one gauge or counter series (labels must match exactly); undefined when absent. */
export function sampleValue(
  s: Scrape,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const key = seriesKey(name, labels);
  return s.samples.find((sample) => seriesKey(sample.name, sample.labels) === key)?.value;
}

/** Number of sample lines per sample name starting with `prefix` (one per series). */
export function seriesCounts(s: Scrape, prefix: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sample of s.samples)
    if (sample.name.startsWith(prefix)) counts[sample.name] = (counts[sample.name] ?? 0) + 1;
  return counts;
}

/** Every label value of every sample in the scrape. */
export function labelValues(s: Scrape): Set<string> {
  return new Set(s.samples.flatMap((sample) => Object.values(sample.labels)));
}
