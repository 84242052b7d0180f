/**
 * When a crashed worker comes back, and when it stops coming back.
 *
 * A crash within `min_uptime` of the process start is unstable. Unstable crashes in a row are
 * counted; past `max_restarts` the worker is errored instead of looping forever. A process that
 * stayed up past `min_uptime` resets the count. Delays grow by 1.5× per unstable crash from
 * `exp_backoff_restart_delay`, capped at {@link MAX_BACKOFF_MS} (PM2's rule), or are the fixed
 * `restart_delay` when the exponential backoff is off (0) — as it is when a file sets
 * `restart_delay` alone (src/config/validate.ts), as in PM2.
 *
 * Before any of that, {@link decideExit} tells a crash from a process that ended on purpose: an
 * exit code listed in `stop_exit_codes`, or any end with `autorestart: false` (a one-shot job),
 * is not restarted.
 */

export const MAX_BACKOFF_MS = 15_000;
export const BACKOFF_FACTOR = 1.5;

export interface RestartPolicyConfig {
  min_uptime: number;
  max_restarts: number;
  restart_delay: number;
  exp_backoff_restart_delay: number;
}

export type RestartDecision =
  | { action: 'restart'; delayMs: number; unstableRestarts: number }
  | { action: 'give-up'; unstableRestarts: number };

/**
 * @param previousUnstable unstable crashes in a row before this one
 * @param uptimeMs how long the crashed process ran (null: it never started)
 */
export function decideRestart(config: RestartPolicyConfig, previousUnstable: number, uptimeMs: number | null): RestartDecision {
  const unstable = uptimeMs === null || uptimeMs < config.min_uptime;
  const unstableRestarts = unstable ? previousUnstable + 1 : 0;
  if (unstableRestarts > config.max_restarts) return { action: 'give-up', unstableRestarts };
  return { action: 'restart', delayMs: backoffDelayMs(config, unstableRestarts), unstableRestarts };
}

/** The delay before the restart that follows `unstableRestarts` unstable crashes in a row. */
export function backoffDelayMs(config: RestartPolicyConfig, unstableRestarts: number): number {
  const base = config.exp_backoff_restart_delay;
  if (base <= 0) return config.restart_delay;
  const exponent = Math.max(0, unstableRestarts - 1);
  return Math.min(MAX_BACKOFF_MS, Math.round(base * BACKOFF_FACTOR ** exponent));
}

export interface ExitPolicyConfig {
  autorestart: boolean;
  stop_exit_codes: number[];
}

/**
 * What an unasked-for exit of a serving process means (PM2's rule, with one difference: with
 * `autorestart: false` a non-zero end is `errored`, where PM2 shows `stopped` too):
 * - `done`: it ended on purpose — its code is in `stop_exit_codes`, or it exited 0 with
 *   `autorestart: false`. Not a crash: the app ends `stopped`, and `cron_restart` runs it again.
 * - `failed`: with `autorestart: false`, any other end (a code, a signal): not restarted, `errored`.
 * - `crash`: the restart policy ({@link decideRestart}) decides.
 */
export function decideExit(config: ExitPolicyConfig, code: number | null, signal: string | null): 'done' | 'failed' | 'crash' {
  if (signal === null && code !== null && config.stop_exit_codes.includes(code)) return 'done';
  if (config.autorestart) return 'crash';
  return signal === null && code === 0 ? 'done' : 'failed';
}
