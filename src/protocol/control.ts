/**
 * The control protocol: JSON messages over ws on the unix socket `HOTCTL_HOME/daemon.sock`.
 *
 * ```
 * client                                   daemon
 *   │ {id:1, method:"hello", params:{...}}   │
 *   │ ─────────────────────────────────────► │   version check
 *   │ {id:1, ok:true, result:{version,...}}  │
 *   │ ◄───────────────────────────────────── │
 *   │ {id:2, method:"reload", params:{name, follow:true}}
 *   │ ─────────────────────────────────────► │   the operation runs in the daemon
 *   │ {id:2, ok:true, result:{operation}}    │
 *   │ {event:"operation", data:{...}} × n    │   progress, until a terminal state
 *   │ ◄───────────────────────────────────── │
 * ```
 *
 * A client that goes away mid-operation changes nothing: the operation completes in the daemon.
 * The CLI sends the upgrade, the hello and its request in one write; a request that changes
 * something carries `after_hello: true` (docs/protocol.md, "One round trip"; control-server.ts).
 */
import type { CanaryPlanOverrides } from './canary-plan.js';
import type { AppSpec } from './app-spec.js';
import type { ErrorPayload } from './errors.js';
import type { DaemonEvent, LogEvent, LogStream } from './events.js';
import type { ReloadStrategy } from './states.js';
import type { DaemonInfo, OperationSnapshot, RevisionInfo, StatusSnapshot } from './status.js';

/** Bumped when a message changes shape. Client and daemon compare it in `hello`. */
export const PROTOCOL_VERSION = 1;
/** Each method: its params and its result. */
export interface Methods {
  /** First message of every connection: exchange versions. */
  hello: {
    params: { client_version: string; protocol: number };
    result: DaemonInfo;
  };
  /** A snapshot of the daemon, its apps and workers. */
  status: {
    params: Record<string, never>;
    result: StatusSnapshot;
  };
  /** Start apps that do not run yet. One operation per app. */
  start: {
    params: { apps: AppSpec[]; follow?: boolean };
    result: { operations: OperationSnapshot[] };
  };
  /**
   * Zero-downtime reload of one app: new workers up and ready, then the old ones drain.
   * With `spec`, the app is reloaded with that spec (e.g. from an ecosystem file); without it,
   * with its current spec (new code on disk is picked up).
   */
  reload: {
    params: {
      name: string;
      spec?: AppSpec;
      follow?: boolean;
      wait?: boolean;
      /** Overrides the app's `reload_strategy` for this reload. */
      strategy?: ReloadStrategy;
      /** Overrides the app's `reload_batch` (rolling). */
      batch?: number;
      /** Start only this many new workers beside the old ones and hold (app status `canary`). */
      canary?: number;
      /** With `canary`: the percentage of new connections (0 < p < 100) sent to the canary revision, whatever the worker counts (the connection router's weights). */
      canary_share?: number;
      /**
       * `reload --auto`: run the app's canary plan (its `canary` key, defaults for what it does not
       * set) with these fields over it; the operation ends promoted (succeeded) or rolled back
       * (failed, E_CANARY_FAILED). Not with canary, canary_share, strategy or batch.
       */
      auto?: CanaryPlanOverrides;
      /** Overrides the app's `rollback_window` for this reload (ms; 0: no parking). */
      rollback_window?: number;
    };
    result: { operation: OperationSnapshot };
  };
  /** Completes a canary: the rest of the rollout, with the app's strategy. */
  promote: {
    params: { name: string; follow?: boolean; wait?: boolean };
    result: { operation: OperationSnapshot };
  };
  /**
   * Retires a canary; or, within the rollback window, makes the parked previous generation serve
   * again (the same processes, no fork; its revision active again); or reloads with revision
   * `to`'s spec and files (default: the last good revision before the active one). Refused with E_REVISION_FILES_CHANGED when the
   * files no longer match that revision's sha256, unless `force`.
   */
  rollback: {
    params: { name: string; to?: number; force?: boolean; follow?: boolean; wait?: boolean };
    result: { operation: OperationSnapshot };
  };
  /** Changes the number of workers without touching the others. */
  scale: {
    params: { name: string; instances: number; follow?: boolean; wait?: boolean };
    result: { operation: OperationSnapshot };
  };
  /** The revisions of an app, oldest first. Includes specs (with env): socket only, never HTTP. */
  history: {
    params: { name: string };
    result: { app: string; active: number; revisions: RevisionInfo[] };
  };
  /**
   * Applies an ecosystem file: per app the least disruptive change (start, reload, scale; delete
   * only with `prune`). An app whose spec and code on disk show no change is reloaded all the
   * same (the deploy step), unless `changed_only`. With `dry_run`, only the plan. Apps that run
   * keep the `inherited_env` they were started with unless `update_env`.
   */
  apply: {
    params: { apps: AppSpec[]; prune?: boolean; dry_run?: boolean; follow?: boolean; wait?: boolean; changed_only?: boolean; update_env?: boolean };
    result: { plan: ApplyPlanItem[]; operations: OperationSnapshot[] };
  };
  /**
   * Stop every worker, then start again (not zero-downtime; use reload for that). With `spec`
   * (`restart --update-env`, or a file's app), the new revision runs that spec.
   */
  restart: {
    params: { name: string; follow?: boolean; wait?: boolean; spec?: AppSpec };
    result: { operation: OperationSnapshot };
  };
  /** Drain and stop every worker; the app stays known (status `stopped`). */
  stop: {
    params: { name: string; follow?: boolean; wait?: boolean };
    result: { operation: OperationSnapshot };
  };
  /** Stop the app and forget it. */
  delete: {
    params: { name: string; follow?: boolean; wait?: boolean };
    result: { operation: OperationSnapshot };
  };
  /** Look an operation up by id. */
  operation: {
    params: { id: string };
    result: OperationSnapshot;
  };
  /** Receive daemon events (worker transitions, operations) on this connection. */
  subscribe: {
    params: { topics: SubscriptionTopic[]; apps?: string[] };
    result: { topics: SubscriptionTopic[] };
  };
  /**
   * The last `lines` lines of an app's log files (or of every app's), oldest first. To follow,
   * subscribe to the `logs` topic afterwards.
   */
  logs: {
    /** `lines`: 0 to {@link MAX_LOG_LINES}, default 20. */
    params: { app?: string; lines?: number; stream?: LogStream };
    result: { lines: LogEvent[]; files: string[] };
  };
  /**
   * Empties an app's log files (or every app's): only the files the app owns alone; a file
   * shared with another app, or another user's, is left as it is and listed in `skipped`.
   */
  flush: {
    params: { app?: string };
    result: { files: string[]; skipped?: Array<{ file: string; reason: string }> };
  };
  /** Saves the list of running apps (with their specs) to HOTCTL_HOME/dump.json; the previous one becomes dump.json.bak. */
  save: {
    params: Record<string, never>;
    result: { file: string; apps: string[] };
  };
  /** Starts the apps of the saved list that do not run now. */
  resurrect: {
    params: { follow?: boolean };
    /** `file`: the list used; `notice`: set when dump.json was missing or unreadable and its backup was used. */
    result: { file: string; operations: OperationSnapshot[]; notice?: string };
  };
  /**
   * Sends a signal to every live worker process of an app (PM2's `sendSignal`), e.g. SIGUSR2 for
   * the app's own handler. `signal` is one of {@link WORKER_SIGNALS}. SIGINT/SIGTERM make a worker
   * drain and exit, and it is restarted as after a crash: use `reload` to replace workers.
   */
  signal: {
    params: { name: string; signal: string };
    result: { app: string; signal: WorkerSignal; workers: Array<{ id: number; pid: number }> };
  };
  /** Stop every app gracefully, then end the daemon. Answers before the daemon exits. */
  kill: {
    params: Record<string, never>;
    result: { pid: number; apps: string[] };
  };
  /**
   * `hotctl update`: this daemon starts `exec_path entry` (the CLI's install) and hands it every
   * routed listening socket; the new daemon restores every app on its revision, and once all are
   * ready takes over the control socket, the pid lock and the HTTP listener. Answers once it has;
   * this daemon then drains its workers and exits. On any failure this daemon keeps serving and
   * the request fails with E_UPDATE_FAILED (docs/traffic.md, "Handing over to a new daemon").
   */
  handoff: {
    params: { entry: string; exec_path: string; timeout_ms: number };
    result: { old_pid: number; pid: number; sockets: number; apps: string[]; took_ms: number };
  };
}

/** What `apply` may do to one app: start it, reload it, scale it, leave it (`unchanged`), delete it (`--prune`), or `keep` it (not in the file, no `--prune`). */
export const APPLY_ACTIONS = ['start', 'reload', 'scale', 'unchanged', 'delete', 'keep'] as const;
export type ApplyAction = (typeof APPLY_ACTIONS)[number];

/** What `apply` does to one app, and why. */
export interface ApplyPlanItem {
  app: string;
  action: ApplyAction;
  /** The keys that differ from the running spec (for reload/scale). */
  changed: string[];
  /** For scale: from → to. */
  instances?: { from: number; to: number };
  /** Why, in words: "spec changed: env", "git commit 1a2b3c4 → 5d6e7f8", "redeploy: …". */
  reasons?: string[];
}

export type Method = keyof Methods;
export type Params<M extends Method> = Methods[M]['params'];
export type Result<M extends Method> = Methods[M]['result'];

export const METHODS = [
  'hello',
  'status',
  'start',
  'reload',
  'promote',
  'rollback',
  'scale',
  'history',
  'apply',
  'restart',
  'stop',
  'delete',
  'operation',
  'subscribe',
  'logs',
  'flush',
  'save',
  'resurrect',
  'signal',
  'kill',
  'handoff',
] as const satisfies readonly Method[];

/** The signals `hotctl signal` may send to an app's workers (POSIX names, as Node knows them). */
export const WORKER_SIGNALS = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
] as const;
export type WorkerSignal = (typeof WORKER_SIGNALS)[number];

/** The signal named `name` ("SIGUSR2", "usr2", "USR2"), or null when there is no such signal. */
export function parseSignal(name: string): WorkerSignal | null {
  const upper = name.trim().toUpperCase();
  const full = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return (WORKER_SIGNALS as readonly string[]).includes(full) ? (full as WorkerSignal) : null;
}

/** The most lines one `logs` request may ask for. */
export const MAX_LOG_LINES = 100_000;

/**
 * - `status`: a full StatusSnapshot now, then again after every change (coalesced).
 * - `metrics`: one MetricsEvent per sampler tick.
 * - `events`: worker transitions and operation progress, as they happen.
 * - `logs`: every line workers write (optionally only some apps: `apps` in subscribe params).
 */
export const SUBSCRIPTION_TOPICS = ['status', 'metrics', 'events', 'logs'] as const;
export type SubscriptionTopic = (typeof SUBSCRIPTION_TOPICS)[number];

/** Client → daemon. */
export interface RequestMessage<M extends Method = Method> {
  id: number;
  method: M;
  params: Params<M>;
}

/** Daemon → client: the answer to one request. */
export type ResponseMessage<M extends Method = Method> =
  | { id: number; ok: true; result: Result<M> }
  | { id: number; ok: false; error: ErrorPayload };

/** Daemon → client: an event, for a subscription or a followed operation. */
export interface EventMessage {
  event: DaemonEvent['kind'];
  data: DaemonEvent;
}

/** The topic each event kind belongs to. */
export const EVENT_TOPIC: Readonly<Record<DaemonEvent['kind'], SubscriptionTopic>> = {
  worker: 'events',
  operation: 'events',
  metrics: 'metrics',
  status: 'status',
  log: 'logs',
};

export type ServerMessage = ResponseMessage | EventMessage;

/** The largest control message the daemon accepts (bytes). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export function isMethod(value: unknown): value is Method {
  return typeof value === 'string' && (METHODS as readonly string[]).includes(value);
}
