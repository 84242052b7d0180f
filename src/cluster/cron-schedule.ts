/**
 * `cron_restart`: when an app's next scheduled run is, and a timer that fires at each one.
 *
 * The expression is read by cron-parser (the same parser that validated it, src/config/
 * cron-expression.ts; loaded on first use), in the daemon's local time zone, as cron does. One
 * timer at a time: each firing arms the next, computed from the time it fired, so a slow run
 * never makes runs pile up and a daemon that was suspended skips the runs it missed instead of
 * firing them all at once.
 */
import { cronParser } from '../config/cron-parser-on-demand.js';
import type { Clock, TimerHandle } from './worker-state.js';

/** The first time strictly after `afterMs` that `expression` names (ms since epoch), or null if none. */
export function nextRunMs(expression: string, afterMs: number): number | null {
  try {
    const next = cronParser().CronExpressionParser.parse(expression, { currentDate: new Date(afterMs) }).next();
    return next.getTime();
  } catch {
    return null;
  }
}

/** Calls `fire` at every time `expression` names, from now on, until {@link CronSchedule.stop}. */
export class CronSchedule {
  private timer: TimerHandle | null = null;
  private nextMs: number | null = null;

  constructor(
    readonly expression: string,
    private readonly clock: Clock,
    private readonly fire: () => void,
  ) {
    this.arm(clock.now());
  }

  /** When the next run is (ms since epoch), or null once stopped. */
  get nextRun(): number | null {
    return this.nextMs;
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.nextMs = null;
  }

  private arm(fromMs: number): void {
    const next = nextRunMs(this.expression, fromMs);
    this.nextMs = next;
    if (next === null) return;
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      // Timers may fire a little early; never run twice for one scheduled time.
      const now = Math.max(this.clock.now(), next);
      this.fire();
      if (this.nextMs === next) this.arm(now);
    }, Math.max(0, next - this.clock.now()));
  }
}
