/**
 * Messages between the cluster primary (src/cluster) and the worker runtime (src/runtime),
 * over the cluster IPC channel. Every hotctl message carries `hotctl: 1` so it is never
 * confused with the app's own `process.send()` traffic.
 */
import type { RequestOutcomes } from './outcomes.js';

/** The marker every hotctl IPC message carries. */
export const IPC_MARK = 1 as const;

/** The env variables through which the primary tells the runtime what to load. */
export const RUNTIME_ENV = {
  /** Absolute path of the app's entry script. */
  script: 'HOTCTL_SCRIPT',
  /** "1" when the app signals readiness itself (wait_ready). */
  waitReady: 'HOTCTL_WAIT_READY',
  /** The app's name. */
  app: 'HOTCTL_APP',
  /** The worker's id (unique within the app). */
  workerId: 'HOTCTL_WORKER_ID',
  /** The revision the worker runs. */
  revision: 'HOTCTL_REVISION',
  /** The metrics report interval in ms ("0": no reports). */
  reportIntervalMs: 'HOTCTL_REPORT_INTERVAL_MS',
  /** The app's exec mode: "fork" or "cluster" (how the runtime decides the worker is ready). */
  execMode: 'HOTCTL_EXEC_MODE',
  /** "0": the runtime does not count HTTP requests (in flight, served); read from the worker's env. */
  requestCounting: 'HOTCTL_REQUEST_COUNTING',
  /** "0": the runtime counts requests but not their outcomes (status class, duration, resets, timeouts); read from the worker's env. */
  requestOutcomes: 'HOTCTL_REQUEST_OUTCOMES',
  /** How often the runtime sends a heartbeat when reports are off (ms); reports count as heartbeats. */
  heartbeatIntervalMs: 'HOTCTL_HEARTBEAT_INTERVAL_MS',
  /**
   * How often a quiet worker sends a heartbeat (ms), from the app's heartbeat_timeout: a worker
   * whose reports say the same for a few intervals with no connection open goes quiet — no
   * reports, a bare heartbeat this often — until a connection arrives or its heap or event-loop
   * delay moves (src/runtime/quiet.ts). Absent or "0": the worker never goes quiet.
   */
  quietHeartbeatIntervalMs: 'HOTCTL_QUIET_HEARTBEAT_INTERVAL_MS',
  /** "1": the primary routes this worker's listens (src/traffic; docs/traffic.md). */
  traffic: 'HOTCTL_TRAFFIC',
} as const;

/** The serialised form of an error thrown inside a worker. */
export interface WorkerErrorInfo {
  name: string;
  message: string;
  /** A Node.js error code such as EADDRINUSE, when there is one. */
  code?: string;
  stack?: string;
}

/** What the runtime measures inside the worker. */
export interface WorkerReport {
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Event-loop delay percentiles over the last interval (ms). */
  eventLoopDelayP50Ms: number;
  eventLoopDelayP99Ms: number;
  /** HTTP requests being served right now. */
  requestsInFlight: number;
  /** HTTP requests answered since the worker started. */
  requestsServed: number;
  /**
   * Connections open on the app's servers now (HTTP, upgraded WebSocket, raw TCP): what a
   * SIGKILL would cut. Absent from reports of an older runtime.
   */
  connectionsOpen?: number;
  /**
   * What became of the HTTP requests received since the worker started (issue 12): cumulative.
   * Absent from reports of an older runtime, and with HOTCTL_REQUEST_COUNTING=0 or
   * HOTCTL_REQUEST_OUTCOMES=0.
   */
  outcomes?: RequestOutcomes;
}

/** Worker → primary. */
export type WorkerToPrimary =
  /**
   * The worker serves: its server listens, or the app called ready() under wait_ready, or (fork
   * mode) its module evaluated and every listen() it started meanwhile completed.
   */
  | { hotctl: typeof IPC_MARK; type: 'ready'; via: 'listening' | 'app' | 'evaluated' }
  /** The app called listen() for the first time (a worker that never does serves no port). */
  | { hotctl: typeof IPC_MARK; type: 'listen-started' }
  /** The app's module has finished evaluating (for ESM: its top-level awaits settled). */
  | { hotctl: typeof IPC_MARK; type: 'evaluated' }
  /** The app could not start (an exception at load, a rejected top-level await, a failed listen). Sent just before the worker exits. */
  | { hotctl: typeof IPC_MARK; type: 'boot-error'; error: WorkerErrorInfo }
  /** An uncaught exception or rejection after start; sent just before the worker exits. */
  | { hotctl: typeof IPC_MARK; type: 'fatal'; error: WorkerErrorInfo }
  /** The worker finished draining; it exits once the primary answers `exit`. `outcomes`: its final ones (as in a report). */
  | { hotctl: typeof IPC_MARK; type: 'drained'; served: number; outcomes?: RequestOutcomes }
  /** The last message, right before the worker exits. */
  | { hotctl: typeof IPC_MARK; type: 'bye' }
  /** Periodic measurements; each one is also a heartbeat. */
  | ({ hotctl: typeof IPC_MARK; type: 'report' } & WorkerReport)
  /**
   * "My event loop turns": sent every heartbeat interval when reports are off, and every quiet
   * heartbeat interval by a quiet worker, whose last report still holds (see
   * RUNTIME_ENV.quietHeartbeatIntervalMs).
   */
  | { hotctl: typeof IPC_MARK; type: 'heartbeat' };

/**
 * Primary → worker.
 *
 * ```
 * primary ── shutdown ──► worker   drain: stop accepting … hooks
 * primary ◄── drained ─── worker
 * primary ──── exit ────► worker   every connection the primary handed off before this
 * primary ◄──── bye ───── worker   message was seen (and bounced back) first; then exit 0
 * ```
 * Why the `exit` round trip: under round-robin the primary may hand the worker a connection
 * just before it processes the worker's server close; the worker bounces such a connection
 * back — but only while it lives. A worker that exited first would leave the primary holding
 * that connection forever, and its client waiting.
 */
export type PrimaryToWorker =
  /**
   * Drain: stop accepting; run the app's shutdown code (the listeners of `signal` — the app's
   * `kill_signal`, SIGINT by default as PM2 — or, with `message`, its `process.on('message')`
   * listeners with the string 'shutdown', as PM2's `shutdown_with_message`; then its
   * `onDrainStart` hooks); finish in-flight requests, close idle keep-alive connections after
   * `graceMs`, run the `onShutdown` hooks, report `drained`. Without `signal` and `message`
   * (a primary of old), SIGINT.
   */
  | { hotctl: typeof IPC_MARK; type: 'shutdown'; graceMs: number; signal?: string; message?: boolean }
  /** The answer to `drained`: exit now. */
  | { hotctl: typeof IPC_MARK; type: 'exit' }
  /**
   * Parked (a reload's previous generation, for `rollback_window`): the primary gives it no new
   * connection; its responses say `Connection: close` and its idle keep-alive connections close
   * after `graceMs` (as a drain's do) so kept-alive clients move to the new workers, but its
   * servers stay open, long-lived connections stay, and no shutdown code runs. `unpark`: serving
   * again (a rollback within the window).
   */
  | { hotctl: typeof IPC_MARK; type: 'park'; graceMs?: number }
  | { hotctl: typeof IPC_MARK; type: 'unpark' };

const PRIMARY_MESSAGE_TYPES: readonly unknown[] = ['shutdown', 'exit', 'park', 'unpark'] satisfies PrimaryToWorker['type'][];

/** PM2's readiness message: an app under wait_ready calls `process.send('ready')`. */
export const PM2_READY_MESSAGE = 'ready';

export function isWorkerMessage(msg: unknown): msg is WorkerToPrimary {
  return typeof msg === 'object' && msg !== null && (msg as { hotctl?: unknown }).hotctl === IPC_MARK && typeof (msg as { type?: unknown }).type === 'string';
}

export function isPrimaryMessage(msg: unknown): msg is PrimaryToWorker {
  return typeof msg === 'object' && msg !== null && (msg as { hotctl?: unknown }).hotctl === IPC_MARK && PRIMARY_MESSAGE_TYPES.includes((msg as { type?: unknown }).type);
}
