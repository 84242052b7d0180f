/**
 * Events the daemon emits: every worker transition and every operation change. Status, logs,
 * the CLI's progress view and the dashboard all consume these same events.
 */
import type { OperationSnapshot, StatusSnapshot } from './status.js';
import type { WorkerState } from './states.js';


/** The two output streams of a worker, as log lines and `logs` requests name them. */
export const LOG_STREAMS = ['out', 'err'] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

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
  /**
   * For a move to `exited` of a worker killed because it was still draining at `kill_timeout`:
   * how many connections it still had open (as its runtime last reported; null: unknown).
   * Absent when the worker drained by itself.
   */
  connections_cut?: number | null;
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

/** Per-worker measurements of one sampler tick. */
export interface WorkerMetrics {
  app: string;
  worker_id: number;
  pid: number;
  revision: number;
  /** CPU use over the last tick, in % of one core. */
  cpu_percent: number;
  rss_bytes: number;
  /** From the worker runtime; null until its first report. */
  heap_used_bytes: number | null;
  heap_total_bytes: number | null;
  event_loop_delay_p50_ms: number | null;
  event_loop_delay_p99_ms: number | null;
  requests_in_flight: number | null;
  /** HTTP requests answered by this worker since it started. */
  requests_total: number | null;
  /** Requests answered per second over the last tick. */
  requests_per_sec: number | null;
}

/** Per-app counters that outlive workers. */
export interface AppMetrics {
  app: string;
  revision: number;
  restarts: number;
  uptime_ms: number;
  reloads: { succeeded: number; failed: number };
  requests_per_sec: number;
  cpu_percent: number;
  rss_bytes: number;
}

/** One sampler tick (topic `metrics`). */
export interface MetricsEvent {
  kind: 'metrics';
  at: string;
  workers: WorkerMetrics[];
  apps: AppMetrics[];
}

/** A full status snapshot (topic `status`): sent on subscribe, then after every change. */
export interface StatusEvent {
  kind: 'status';
  at: string;
  status: StatusSnapshot;
}

/** One line a worker wrote (topic `logs`). */
export interface LogEvent {
  kind: 'log';
  at: string;
  app: string;
  worker_id: number;
  revision: number;
  stream: LogStream;
  text: string;
  /**
   * Set on a line the daemon writes itself (worker_id -1) when this subscriber read too slowly:
   * how many lines of `app` it did not get (they are in the log files).
   */
  dropped?: number;
}

export type DaemonEvent = WorkerTransitionEvent | OperationEvent | MetricsEvent | StatusEvent | LogEvent;
