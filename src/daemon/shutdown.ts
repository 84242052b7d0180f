/**
 * The daemon's shutdown, as ordered phases (the worker's drain, src/runtime/drain.ts, is the model):
 *
 *   drain-apps → persist-state → stop-watching → stop-sampling → close-http → close-control
 *     → close-logs → release-lock → forget-signals
 *
 * Apps first, while every listener still answers (`hotctl status` shows the drain); the state
 * written once they stopped, so a restart finds them stopped by the shutdown, not crashed; the
 * listeners closed before the log files, so their last lines are stored; the lock last but
 * one, so no second daemon starts while this one still holds a socket.
 *
 * A phase that fails is logged and the next one runs: a shutdown always ends with the lock
 * released and `done` resolved.
 */

export const SHUTDOWN_PHASES = ['drain-apps', 'persist-state', 'stop-watching', 'stop-sampling', 'close-http', 'close-control', 'close-logs', 'release-lock', 'forget-signals'] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

/** A daemon shutdown waits this long for apps to drain before it kills what is left. */
export const SHUTDOWN_LIMIT_MS = 60_000;

export type ShutdownSteps = Record<ShutdownPhase, () => void | Promise<void>>;

export interface ShutdownObserver {
  onPhase?(phase: ShutdownPhase): void;
  onError?(phase: ShutdownPhase, err: unknown): void;
}

/** Runs every phase in SHUTDOWN_PHASES order, each awaited. */
export async function runShutdown(steps: ShutdownSteps, observer: ShutdownObserver = {}): Promise<void> {
  for (const phase of SHUTDOWN_PHASES) {
    observer.onPhase?.(phase);
    try {
      await steps[phase]();
    } catch (err) {
      observer.onError?.(phase, err);
    }
  }
}

/** The apps that may drain, and be killed when they take too long. */
export interface Drainable {
  stopAll(): Promise<void>;
  killAll(): void;
}

/** `drain-apps`: stops every app gracefully; after `limitMs` kills what is left and waits for it. */
export async function drainApps(apps: Drainable, log: (line: string) => void, limitMs = SHUTDOWN_LIMIT_MS): Promise<void> {
  const limit = setTimeout(() => {
    log(`apps still running after ${limitMs} ms: killing them`);
    apps.killAll();
  }, limitMs);
  try {
    await apps.stopAll();
  } finally {
    clearTimeout(limit);
  }
}
