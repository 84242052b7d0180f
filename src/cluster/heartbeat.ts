/**
 * Heartbeats: how the primary tells a hung worker (its event loop blocked) from a ready one.
 *
 * The runtime's report timer is the heartbeat (src/runtime/report.ts): a report, or a bare
 * `heartbeat` message when reports are off, every {@link HEARTBEAT_INTERVAL_MS}. A blocked event
 * loop fires no timer, so the messages stop. The watch below keeps, per ready worker, the time of
 * its last message and one timer: a message only records the time; when the timer fires it
 * re-arms for what is left of the timeout since that last message, or, the whole timeout gone
 * silent, reports `heartbeat_timeout` and the pool moves the worker to `unresponsive` — through
 * the lifecycle's one writer — and the supervisor replaces it. A worker beating every second with
 * a 3 s timeout costs one timer every ~2 s instead of a cancel and a new timer per message.
 */
import type { Clock, TimerHandle } from './worker-state.js';

/** How often the runtime sends a heartbeat (ms): its report interval. */
export const HEARTBEAT_INTERVAL_MS = 1000;

/** Quiet heartbeats per heartbeat_timeout: a loop late by up to ¾ of it is not taken for hung. */
const QUIET_BEATS_PER_TIMEOUT = 4;
/** A quiet worker of an app whose heartbeat_timeout is 0 (never) still beats this often (ms). */
const QUIET_HEARTBEAT_MAX_MS = 60_000;

/**
 * How often a quiet worker (src/runtime/quiet.ts: idle, its last report still true) sends a
 * heartbeat: a quarter of `timeoutMs` (2.5 s for the default 10 s), never under the report
 * interval, at most a minute. A hung worker is still seen `timeoutMs` after its last beat; the
 * longer the period, the longer V8 takes to optimize the heartbeat's code (bench/RESULTS.md 30).
 */
export function quietHeartbeatIntervalMs(timeoutMs: number): number {
  if (!(timeoutMs > 0)) return QUIET_HEARTBEAT_MAX_MS;
  return Math.min(QUIET_HEARTBEAT_MAX_MS, Math.max(HEARTBEAT_INTERVAL_MS, Math.floor(timeoutMs / QUIET_BEATS_PER_TIMEOUT)));
}

interface Watched {
  /** When the last heartbeat arrived (clock ms). */
  lastBeat: number;
  timeoutMs: number;
  /** When the armed timer is due (clock ms). */
  due: number;
  timer: TimerHandle;
}

export class HeartbeatWatch {
  private readonly watched = new Map<number, Watched>();

  constructor(
    private readonly clock: Clock,
    /** `workerId` sent nothing for its timeout. Called once per silence. */
    private readonly onSilent: (workerId: number, silentMs: number) => void,
  ) {}

  /** A heartbeat arrived (or the watch starts): the worker has `timeoutMs` until the next one; 0 never times out. */
  beat(workerId: number, timeoutMs: number): void {
    if (!(timeoutMs > 0)) {
      this.stop(workerId);
      return;
    }
    const now = this.clock.now();
    const entry = this.watched.get(workerId);
    if (entry === undefined) {
      this.watched.set(workerId, { lastBeat: now, timeoutMs, due: now + timeoutMs, timer: this.arm(workerId, timeoutMs) });
      return;
    }
    entry.lastBeat = now;
    entry.timeoutMs = timeoutMs;
    // A shorter timeout than the armed timer's: arm for the earlier deadline (rare: a reload).
    if (now + timeoutMs < entry.due) this.rearm(workerId, entry, timeoutMs);
  }

  /** Stops watching (the worker left `ready`/`unresponsive`). */
  stop(workerId: number): void {
    const entry = this.watched.get(workerId);
    if (entry === undefined) return;
    this.clock.clearTimer(entry.timer);
    this.watched.delete(workerId);
  }

  /** Whether the worker is watched now (for tests). */
  watching(workerId: number): boolean {
    return this.watched.has(workerId);
  }

  private arm(workerId: number, ms: number): TimerHandle {
    return this.clock.setTimer(() => this.fired(workerId), ms);
  }

  private rearm(workerId: number, entry: Watched, ms: number): void {
    this.clock.clearTimer(entry.timer);
    entry.due = this.clock.now() + ms;
    entry.timer = this.arm(workerId, ms);
  }

  private fired(workerId: number): void {
    const entry = this.watched.get(workerId);
    if (entry === undefined) return;
    const left = entry.lastBeat + entry.timeoutMs - this.clock.now();
    if (left > 0) {
      entry.due = this.clock.now() + left;
      entry.timer = this.arm(workerId, left);
      return;
    }
    this.watched.delete(workerId);
    this.onSilent(workerId, entry.timeoutMs);
  }
}
