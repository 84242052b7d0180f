/**
 * A revision's request outcomes in one line (issue 12): `1,234 req · 0.7% errors · p99 23.5ms`.
 * Shared by `hotctl status` and the dashboard (see numbers.ts: no Node API).
 */
import type { RevisionOutcomesInfo } from '../protocol/status.js';
import { formatCount } from './numbers.js';

/** `0.84ms`, `23.5ms`, `250ms`, `1.20s`: a response time. */
export function formatLatencyMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  const v = Math.max(0, ms);
  if (v < 10) return `${v.toFixed(2)}ms`;
  if (v < 100) return `${v.toFixed(1)}ms`;
  if (v < 1000) return `${Math.round(v)}ms`;
  return `${(v / 1000).toFixed(2)}s`;
}

/** `0%`, `0.05%`, `2.5%`, `25%`: an error rate (0–1) as a percentage. */
export function formatErrorRate(rate: number): string {
  const p = Math.max(0, rate) * 100;
  if (p === 0) return '0%';
  if (p < 1) return `${Number(p.toFixed(2))}%`;
  return p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

/** `1,234 req · 0.7% errors · p99 23.5ms` (no p99 without responses). */
export function formatOutcomes(o: Pick<RevisionOutcomesInfo, 'requests' | 'error_rate' | 'p99_ms'>): string {
  const p99 = o.p99_ms === null ? '' : ` · p99 ${formatLatencyMs(o.p99_ms)}`;
  return `${formatCount(o.requests)} req · ${formatErrorRate(o.error_rate)} errors${p99}`;
}
