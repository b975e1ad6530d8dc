import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import { formatUtc } from '../lib/format';

/** One point of the chart: a bucket's start and its counts. */
export interface ActivityPoint {
  start: string;
  enrollments: number;
  checkIns: number;
  failures: number;
  /** The bucket holds now: its counts are still growing. */
  partial: boolean;
}

const SERIES = [
  { key: 'enrollments', label: 'Enrollments', stroke: '#1a7f37' },
  { key: 'checkIns', label: 'Check-ins', stroke: '#0b5cad' },
  { key: 'failures', label: 'Failed enrollments', stroke: '#a40e26' },
] as const;

const toData = (points: readonly ActivityPoint[]): uPlot.AlignedData => [
  points.map((p) => new Date(p.start).getTime() / 1000),
  ...SERIES.map((s) => points.map((p) => p[s.key])),
];

/**
 * Enrollments, check-ins and failed enrollments per bucket, drawn with uPlot, the bucket in
 * progress shaded and labelled "in progress" (its counts are still growing, so its drop is not
 * real). New data updates the existing chart in place. The library is loaded on first use, so
 * it stays out of the first-load bundle. A table of the same numbers follows for screen readers
 * and for reading exact values.
 */
export function ActivityChart({
  points,
  bucketLabel,
  rangeLabel,
}: {
  points: readonly ActivityPoint[];
  /** "minute", "5 minutes", "hour". */
  bucketLabel: string;
  /** "last hour", "last 7 days". */
  rangeLabel: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(points);
  latest.current = points;

  useEffect(() => {
    let cancelled = false;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (cancelled || !host.current) return;
      const shadePartial = (u: uPlot) => {
        const last = latest.current.at(-1);
        if (!last?.partial) return;
        const left = u.valToPos(new Date(last.start).getTime() / 1000, 'x', true);
        const { ctx, bbox } = u;
        ctx.save();
        ctx.fillStyle = 'rgba(140, 149, 159, 0.18)';
        ctx.fillRect(left, bbox.top, bbox.left + bbox.width - left, bbox.height);
        ctx.fillStyle = '#57606a';
        ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
        ctx.textAlign = 'right';
        ctx.fillText('in progress', bbox.left + bbox.width - 4, bbox.top + 14 * devicePixelRatio);
        ctx.restore();
      };
      chart.current = new UPlot(
        {
          width: Math.max(280, host.current.clientWidth),
          height: 260,
          scales: { x: { time: true } },
          // Times on the axis in UTC, like every other time the dashboard shows.
          tzDate: (ts: number) => UPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
          series: [{}, ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2 }))],
          axes: [{}, { label: `per ${bucketLabel}` }],
          hooks: { draw: [shadePartial] },
        },
        toData(latest.current),
        host.current,
      );
    });
    const resize = () => {
      if (chart.current && host.current)
        chart.current.setSize({ width: Math.max(280, host.current.clientWidth), height: 260 });
    };
    window.addEventListener('resize', resize);
    return () => {
      cancelled = true;
      window.removeEventListener('resize', resize);
      chart.current?.destroy();
      chart.current = null;
    };
  }, [bucketLabel]);

  useEffect(() => {
    chart.current?.setData(toData(points));
  }, [points]);

  const last = points.at(-1);
  return (
    <figure className="chart-figure">
      <div
        ref={host}
        className="chart"
        role="img"
        aria-label={`Enrollments, check-ins and failed enrollments per ${bucketLabel}, ${rangeLabel}; the table below has the numbers.`}
        data-testid="activity-chart"
        data-points={points.length}
        data-last-start={last?.start}
        data-last-values={last ? `${last.enrollments}/${last.checkIns}/${last.failures}` : undefined}
      />
      <figcaption className="muted">
        Per {bucketLabel} (UTC), {rangeLabel}. The shaded bucket is still in progress.
      </figcaption>
      <details>
        <summary>Show the numbers as a table</summary>
        <div className="table-wrap chart-table">
          <table data-testid="activity-table">
            <caption className="visually-hidden">Activity per {bucketLabel}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Start (UTC)</th>
                {SERIES.map((s) => (
                  <th key={s.key} scope="col">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...points]
                .reverse()
                .filter((p) => p.enrollments + p.checkIns + p.failures > 0 || p.partial)
                .map((p) => (
                  <tr key={p.start}>
                    <td>
                      {formatUtc(p.start)}
                      {p.partial ? ' (in progress)' : ''}
                    </td>
                    <td>{p.enrollments}</td>
                    <td>{p.checkIns}</td>
                    <td>{p.failures}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
