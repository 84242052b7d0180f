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
 * - `draining`: told to shut down; finishing in-flight requests.
 * - `exited`: gone, on purpose.
 * - `crashed`: gone without being asked.
 * - `backoff`: waiting before it is forked again.
 * - `errored`: crashed too often in a row; not restarted until the next reload or restart.
 */
export const WORKER_STATES = ['forking', 'starting', 'ready', 'unresponsive', 'draining', 'exited', 'crashed', 'backoff', 'errored'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

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
 * The states of an operation. See src/cluster/operation-state.ts for the allowed moves.
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
