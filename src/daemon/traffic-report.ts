/**
 * The connection router's side of a canary by share, and what the router saw, for status and
 * /metrics (issue 11 items 2 and 5). Pure: traffic-wiring.ts applies and reads the router.
 *
 * The share of a canary is a fact of the canary hold (cluster/app-facts.ts, its one writer);
 * the daemon derives the router's weights from it after every operation event of the app.
 */
import type { AppStatusInfo, AppTrafficInfo, TrafficRevisionInfo } from '../protocol/index.js';
import type { Supervisor } from '../cluster/supervisor.js';
import type { SocketStats } from '../traffic/routed-socket.js';

/** A canary held with a share: `share` % of new connections to revision `canary`, the rest to `active`. */
export interface CanaryShare {
  active: number;
  canary: number;
  share: number;
}

/** The app's canary held with a share, read from its canary hold; null without one (or without a share). */
export function canaryShareOf(sup: Pick<Supervisor, 'canary' | 'activeRevision'> | undefined): CanaryShare | null {
  const hold = sup?.canary;
  if (!sup || !hold || hold.share === null) return null;
  return { active: sup.activeRevision, canary: hold.revision.number, share: hold.share };
}

/** An app's status with what the router saw of it (no `traffic` field when none of its listens is routed). */
export function withTraffic(app: AppStatusInfo, traffic: AppTrafficInfo | null): AppStatusInfo {
  return traffic === null ? app : { ...app, traffic };
}

/** The router's weights for an app (percent by revision), or null: by worker count. */
export function weightsOf(c: CanaryShare | null): ReadonlyMap<number, number> | null {
  if (c === null || c.active === c.canary) return null;
  return new Map([
    [c.canary, c.share],
    [c.active, 100 - c.share],
  ]);
}

/** A stable text of the weights, to apply them only when they change (a change resets the picker's scores). */
export function weightsKey(weights: ReadonlyMap<number, number> | null): string {
  return weights === null ? '' : [...weights].map(([r, w]) => `${r}:${w}`).join(',');
}

/** What the router saw of one app, summed over its sockets; null when none of its listens is routed. */
export function trafficReport(stats: readonly SocketStats[], weights: ReadonlyMap<number, number> | null): AppTrafficInfo | null {
  if (stats.length === 0) return null;
  const routed = new Map<number, number>();
  const out: AppTrafficInfo = { accepted: 0, queued: 0, dropped: 0, queue_wait: { count: 0, total_ms: 0, max_ms: 0 }, revisions: [] };
  for (const s of stats) {
    out.accepted += s.accepted;
    out.queued += s.queuedNow;
    out.dropped += s.dropped;
    out.queue_wait.count += s.waited.count;
    out.queue_wait.total_ms += s.waited.totalMs;
    out.queue_wait.max_ms = Math.max(out.queue_wait.max_ms, s.waited.maxMs);
    for (const [revision, n] of Object.entries(s.routedByRevision)) routed.set(Number(revision), (routed.get(Number(revision)) ?? 0) + n);
  }
  const revisions = new Set([...routed.keys(), ...(weights?.keys() ?? [])]);
  out.revisions = [...revisions]
    .sort((a, b) => a - b)
    .map((revision): TrafficRevisionInfo => ({ revision, share: weights?.get(revision) ?? null, routed: routed.get(revision) ?? 0 }));
  return out;
}
