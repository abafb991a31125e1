import { RATE_POINTS } from '../../admin/dashboardPoller';

/** A tiny line chart of recent values, the newest at the right edge. */
export function Sparkline({ values, label }: { values: readonly number[]; label: string }) {
  const w = 320;
  const h = 80;
  const max = Math.max(1, ...values);
  const step = w / Math.max(1, RATE_POINTS - 1);
  const offset = RATE_POINTS - values.length;
  const pts = values.map((v, i) => `${((offset + i) * step).toFixed(1)},${(h - (v / max) * (h - 6) - 3).toFixed(1)}`).join(' ');
  return (
    <div className="chart">
      <span className="chart-label" aria-hidden="true">
        {max.toFixed(max < 10 ? 1 : 0)}
      </span>
      <svg className="sparkline" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} preserveAspectRatio="none">
        <line x1="0" y1={h - 3} x2={w} y2={h - 3} className="axis" />
        <line x1="0" y1="3" x2={w} y2="3" className="axis" strokeDasharray="4 4" />
        {values.length > 1 && <polyline points={pts} fill="none" className="line" />}
      </svg>
    </div>
  );
}
