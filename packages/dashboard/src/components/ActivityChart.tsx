import { useEffect, useRef } from 'react';

/** One point of the chart: a minute and its counts. */
export interface ActivityPoint {
  minute: string;
  enrollments: number;
  checkIns: number;
}

/**
 * Enrollments and check-ins per minute, drawn with uPlot. The library is loaded on first use,
 * so it stays out of the first-load bundle.
 */
export function ActivityChart({ points }: { points: readonly ActivityPoint[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let cancelled = false;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (cancelled || !host.current) return;
      const width = Math.max(280, host.current.clientWidth);
      chart = new UPlot(
        {
          width,
          height: 220,
          scales: { x: { time: true } },
          // Times on the axis in UTC, like every other time the dashboard shows.
          tzDate: (ts: number) => UPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
          series: [
            {},
            { label: 'Enrollments', stroke: '#1a7f37', width: 2 },
            { label: 'Check-ins', stroke: '#0b5cad', width: 2 },
          ],
          axes: [{}, { label: 'per minute' }],
        },
        [
          points.map((p) => new Date(p.minute).getTime() / 1000),
          points.map((p) => p.enrollments),
          points.map((p) => p.checkIns),
        ],
        host.current,
      );
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [points]);
  return (
    <div
      ref={host}
      className="chart"
      role="img"
      aria-label="Enrollments and check-ins per minute over the last hour"
      data-testid="activity-chart"
    />
  );
}
