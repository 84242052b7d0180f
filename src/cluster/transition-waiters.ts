/**
 * Conditions waiting on worker transitions: each is checked when it is added and again after
 * every transition of the pool (never on a sleep), with an optional deadline on the clock.
 */
import type { Clock, TimerHandle } from './worker-state.js';

/** A condition: undefined while it does not hold yet, a value once it does. */
export type Check<T> = () => T | undefined;

interface Waiter {
  check(): boolean;
}

export class TransitionWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly clock: Clock) {}

  waitFor<T>(check: Check<T>, timeout?: { afterMs: number; onTimeout: () => T }): Promise<T> {
    return new Promise<T>((resolve) => {
      let timer: TimerHandle | null = null;
      const waiter: Waiter = {
        check: () => {
          const value = check();
          if (value === undefined) return false;
          finish(value);
          return true;
        },
      };
      const finish = (value: T) => {
        this.waiters.delete(waiter);
        if (timer !== null) this.clock.clearTimer(timer);
        resolve(value);
      };
      if (waiter.check()) return;
      this.waiters.add(waiter);
      if (timeout) timer = this.clock.setTimer(() => finish(timeout.onTimeout()), Math.max(0, timeout.afterMs));
    });
  }

  /** Runs every waiting check (after a transition). */
  recheck(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }
}
