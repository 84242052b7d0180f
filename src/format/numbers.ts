/**
 * Numbers as people read them: memory, CPU, request rates and counts. Shared by the CLI
 * (`hotctl status`, `hotctl monit`) and the dashboard, which loads the compiled module in the
 * browser: no Node API here, and no import but `../protocol/`. A missing value (null: no report
 * yet) reads {@link MISSING}.
 */

/** What a value that is not there (yet) reads. */
export const MISSING = '-';

/** `512B`, `48.2MB`, `1.50GB` (powers of 1024, as `ps` and PM2 show memory). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return MISSING;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  // 1023.96KB would print as 1024.0KB: move up a unit when rounding reaches it.
  const digits = i === 0 ? 0 : value < 10 ? 2 : 1;
  if (i < units.length - 1 && Number(value.toFixed(digits)) >= 1024) return `${(value / 1024).toFixed(2)}${units[i + 1]}`;
  return `${value.toFixed(digits)}${units[i]}`;
}

/** `0%`, `3.4%`, `12%`, `180%` (% of one core: above 100 on several cores). */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return MISSING;
  const p = Math.max(0, percent);
  if (p === 0) return '0%';
  return p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

/** `0/s`, `0.4/s`, `12.5/s`, `850/s`, `12.3k/s`: a request rate. */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return MISSING;
  const r = Math.max(0, perSecond);
  if (r === 0) return '0/s';
  if (r < 100) return `${Number(r.toFixed(1))}/s`;
  if (r < 10_000) return `${Math.round(r)}/s`;
  return `${(r / 1000).toFixed(1)}k/s`;
}

/** `1,234,567`: a count, with thousands separators (the same in every locale). */
export function formatCount(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count)) return MISSING;
  return String(Math.round(count)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
