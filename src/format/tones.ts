/**
 * The tone each named state is shown in: one table for the CLI's colours and the dashboard's
 * (`data-tone` attributes styled by style.css), so that both agree on what is good, in
 * progress or bad. The states themselves are declared once in src/protocol/states.ts; the
 * table is keyed by their union, so a state added there without a tone here does not compile.
 */
import type { AppStatus, OperationState, RevisionOutcome, WorkerState } from '../protocol/states.js';

/**
 * - `good`: serving, or done as asked.
 * - `progress`: on its way (coming up, an operation under way, a canary held).
 * - `warn`: serving less than asked, or restarting after a crash.
 * - `leaving`: told to stop, finishing what it does.
 * - `bad`: failed, or not answering.
 * - `idle`: gone, on purpose; or a revision no longer in use.
 */
export const TONES = ['good', 'progress', 'warn', 'leaving', 'bad', 'idle'] as const;
export type Tone = (typeof TONES)[number];

/** Every state any status shows: worker states, app statuses, operation states, revision outcomes. */
export type ShownState = WorkerState | AppStatus | OperationState | RevisionOutcome;

/** state → tone. A name shared by two vocabularies (`starting`, `errored`, `failed`, `pending`, `canary`) has one tone. */
export const STATE_TONES: Readonly<Record<ShownState, Tone>> = {
  // worker states
  forking: 'progress',
  starting: 'progress',
  ready: 'good',
  unresponsive: 'bad',
  parked: 'idle',
  draining: 'leaving',
  exited: 'idle',
  crashed: 'bad',
  backoff: 'warn',
  errored: 'bad',
  // app statuses
  online: 'good',
  reloading: 'progress',
  degraded: 'warn',
  stopping: 'leaving',
  stopped: 'idle',
  canary: 'progress',
  // operation states
  pending: 'progress',
  awaiting_ready: 'progress',
  stabilizing: 'progress',
  draining_old: 'leaving',
  succeeded: 'good',
  rolling_back: 'warn',
  failed: 'bad',
  // revision outcomes
  active: 'good',
  superseded: 'idle',
  rolled_back: 'idle',
};

/** The tone of a state; a name no vocabulary knows (a newer daemon's) has none. */
export function toneOf(state: string): Tone | undefined {
  return Object.prototype.hasOwnProperty.call(STATE_TONES, state) ? STATE_TONES[state as ShownState] : undefined;
}

/** Where workers of each state are listed within a revision: serving first, gone last. */
export const WORKER_STATE_RANK: Readonly<Record<WorkerState, number>> = {
  ready: 0,
  unresponsive: 1,
  starting: 2,
  forking: 3,
  parked: 4,
  draining: 5,
  backoff: 6,
  crashed: 7,
  errored: 8,
  exited: 9,
};
