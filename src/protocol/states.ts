/**
 * Named states, as they appear on the wire and in `hotctl status --json`. No numbers, no enums.
 */

/**
 * The states of one worker. See src/cluster/worker-state.ts for the table of allowed moves.
 *
 * - `forking`: the process is being created.
 * - `starting`: the process runs and loads the app; not yet ready.
 * - `ready`: it serves (its server listens, or it called ready() with wait_ready).
 * - `unresponsive`: was ready, but its runtime sent no heartbeat for `heartbeat_timeout` (its
 *   event loop is blocked): not counted as ready (/readyz), its runtime metrics dropped; it is
 *   replaced once a successor is ready, or back to `ready` when heartbeats resume first.
 * - `parked`: the previous generation after a reload, for `rollback_window`: alive, given no new
 *   connection (its kept-alive ones are asked to move with `Connection: close`), not serving, not
 *   counted as up; back to `ready` on a rollback within the window, else `draining`.
 * - `draining`: told to shut down; finishing in-flight requests.
 * - `exited`: gone, on purpose.
 * - `crashed`: gone without being asked.
 * - `backoff`: waiting before it is forked again.
 * - `errored`: crashed too often in a row; not restarted until the next reload or restart.
 */
export const WORKER_STATES = ['forking', 'starting', 'ready', 'unresponsive', 'parked', 'draining', 'exited', 'crashed', 'backoff', 'errored'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

/**
 * What the code asks of a worker's state, answered once, here, next to the states. Each state is
 * in one or more of these lists; `draining` is the one the callers used to disagree about:
 *
 * | state          | live | coming up | up  | serving | staying | failed |
 * |----------------|------|-----------|-----|---------|---------|--------|
 * | `forking`      | yes  | yes       |     |         | yes     |        |
 * | `starting`     | yes  | yes       |     |         | yes     |        |
 * | `ready`        | yes  |           | yes | yes     | yes     |        |
 * | `unresponsive` | yes  |           | yes |         | yes     |        |
 * | `parked`       | yes  |           |     |         |         |        |
 * | `draining`     | yes  |           |     |         |         |        |
 * | `exited`       |      |           |     |         |         |        |
 * | `crashed`      |      |           |     |         |         | yes    |
 * | `backoff`      |      |           |     |         |         | yes    |
 * | `errored`      |      |           |     |         |         | yes    |
 *
 * A draining worker has a process (live) but is on its way out: it neither serves nor counts
 * toward the instances wanted (staying), and it has not failed (it was asked to stop). A parked
 * worker is the same for these questions: alive, kept aside for an instant rollback.
 */
/** A process runs (it may have been told to stop): the pool tracks its pid and its exit. */
export const LIVE_WORKER_STATES = ['forking', 'starting', 'ready', 'unresponsive', 'parked', 'draining'] as const satisfies readonly WorkerState[];
/** On its way to `ready`: neither ready nor failed yet. */
export const COMING_UP_WORKER_STATES = ['forking', 'starting'] as const satisfies readonly WorkerState[];
/** Came up and was not told to stop: serving, or stalled (a blocked event loop) until it recovers or is replaced. */
export const UP_WORKER_STATES = ['ready', 'unresponsive'] as const satisfies readonly WorkerState[];
/** Serves: counted as ready by status, `/readyz` and a reload waiting for new workers. */
export const SERVING_WORKER_STATES = ['ready'] as const satisfies readonly WorkerState[];
/** Counts toward the instances wanted: live, neither draining nor parked (an unresponsive worker is replaced, not dropped). */
export const STAYING_WORKER_STATES = ['forking', 'starting', 'ready', 'unresponsive'] as const satisfies readonly WorkerState[];
/** Went away without being asked and is not back: crashed, waiting to restart, or given up on. */
export const FAILED_WORKER_STATES = ['crashed', 'backoff', 'errored'] as const satisfies readonly WorkerState[];

function member(list: readonly WorkerState[]): (state: WorkerState) => boolean {
  return (state) => list.includes(state);
}
/** See {@link LIVE_WORKER_STATES}. */
export const isLiveWorker = member(LIVE_WORKER_STATES);
/** See {@link COMING_UP_WORKER_STATES}. */
export const isComingUpWorker = member(COMING_UP_WORKER_STATES);
/** See {@link UP_WORKER_STATES}. */
export const isUpWorker = member(UP_WORKER_STATES);
/** See {@link SERVING_WORKER_STATES}. */
export const isServingWorker = member(SERVING_WORKER_STATES);
/** See {@link STAYING_WORKER_STATES}. */
export const isStayingWorker = member(STAYING_WORKER_STATES);
/** See {@link FAILED_WORKER_STATES}. */
export const isFailedWorker = member(FAILED_WORKER_STATES);
/**
 * A worker that something waits on to become ready (a reload's new worker, a successor) and is in
 * this state never will: it is neither ready nor coming up (crashed, exited, errored, draining
 * because it was retired, or unresponsive after it was ready).
 */
export function isSettledUnready(state: WorkerState): boolean {
  return !isComingUpWorker(state) && !isServingWorker(state);
}

/**
 * The status of an app, derived from its workers and its operation in progress.
 *
 * - `starting`: workers are coming up for the first time.
 * - `online`: every worker is ready.
 * - `reloading`: an operation (reload, restart) is replacing workers.
 * - `degraded`: some workers are ready, others are restarting or errored.
 * - `errored`: no worker serves, and at least one is errored.
 * - `stopping`: workers are draining because of `hotctl stop`.
 * - `stopped`: no worker runs, on purpose.
 * - `canary`: a canary of a new revision serves beside the active one, until `promote` or `rollback`.
 */
export const APP_STATUSES = ['starting', 'online', 'reloading', 'degraded', 'errored', 'stopping', 'stopped', 'canary'] as const;
export type AppStatus = (typeof APP_STATUSES)[number];

/** The kinds of operation the daemon runs on an app, one at a time per app. */
export const OPERATION_KINDS = ['start', 'reload', 'restart', 'stop', 'delete', 'scale', 'promote', 'rollback'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/**
 * The states of an operation. See src/cluster/operation.ts for the allowed moves.
 *
 * `pending → starting → awaiting_ready → stabilizing → draining_old → succeeded`, or on a
 * failure `… → rolling_back → failed`. Operations that only stop workers go
 * `pending → draining_old → succeeded`.
 */
export const OPERATION_STATES = [
  'pending',
  'starting',
  'awaiting_ready',
  'stabilizing',
  'draining_old',
  'succeeded',
  'rolling_back',
  'failed',
] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

/** Operation states after which nothing more happens. */
export const TERMINAL_OPERATION_STATES: readonly OperationState[] = ['succeeded', 'failed'];
/** See {@link TERMINAL_OPERATION_STATES}. */
export function isTerminalOperationState(state: OperationState): boolean {
  return TERMINAL_OPERATION_STATES.includes(state);
}

/** What became of a revision. */
export const REVISION_OUTCOMES = ['pending', 'canary', 'active', 'failed', 'superseded', 'rolled_back'] as const;
export type RevisionOutcome = (typeof REVISION_OUTCOMES)[number];

/**
 * How a reload replaces workers: `surge` (all new workers first), `rolling` (a batch at a
 * time), `stop-first` (the old workers stop before the new ones start: for singletons that must
 * never run twice at once; the app serves nothing in between).
 */
export const RELOAD_STRATEGIES = ['surge', 'rolling', 'stop-first'] as const;
export type ReloadStrategy = (typeof RELOAD_STRATEGIES)[number];
export function isReloadStrategy(value: unknown): value is ReloadStrategy {
  return (RELOAD_STRATEGIES as readonly unknown[]).includes(value);
}
