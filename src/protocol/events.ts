/**
 * Events the daemon emits: every worker transition and every operation change. Status, logs,
 * the CLI's progress view and the dashboard all consume these same events.
 */
import type { OperationSnapshot } from './status.js';
import type { WorkerState } from './states.js';

/** A worker moved from one state to another. */
export interface WorkerTransitionEvent {
  kind: 'worker';
  at: string;
  app: string;
  worker_id: number;
  pid: number | null;
  revision: number;
  instance: number;
  /** null when the worker was just created (its first event, entering `forking`). */
  from: WorkerState | null;
  to: WorkerState;
  /** Why, in words (e.g. "listening", "exit code 1", "listen_timeout 8000 ms elapsed"). */
  reason: string;
  /** For a move to `backoff`: the delay before the next fork. */
  delay_ms?: number;
  /** For a move to `crashed`/`exited`: how the process ended. */
  exit_code?: number | null;
  signal?: string | null;
}

/** An operation changed state or made progress. */
export interface OperationEvent {
  kind: 'operation';
  at: string;
  app: string;
  operation: OperationSnapshot;
  /** The step just added (absent for a pure state change). */
  message?: string;
}

export type DaemonEvent = WorkerTransitionEvent | OperationEvent;
