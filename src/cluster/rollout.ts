/**
 * What a rollout may do to an app's workers: the one interface between the reload strategies
 * (strategies/*.ts) and the supervisor that implements it (supervisor-rollout.ts), as
 * node:cluster puts round-robin and shared-handle behind one add/remove interface.
 *
 * A strategy spawns workers of a revision, waits for them to be ready and stable, retires
 * workers, and ends with commit (the revision is active) or reject (it failed). It never
 * writes a fact itself: outcomes, roles, the active revision, the operation's target revision
 * and the wanted state are written by the supervisor behind these calls.
 *
 * Parking (issue 11 item 3, parking.ts): a strategy that can park the previous generation
 * (`parkWindowMs` > 0: the app's listens are routed) commits as soon as every new worker is
 * ready and parks the old workers instead of holding reload_hold and draining them.
 */
import type { AppSpec, CanaryAnalysisInfo, CanaryStepRecord, ErrorPayload, OperationKind, OperationState, ReloadStrategy as StrategyName, RequestOutcomes, WorkerState } from '../protocol/index.js';
import type { HotctlError } from '../protocol/index.js';
import type { ParkedGeneration } from './parking.js';
import type { Revision, ScriptFacts } from './revision.js';
import type { ManagedWorker, WorkerRole } from './worker-state.js';

/** What a rollout may do to its operation: move it, record progress, read where it started. */
export interface OperationProgress {
  readonly id: string;
  readonly kind: OperationKind;
  readonly fromRevision: number | null;
  readonly state: OperationState;
  transition(to: OperationState, message?: string): void;
  step(message: string, worker?: { id: number; pid: number | null; state: WorkerState }): void;
}

/** A condition on the workers: undefined while it does not hold, a value once it does. */
export type WorkerCheck<T> = () => T | undefined;

export interface Rollout {
  readonly app: string;
  /** The operation this rollout runs in. */
  readonly op: OperationProgress;
  /** The revision serving when the rollout began, until commit (undefined before a first start). */
  active(): Revision | undefined;
  /** The app's workers now (a copy), of every revision and state. */
  workers(): ManagedWorker[];
  /** The time on the supervisor's clock (ms). */
  now(): number;
  /**
   * Forks workers of `revision` for `instances`. Candidates (the default) are never restarted:
   * a crash fails the rollout. `serving` workers restart on a crash (the previous revision brought
   * back by a failed rollout, or a start).
   */
  spawn(revision: Revision, instances: readonly number[], role?: WorkerRole): ManagedWorker[];
  /** Resolves with the first value `check` returns, re-checked after every worker transition; or with `onTimeout()` after `afterMs`. */
  waitFor<T>(check: WorkerCheck<T>, timeout?: { afterMs: number; onTimeout: () => T }): Promise<T>;
  /**
   * Retires `workers` gracefully (drain, then exit; SIGKILL after kill_timeout) and resolves
   * once every one has exited. With `report`, workers killed at kill_timeout are a step of the
   * operation; the text returned says so ('' when every worker drained).
   */
  retire(workers: readonly ManagedWorker[], reason: string, report?: boolean): Promise<string>;
  /** The point of no return: `revision` becomes active and `workers` serve it. */
  commit(revision: Revision, workers: readonly ManagedWorker[]): void;
  /**
   * How long the previous generation may stay parked once `revision` is committed (ms): `asked`
   * (`reload --rollback-window`) or its spec's rollback_window; 0 when the app cannot park (its
   * listens are not routed: routing off, fork mode, no routed listen — a parked queue consumer
   * would keep consuming). Then the old generation drains after reload_hold, as before.
   */
  parkWindowMs(revision: Revision, asked?: number): number;
  /** Parks the ready workers of `workers` (the previous generation, running `revision`) for `windowMs`; returns them. */
  park(revision: Revision, workers: readonly ManagedWorker[], windowMs: number): ManagedWorker[];
  /** The error the operation fails with because `worker` broke (the cause, its stderr tail). */
  failure(worker: ManagedWorker, code: 'E_RELOAD_FAILED' | 'E_START_FAILED'): HotctlError;
  /** `revision` failed with `error` (its workers already retired): its outcome, then the operation fails. */
  reject(revision: Revision, error: HotctlError): void;
  /** Ends the operation as failed with `error` (nothing to record on a revision). */
  fail(error: HotctlError): void;
}

/** What a reload was asked for beyond its revision. */
export interface ReloadOptions {
  /** rolling: workers replaced at a time. */
  batch: number;
  /** `reload --rollback-window`: overrides the spec's rollback_window for this reload (ms). */
  rollbackWindowMs?: number;
}

/** One way of replacing an app's workers with a new revision's: one per file in strategies/. */
export interface ReloadStrategy {
  readonly name: StrategyName;
  /** Replaces the active revision's workers with workers of `revision`. */
  reload(rollout: Rollout, revision: Revision, options: ReloadOptions): Promise<void>;
  /** Completes a canary: `canary` workers of `revision` serve already beside the active revision's. */
  promote(rollout: Rollout, revision: Revision, canary: readonly ManagedWorker[]): Promise<void>;
}

/** A canary held between `reload --canary` and `promote` / `rollback`. */
export interface CanaryHold {
  readonly revision: Revision;
  readonly workers: readonly ManagedWorker[];
  readonly sinceMs: number;
  /** The percentage of new connections asked for the canary revision (`--canary 10%`), or null: by worker count. */
  readonly share: number | null;
}

/** A canary analysis running (`reload --auto`): what status shows, and how promote/rollback end it early. */
export interface AnalysisHandle {
  info(nowMs: number): CanaryAnalysisInfo;
  /** Ends the analysis early: false when it is already ending. */
  decide(kind: 'promote' | 'rollback' | 'abandon', reason: string): boolean;
}

/**
 * What an operation body (start, restart, stop, scale, rollback, canary) may do besides a
 * rollout: make revisions, hold a canary, change the worker count. Also implemented by the
 * supervisor; strategies get the narrower {@link Rollout}.
 */
export interface AppRollout extends Rollout {
  /** The app's spec now. */
  readonly spec: AppSpec;
  readonly canary: CanaryHold | null;
  revisions(): readonly Revision[];
  /** The active revision's number (0 before a first start; kept when its record left the history). */
  readonly activeNumber: number;
  /** Makes the next revision from `spec` (its files read now) and makes it the operation's target. */
  newRevision(spec: AppSpec, origin?: { cause: string; rollbackOf?: Revision }): Promise<Revision>;
  /** Makes `revision` the operation's target (an existing one: resumed, scaled, promoted). */
  target(revision: Revision): void;
  /** Reads the facts of a spec's files (rollback: are the pinned files unchanged?). */
  inspect(spec: AppSpec): Promise<ScriptFacts>;
  holdCanary(revision: Revision, workers: readonly ManagedWorker[], share: number | null): void;
  /** The held canary's share of new connections (an analysis' step; 0 while it is rolled back). */
  shareCanary(share: number): void;
  /** A judged step of `revision`'s analysis, recorded with the revision (history). */
  judged(revision: Revision, step: CanaryStepRecord): void;
  /** Registers the running analysis (`reload --auto`), or null once it ended. */
  analysing(analysis: AnalysisHandle | null): void;
  /** Each revision's request outcomes, cumulative (issue 12 item 1). */
  outcomes(): ReadonlyMap<number, RequestOutcomes>;
  /** The highest event-loop delay p99 the runtimes of `workers` reported last (ms), or null. */
  loopDelayP99Ms(workers: readonly ManagedWorker[]): number | null;
  /** Forgets the canary (promote takes its workers over, or stop retires them). */
  releaseCanary(): void;
  /** The canary of `revision` was retired (after releaseCanary): its outcome is rolled back. */
  canaryRolledBack(revision: Revision, error?: HotctlError): void;
  /** Scale up: `workers` of the active revision serve, and `instances` is the new count. */
  scaled(instances: number, workers: readonly ManagedWorker[]): void;
  /** stop, delete, restart: the app is to be stopped. */
  stopping(): void;
  /** The parked previous generation, when every one of its workers is still parked; else null. */
  parked(): ParkedGeneration | null;
  /** The parked generation drains now (a rollback to another revision). */
  drainParked(reason: string): void;
  /**
   * A rollback within the window: the parked workers serve again (routed at once) and their
   * revision is active again; the one active now is rolled back (with `error` when it broke).
   * Returns the generation brought back, or null when none is parked.
   */
  unpark(reason: string, error?: ErrorPayload): ParkedGeneration | null;
}
