/**
 * The worker lifecycle: one table of allowed moves, one writer.
 *
 * ```
 *            ┌────────────── stop / reload rolled back ───────────────┐
 *            │                                                        ▼
 *  forking ──► starting ──► ready ──► draining ──────────────────► exited
 *                          ▲  │        ▲
 *     (rollback in window) │  ▼        │ (window over, another operation)
 *                          parked ─────┘     parked ──► crashed ──► exited (never restarted)
 *     │           │         │   ▲        ▲
 *     │           │         ▼   │        │     unresponsive: no heartbeat for heartbeat_timeout
 *     │           │      unresponsive ───┤     (back to ready when heartbeats resume)
 *     │           │           │          │
 *     │           └───────────┴──────────┼──► crashed ──► backoff ──► forking
 *     └──────────────────────────────────┘       │   └──► errored ──► exited
 *                                                └──► exited   (a reload's new worker: never restarted)
 *  forking / starting / ready ──► exited   the process ended on purpose (a job that exited 0 with
 *                                          autorestart false, or a code in stop_exit_codes)
 * ```
 *
 * `transition()` alone writes `worker.state`: it checks the move against the table, clears the
 * timer of the state it leaves, arms the timer of the state it enters, and emits the one event
 * that status, logs and the dashboard consume. It touches no process and no socket, so it is
 * unit-tested exhaustively with a fake clock.
 */
import type { WorkerState, WorkerTransitionEvent } from '../protocol/index.js';
import { LIVE_WORKER_STATES } from '../protocol/index.js';
import type { Revision } from './revision.js';
import { isoTime } from '../platform/iso-time.js';

/** Allowed moves. Anything else is a bug in hotctl and throws. */
export const WORKER_TRANSITIONS: Readonly<Record<WorkerState, readonly WorkerState[]>> = {
  forking: ['starting', 'crashed', 'draining', 'exited'],
  starting: ['ready', 'crashed', 'draining', 'exited'],
  ready: ['draining', 'crashed', 'unresponsive', 'parked', 'exited'],
  unresponsive: ['ready', 'draining', 'crashed', 'exited'],
  parked: ['ready', 'draining', 'crashed', 'exited'],
  draining: ['exited'],
  crashed: ['backoff', 'errored', 'exited'],
  backoff: ['forking', 'exited'],
  errored: ['exited'],
  exited: [],
};

/** States in which the worker has a live process. */
/** The states in which a worker has a process (declared once, in src/protocol/states.ts). */
export const LIVE_STATES: readonly WorkerState[] = LIVE_WORKER_STATES;

/** What a worker is there for: serving the app, or a reload's candidate not yet committed. */
export type WorkerRole = 'serving' | 'candidate';

/** One managed worker. Its process may be replaced after a crash; its id stays. */
export interface ManagedWorker {
  readonly id: number;
  readonly app: string;
  /** NODE_APP_INSTANCE. */
  readonly instance: number;
  /** The revision this worker runs: its one record, set when it is created, never changed. */
  readonly deployed: Revision;
  /** `deployed.number` (derived, for events and status). */
  readonly revision: number;
  /** Written only by the supervisor (candidate → serving when a rollout commits). */
  role: WorkerRole;
  /** Written only by {@link WorkerLifecycle.transition}. */
  state: WorkerState;
  /** When the current state was entered (ms since epoch). */
  sinceMs: number;
  pid: number | null;
  /** The pid of the current or last process (kept after it is gone, for reports). */
  lastPid: number | null;
  /** When the current process started (ms since epoch), or null. */
  processStartedMs: number | null;
  /** Restarts after crashes, over the worker's life. */
  restarts: number;
  /** Crashes in a row, each within min_uptime of the process start. Reset when a process stays up past min_uptime. */
  unstableRestarts: number;
  /** The last lines the current or last process wrote to stderr. */
  stderrTail: string[];
  /** Why the last process failed, as the runtime or the supervisor saw it. */
  failure: WorkerFailure | null;
  /** Whether the current process has called listen() (a worker that never does serves no port). */
  listenStarted: boolean;
  /** Whether the current process's app module has finished evaluating. */
  evaluated: boolean;
  /** The pending timer of the current state, owned by the lifecycle. */
  timer: TimerHandle | null;
  /**
   * Set when the draining process was SIGKILLed after kill_timeout: the connections it still had
   * open, as its runtime last reported (null: never reported). Read when its exit is seen.
   */
  forcedKill: { why: string; connectionsOpen: number | null } | null;
}

export interface WorkerFailure {
  code: 'E_PORT_IN_USE' | 'E_READY_TIMEOUT' | 'E_WORKER_EXITED' | 'E_SPAWN_FAILED';
  message: string;
  /** For E_SPAWN_FAILED: the system error code (E2BIG, ENOMEM…). */
  errno?: string;
}

export type TimerHandle = { readonly __timer: unique symbol } | object;

/** Time, injectable so the machine runs under a fake clock in tests. */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Facts about a move, for the event and for timers. */
export interface TransitionDetails {
  /** For `backoff`: the delay before the next fork. */
  delayMs?: number;
  exitCode?: number | null;
  signal?: string | null;
  /** For a move to `exited` after a kill at kill_timeout: the connections cut (null: unknown). */
  connectionsCut?: number | null;
}

export interface LifecycleHooks {
  /** How long the worker may stay in `state` before {@link LifecycleHooks.onTimeout} fires; null for no timer. */
  deadlineMs(worker: ManagedWorker, state: WorkerState, details: TransitionDetails): number | null;
  /** The state's timer fired while the worker was still in it. */
  onTimeout(worker: ManagedWorker, state: WorkerState): void;
  /** Every transition, after it happened. */
  onTransition(event: WorkerTransitionEvent, worker: ManagedWorker): void;
}

export class InvalidTransitionError extends Error {
  constructor(worker: ManagedWorker, to: WorkerState) {
    super(`hotctl bug: worker ${worker.app}#${worker.id} cannot move from ${worker.state} to ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

export function canTransition(from: WorkerState, to: WorkerState): boolean {
  return WORKER_TRANSITIONS[from].includes(to);
}

export class WorkerLifecycle {
  constructor(
    private readonly clock: Clock,
    private readonly hooks: LifecycleHooks,
  ) {}

  /** Announces a worker just created in `forking` (the one event with `from: null`). */
  created(worker: ManagedWorker, reason: string): void {
    this.apply(worker, null, 'forking', reason, {});
  }

  /** The one writer of `worker.state`. */
  transition(worker: ManagedWorker, to: WorkerState, reason: string, details: TransitionDetails = {}): void {
    if (!canTransition(worker.state, to)) throw new InvalidTransitionError(worker, to);
    this.apply(worker, worker.state, to, reason, details);
  }

  private apply(worker: ManagedWorker, from: WorkerState | null, to: WorkerState, reason: string, details: TransitionDetails): void {
    if (worker.timer !== null) {
      this.clock.clearTimer(worker.timer);
      worker.timer = null;
    }
    const pid = worker.pid;
    worker.state = to;
    worker.sinceMs = this.clock.now();
    if (!LIVE_STATES.includes(to)) {
      worker.pid = null;
      worker.processStartedMs = null;
    }
    const deadline = this.hooks.deadlineMs(worker, to, details);
    if (deadline !== null) {
      worker.timer = this.clock.setTimer(() => {
        if (worker.state !== to) return;
        worker.timer = null;
        this.hooks.onTimeout(worker, to);
      }, deadline);
    }
    const event: WorkerTransitionEvent = {
      kind: 'worker',
      at: isoTime(worker.sinceMs),
      app: worker.app,
      worker_id: worker.id,
      pid,
      revision: worker.revision,
      instance: worker.instance,
      from,
      to,
      reason,
    };
    if (details.delayMs !== undefined) event.delay_ms = details.delayMs;
    if (details.exitCode !== undefined) event.exit_code = details.exitCode;
    if (details.signal !== undefined) event.signal = details.signal;
    if (details.connectionsCut !== undefined) event.connections_cut = details.connectionsCut;
    this.hooks.onTransition(event, worker);
  }
}

/** A new worker record, in `forking`. */
export function newWorker(init: { id: number; app: string; instance: number; revision: Revision; role: WorkerRole; nowMs: number }): ManagedWorker {
  return {
    id: init.id,
    app: init.app,
    instance: init.instance,
    deployed: init.revision,
    get revision() {
      return this.deployed.number;
    },
    role: init.role,
    state: 'forking',
    sinceMs: init.nowMs,
    pid: null,
    lastPid: null,
    processStartedMs: null,
    restarts: 0,
    unstableRestarts: 0,
    stderrTail: [],
    failure: null,
    listenStarted: false,
    evaluated: false,
    timer: null,
    forcedKill: null,
  };
}
