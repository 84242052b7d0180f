/**
 * What the daemon reports about itself, its apps, their workers and operations.
 * This is the document `hotctl status --json` prints; field names are snake_case there.
 */
import type { CanaryAnalysisInfo, CanaryStepRecord } from './canary-plan.js';
import type { ErrorPayload } from './errors.js';
import type { AppSpec } from './app-spec.js';
import type { CodeClass } from './outcomes.js';
import type { AppStatus, OperationKind, OperationState, RevisionOutcome, WorkerState } from './states.js';

/** One worker, as status shows it. */
export interface WorkerStatus {
  /** Unique within the app, never reused. */
  id: number;
  /** The current process id, or null while no process runs (backoff, errored, exited). */
  pid: number | null;
  /** NODE_APP_INSTANCE of the worker (0..instances-1). */
  instance: number;
  state: WorkerState;
  /** The revision the worker runs. */
  revision: number;
  /** How often this worker's process was restarted after a crash (the app's `restarts` also counts restarts and reloads). */
  restarts: number;
  /** Time since the current process started; 0 when none runs. */
  uptime_ms: number;
  /** When the worker entered its current state (ISO 8601). */
  since: string;
  /** The last sampler tick for this worker, when there was one. */
  metrics: WorkerMetricsSummary | null;
}

/** What status shows of a worker's last metrics. */
export interface WorkerMetricsSummary {
  cpu_percent: number;
  rss_bytes: number;
  requests_per_sec: number | null;
  requests_total: number | null;
}

/** One revision of an app: what a start or reload deployed. */
export interface RevisionInfo {
  number: number;
  created_at: string;
  outcome: RevisionOutcome;
  /** The OS user who made it (the daemon's user). */
  user: string;
  /** How it was made: start, reload, rollback (of `rollback_of`), restart. */
  cause: string;
  rollback_of: number | null;
  /** The full spec as deployed. */
  spec: AppSpec;
  /** Absolute path of the entry script as resolved when the revision was made (symlinks followed). */
  script: string;
  /** sha256 of the entry script's content. */
  script_sha256: string;
  /** `version` of the nearest package.json above the script, if any. */
  app_version: string | null;
  /** The git commit of the script's checkout, if any. */
  git_commit: string | null;
  /** Why the revision failed, when it did. */
  error?: ErrorPayload;
  /** `reload --auto`: each judged step of its canary analysis (verdict and figures), in order. */
  canary_steps?: CanaryStepRecord[];
}

/** One step of an operation, for live progress. */
export interface OperationStep {
  at: string;
  message: string;
  worker_id?: number;
  pid?: number | null;
  state?: WorkerState;
  /** Time since the operation started. */
  elapsed_ms: number;
}

/** An operation on an app (start, reload, restart, stop, delete). */
export interface OperationSnapshot {
  id: string;
  app: string;
  kind: OperationKind;
  state: OperationState;
  /** The revision serving before the operation (null for a first start). */
  from_revision: number | null;
  /** The revision the operation deploys (null when it deploys none, e.g. stop). */
  to_revision: number | null;
  started_at: string;
  ended_at: string | null;
  duration_ms: number;
  steps: OperationStep[];
  /** Set when the operation failed. `details.stderr` holds the tail of the failing worker's stderr. */
  error: ErrorPayload | null;
}

/** A canary in progress: some workers of a new revision serving beside the active one. */
export interface CanaryInfo {
  revision: number;
  workers: number;
  since: string;
  /** The percentage of new connections asked for the canary (`--canary 10%`), or null: its share is its worker count. */
  share: number | null;
}

/**
 * The previous generation parked after a reload, for the rollback window: its workers are alive
 * and unrouted; `hotctl rollback` before `until` makes them serve again at once (docs/traffic.md).
 */
export interface ParkedInfo {
  revision: number;
  workers: number;
  since: string;
  until: string;
}

/** What the primary's connection router saw of one revision of an app (docs/traffic.md). */
export interface TrafficRevisionInfo {
  revision: number;
  /** The percentage of new connections asked for this revision, or null: by worker count. */
  share: number | null;
  /** Connections handed to this revision's workers (and accepted by them). */
  routed: number;
}

/** What the primary's connection router saw of one app, summed over its routed sockets. */
/** The request outcomes of one revision (protocol/outcomes.ts), as status shows them. */
export interface RevisionOutcomesInfo {
  revision: number;
  /** Requests: responses of every class, plus requests ended by a reset or a timeout unanswered. */
  requests: number;
  /** Responses by status class. */
  responses: Record<CodeClass, number>;
  /** Connections closed or reset before their request was answered. */
  resets: number;
  /** Connections closed by a server timeout before their request was answered. */
  timeouts: number;
  /** (5xx + resets + timeouts) / requests; 0 without requests. */
  error_rate: number;
  /** Response duration percentiles (request received → response finished), ms, from the fixed-bucket histogram; null without responses. */
  p50_ms: number | null;
  p99_ms: number | null;
}

export interface AppTrafficInfo {
  /** Connections accepted on the app's listening sockets. */
  accepted: number;
  /** Connections waiting now for a ready worker. */
  queued: number;
  /** Connections closed unserved: the queue was full, or they waited past its timeout. */
  dropped: number;
  /** Connections that waited in the queue, and how long (ms). */
  queue_wait: { count: number; total_ms: number; max_ms: number };
  /** Per revision: the share asked and the connections routed (revisions that served or have a share). */
  revisions: TrafficRevisionInfo[];
}

/** How a process ended. */
export interface ProcessExitInfo {
  exit_code: number | null;
  signal: string | null;
  /** When it ended (ISO 8601). */
  at: string;
  /** `done`: ended on purpose (a job that exited 0, a code in stop_exit_codes); `failed`: any other end with autorestart false. */
  outcome: 'done' | 'failed';
}

/** One app. */
export interface AppStatusInfo {
  name: string;
  status: AppStatus;
  /** The active revision (the one serving). */
  revision: number;
  /** Workers wanted. */
  instances: number;
  script: string;
  cwd: string;
  /**
   * Restarts of the app, as PM2 counts them: every crash restart of a worker, plus one per
   * restart, reload, rollback, promote or `cron_restart` run that succeeded. Kept across
   * operations (not reset when a reload replaces the workers).
   */
  restarts: number;
  /**
   * How the app's last process that ended on its own ended (a one-shot job: exit code 0 and the
   * app `stopped`), or null when none has.
   */
  last_exit: ProcessExitInfo | null;
  /** The next `cron_restart` run (ISO 8601), or null when the app has no schedule (or was stopped). */
  next_run: string | null;
  workers: WorkerStatus[];
  /** The operation in progress, if any. */
  operation: OperationSnapshot | null;
  /** The last finished operation, if any. */
  last_operation: OperationSnapshot | null;
  /** The canary in progress, if any. */
  canary: CanaryInfo | null;
  /** The analysis judging the canary (`reload --auto`), while it runs: its step, share, elapsed time and last figures. */
  analysis?: CanaryAnalysisInfo;
  /** The parked previous generation, within its rollback window; absent when none is parked. */
  parked?: ParkedInfo;
  /** What the connection router saw of the app; absent when its listens are not routed (fork mode, routing off). */
  traffic?: AppTrafficInfo;
  /**
   * What became of the requests each revision's workers received (issue 12), cumulative per
   * revision across worker replacements, by revision; absent until a worker reported outcomes.
   */
  outcomes?: RevisionOutcomesInfo[];
  /**
   * The app's log files, absolute: stdout, stderr, and both (`log_file`); one per instance when
   * `merge_logs` is false; an empty list when that stream is not stored ("/dev/null", `disable_logs`).
   */
  log_files?: { out: string[]; err: string[]; combined: string[] };
}

/** `daemon` when started in the background, `run` for the foreground `hotctl run`. */
export const DAEMON_MODES = ['daemon', 'run'] as const;
export type DaemonMode = (typeof DAEMON_MODES)[number];

export interface DaemonInfo {
  pid: number;
  version: string;
  protocol: number;
  home: string;
  mode: DaemonMode;
  uptime_ms: number;
  /** The URL of the HTTP listener (dashboard, /metrics), or null when it is off. */
  http: string | null;
  /** Things the operator should know (e.g. a corrupt state file kept aside). */
  notices: string[];
  /** What the control plane (socket, HTTP listener, subscribers) uses, against its limits. */
  control_plane?: ControlPlaneInfo;
}

/** The control plane's share of the daemon; it may never starve the apps (README "Safety and faults"). */
export interface ControlPlaneInfo {
  /** RLIMIT_NOFILE of the daemon, each listener's connection cap, and the fds left for the apps. */
  limits: { open_files: number; socket_connections: number; http_connections: number; reserve: number };
  /** Open connections now. */
  socket_connections: number;
  http_connections: number;
  /** Connections closed (oldest first) because a listener was at its cap, since the daemon started. */
  evicted_connections: number;
  /** Bytes written to subscribers (socket and /ws) and not yet read by them. */
  buffered_bytes: number;
  /** Log lines not sent to subscribers that read too slowly, since the daemon started (they are in the files). */
  dropped_log_lines: number;
}

/** The document `hotctl status --json` prints. */
export interface StatusSnapshot {
  daemon: DaemonInfo;
  apps: AppStatusInfo[];
}
