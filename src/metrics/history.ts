/**
 * The last minutes of each app's CPU, memory and request rate, so the dashboard can draw its
 * charts on first paint instead of starting empty. Fed from metrics ticks; one fixed-size ring
 * buffer per app, so memory stays bounded however long the daemon runs.
 */
import type { MetricsEvent } from '../protocol/index.js';

/** One point of an app's history. */
export interface HistoryPoint {
  /** When the tick was taken (ms since epoch). */
  at_ms: number;
  cpu_percent: number;
  rss_bytes: number;
  requests_per_sec: number;
}

export interface MetricsHistoryOptions {
  /** How far back to keep points (default 10 minutes). */
  windowMs?: number;
  /** Points per app at most (default: one per second over the window). */
  capacity?: number;
}

export const DEFAULT_HISTORY_WINDOW_MS = 10 * 60_000;

/** A fixed-size ring of points, oldest overwritten first. */
class Ring {
  private readonly items: HistoryPoint[] = [];
  private head = 0;

  constructor(private readonly capacity: number) {}

  push(point: HistoryPoint): void {
    if (this.items.length < this.capacity) this.items.push(point);
    else {
      this.items[this.head] = point;
      this.head = (this.head + 1) % this.capacity;
    }
  }

  /** Oldest first. */
  toArray(): HistoryPoint[] {
    return [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }

  newest(): HistoryPoint | undefined {
    if (this.items.length === 0) return undefined;
    return this.items[(this.head + this.items.length - 1) % this.items.length];
  }
}

export class MetricsHistory {
  private readonly windowMs: number;
  private readonly capacity: number;
  private readonly rings = new Map<string, Ring>();

  constructor(options: MetricsHistoryOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_HISTORY_WINDOW_MS;
    this.capacity = options.capacity ?? Math.ceil(this.windowMs / 1000);
    if (!(this.capacity >= 1)) throw new RangeError(`capacity must be >= 1, got ${this.capacity}`);
  }

  /** Adds one point per app of the tick; `atMs`: the tick's time in ms, when the caller has it (not parsed again from `at`). */
  record(event: MetricsEvent, atMs = Date.parse(event.at)): void {
    for (const app of event.apps) {
      let ring = this.rings.get(app.app);
      if (!ring) this.rings.set(app.app, (ring = new Ring(this.capacity)));
      ring.push({ at_ms: atMs, cpu_percent: app.cpu_percent, rss_bytes: app.rss_bytes, requests_per_sec: app.requests_per_sec });
    }
  }

  /**
   * Per app, its points of the window that ends at the newest point recorded (oldest first). An
   * app whose newest point left the window (it was deleted long ago) is forgotten.
   */
  history(): Record<string, HistoryPoint[]> {
    let newestMs = -Infinity;
    for (const ring of this.rings.values()) newestMs = Math.max(newestMs, ring.newest()?.at_ms ?? -Infinity);
    const out: Record<string, HistoryPoint[]> = {};
    for (const [app, ring] of this.rings) {
      const points = ring.toArray().filter((p) => p.at_ms > newestMs - this.windowMs);
      if (points.length === 0) this.rings.delete(app);
      else out[app] = points;
    }
    return out;
  }
}
