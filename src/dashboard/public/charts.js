// The dashboard's small time-series charts: the last CHART_WINDOW_MS of one value, as inline SVG.

import { h, s } from './dom.js';

export const CHART_WINDOW_MS = 5 * 60_000;

/** One chart: `points` are `{t, v}`, oldest first; `floor` is the smallest scale shown. */
export function chart({ label, points, value, format, kind, floor }) {
  const W = 240;
  const H = 56;
  const nowMs = Date.now();
  const from = nowMs - CHART_WINDOW_MS;
  const shown = points.filter((p) => p.t >= from - 2000);
  const max = Math.max(floor, ...shown.map((p) => p.v)) * 1.15;
  const x = (t) => (((t - from) / CHART_WINDOW_MS) * W).toFixed(1);
  const y = (v) => (H - 2 - (v / max) * (H - 6)).toFixed(1);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: `chart chart-${kind}`, role: 'img', 'aria-label': `${label} over the last 5 minutes` });
  for (const f of [0.25, 0.5, 0.75]) svg.append(s('line', { x1: 0, x2: W, y1: (H * f).toFixed(1), y2: (H * f).toFixed(1), class: 'grid' }));
  if (shown.length > 1) {
    const line = shown.map((p) => `${x(p.t)},${y(p.v)}`).join(' ');
    svg.append(s('polygon', { points: `${x(shown[0].t)},${H} ${line} ${x(shown[shown.length - 1].t)},${H}`, class: 'area' }));
    svg.append(s('polyline', { points: line, class: 'line', 'vector-effect': 'non-scaling-stroke' }));
  }
  return h(
    'figure',
    { class: `metric metric-${kind}`, 'data-chart': kind, 'data-points': shown.length },
    h('figcaption', {}, h('span', { class: 'metric-label' }, label), h('span', { class: 'metric-value' }, format(value)), h('span', { class: 'metric-max', title: 'scale' }, `max ${format(max / 1.15)}`)),
    svg,
  );
}

/** An app's CPU, memory and request-rate series from its history points. */
export function appSeries(points) {
  return {
    cpu: points.map((p) => ({ t: p.at_ms, v: p.cpu_percent })),
    mem: points.map((p) => ({ t: p.at_ms, v: p.rss_bytes })),
    rps: points.map((p) => ({ t: p.at_ms, v: p.requests_per_sec })),
  };
}
