/**
 * Heartbeats: how the primary tells a hung worker (its event loop blocked) from a ready one.
 *
 * The runtime's report timer is the heartbeat (src/runtime/report.ts): a report, or a bare
 * `heartbeat` message when reports are off, every {@link HEARTBEAT_INTERVAL_MS}. A blocked event
 * loop fires no timer, so the messages stop. The watch below re-arms one timer per ready worker
 * on each message; when it fires (`heartbeat_timeout` without one), the pool moves the worker to
 * `unresponsive` — through the lifecycle's one writer — and the supervisor replaces it.
 */
import type { Clock, TimerHandle } from './worker-state.js';

/** How often the runtime sends a heartbeat (ms): its report interval. */
export const HEARTBEAT_INTERVAL_MS = 1000;

export class HeartbeatWatch {
  private readonly timers = new Map<number, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    /** `workerId` sent nothing for its timeout. Called once per silence. */
    private readonly onSilent: (workerId: number, silentMs: number) => void,
  ) {}

  /** A heartbeat arrived (or the watch starts): the worker has `timeoutMs` until the next one; 0 never times out. */
  beat(workerId: number, timeoutMs: number): void {
    this.stop(workerId);
    if (!(timeoutMs > 0)) return;
    this.timers.set(
      workerId,
      this.clock.setTimer(() => {
        this.timers.delete(workerId);
        this.onSilent(workerId, timeoutMs);
      }, timeoutMs),
    );
  }

  /** Stops watching (the worker left `ready`/`unresponsive`). */
  stop(workerId: number): void {
    const timer = this.timers.get(workerId);
    if (timer === undefined) return;
    this.clock.clearTimer(timer);
    this.timers.delete(workerId);
  }

  /** Whether the worker is watched now (for tests). */
  watching(workerId: number): boolean {
    return this.timers.has(workerId);
  }
}
