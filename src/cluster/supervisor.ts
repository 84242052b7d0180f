/**
 * The supervisor of one app: its spec, its revisions, its workers, and the one operation that
 * may run on it at a time. Operation bodies live in app-operations.ts and strategies/; each
 * gets a Rollout (supervisor-rollout.ts) and never this class. This file owns the bookkeeping
 * around them and is the one writer of the app's facts: the wanted state, the spec, a worker's
 * role, an operation's target revision, and (through its RevisionHistory) outcomes and the
 * active revision.
 */
import type { AppSpec, AppStatusInfo, DaemonEvent, OperationKind, ProcessExitInfo, WorkerTransitionEvent } from '../protocol/index.js';
import type { SupervisorDeps, SupervisorRecord } from './supervisor-record.js';
import { HotctlError, toHotctlError } from '../protocol/index.js';
import { runOperationBody } from './app-operations.js';
import { AppFacts } from './app-facts.js';
import { appStatusInfo } from './app-status.js';
import { CronSchedule } from './cron-schedule.js';
import { Operation } from './operation.js';
import type { OperationRequest } from './op-steps.js';
import type { Revision } from './revision.js';
import type { CanaryHold } from './rollout.js';
import { SupervisorRollout } from './supervisor-rollout.js';
import { Parking } from './parking.js';
import { WorkerReactions } from './worker-reactions.js';
import type { ManagedWorker } from './worker-state.js';
import { WorkerPool } from './worker-pool.js';
import { WorkerReplacement } from './worker-replacement.js';
import { isoTime } from '../platform/iso-time.js';

export { MAX_REVISIONS } from './revision-history.js';

export type { SupervisorDeps, SupervisorRecord } from './supervisor-record.js';

/** Operations that replace the app's processes, each counted as one restart (as PM2 does). */
const COUNTED_AS_RESTART: readonly OperationKind[] = ['restart', 'reload', 'rollback', 'promote'];

export class Supervisor {
  readonly pool: WorkerPool;
  /** The app's facts and their one writer (spec, wanted, canary, roles, revisions). */
  private readonly facts: AppFacts;
  private reloads = { succeeded: 0, failed: 0 };
  private restartCount = 0;
  /** How the last process that ended on its own ended. */
  private lastExit: ProcessExitInfo | null = null;
  /** A process ended on purpose and the pool may now be empty: the app is then `stopped` (a job done). */
  private jobEnded = false;
  /** Whether cron_restart runs for this app: false after stop/delete, true after any start. */
  private scheduled = false;
  private schedule: CronSchedule | null = null;
  private readonly replacement: WorkerReplacement;
  /** The previous generation parked after a reload, within its rollback window; what is done by itself when a worker moves. */
  private readonly parking: Parking;
  private readonly reactions: WorkerReactions;
  private current: Operation | null = null;
  private lastOperation: Operation | null = null;
  /** Operations waiting their turn (`--wait`), oldest first. */
  private readonly waiting: Array<() => void> = [];

  constructor(
    spec: AppSpec,
    readonly deps: SupervisorDeps,
    record?: SupervisorRecord,
  ) {
    this.facts = new AppFacts(spec, record, {
      now: () => deps.clock.now(),
      inspect: deps.inspect,
      changed: () => deps.changed(),
      committed: () => this.syncSchedule(),
    });
    if (record) {
      this.restartCount = record.restarts ?? 0;
      this.scheduled = record.scheduled ?? record.running;
      this.lastExit = record.last_exit ?? null;
    }
    this.pool = new WorkerPool(spec.name, deps, (event, worker) => this.onWorkerEvent(event, worker));
    this.replacement = new WorkerReplacement(this.pool, (workers) => this.facts.serve(workers));
    this.parking = new Parking(this.pool, deps.clock, () => deps.changed());
    const rollback = (request: OperationRequest): void => void this.begin('rollback', request).catch(() => {});
    const replace = (worker: ManagedWorker, reason: string): void => void this.replaceWorker(worker, reason);
    this.reactions = new WorkerReactions(this.parking, { canary: () => this.canary, activeRevision: () => this.activeRevision, busy: () => this.current !== null, rollback, replace });
    this.syncSchedule();
  }

  /**
   * Registers the app without running it (`autostart: false`): `stopped`, its cron_restart
   * schedule armed; `hotctl restart <name>` or the schedule runs it.
   */
  registerStopped(spec: AppSpec): void {
    this.facts.registerStopped(spec);
    this.scheduled = true;
    this.syncSchedule();
    this.deps.changed();
  }

  /** Stops the cron_restart timer (the app is forgotten). */
  dispose(): void {
    this.schedule?.stop();
    this.schedule = null;
  }

  get name(): string {
    return this.facts.spec.name;
  }

  get spec(): AppSpec {
    return this.facts.spec;
  }

  get wanted(): 'running' | 'stopped' {
    return this.facts.wanted;
  }

  get canary(): CanaryHold | null {
    return this.facts.canary;
  }

  get revisions(): readonly Revision[] {
    return this.facts.history.revisions;
  }

  /** The active revision's number; 0 before the first start. */
  get activeRevision(): number {
    return this.facts.history.activeNumber;
  }

  get operation(): Operation | null {
    return this.current;
  }

  /**
   * Starts an operation. Refused with E_OPERATION_IN_PROGRESS while another runs on this app,
   * unless `wait`, in which case it runs after the ones queued before it.
   */
  async begin(kind: OperationKind, options: OperationRequest & { wait?: boolean } = {}): Promise<Operation> {
    // promote / rollback during `reload --auto` end its analysis early (a rollback with a reason: hotctl abandons it); the answer is that reload.
    if ((kind === 'promote' || kind === 'rollback') && this.current && this.facts.analysis?.decide(options.reason ? 'abandon' : kind, options.reason ?? `\`hotctl ${kind}\``)) return this.current;
    while (this.current !== null) {
      if (!options.wait) {
        throw new HotctlError('E_OPERATION_IN_PROGRESS', `${this.current.kind} of "${this.name}" is in progress (${this.current.id}, ${this.current.state}).`, {
          details: { app: this.name, operation: this.current.id, kind: this.current.kind, state: this.current.state },
        });
      }
      // Queued: woken in order when the running operation ends (see run()).
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    const operation = new Operation(this.name, kind, this.activeRevision === 0 ? null : this.activeRevision, (op, message) => this.onOperationEvent(op, message), () => this.deps.clock.now());
    this.current = operation;
    // The body starts on the next turn, so the caller can follow the operation (and answer its
    // client) before the first event is emitted.
    setImmediate(() => void this.run(operation, options));
    return operation;
  }

  activeRevisionRecord(): Revision | undefined {
    return this.facts.history.active();
  }

  /**
   * Replaces one serving worker gracefully (max_memory_restart, unresponsive): see
   * worker-replacement.ts. Skipped while an operation runs (the operation replaces workers itself).
   */
  replaceWorker(worker: ManagedWorker, reason: string): Promise<boolean> {
    return this.replacement.replace(worker, reason, this.current !== null);
  }

  /** The app's restart count (see AppStatusInfo.restarts). */
  restarts(): number {
    return this.restartCount;
  }

  /** Counters for metrics. */
  reloadCounts(): { succeeded: number; failed: number } {
    return { ...this.reloads };
  }

  status(): AppStatusInfo {
    return appStatusInfo({
      name: this.name,
      spec: this.spec,
      wanted: this.wanted,
      activeRevision: this.activeRevision,
      workers: this.pool.workers,
      operation: this.current,
      lastOperation: this.lastOperation,
      canary: this.canary,
      analysis: this.facts.analysis?.info(this.deps.clock.now()) ?? null,
      parked: this.parking.generation,
      restarts: this.restartCount,
      lastExit: this.lastExit,
      nextRunMs: this.schedule?.nextRun ?? null,
      nowMs: this.deps.clock.now(),
      metricsOf: this.deps.metricsOf,
    });
  }

  record(): SupervisorRecord {
    return {
      name: this.name,
      spec: this.spec,
      running: this.wanted === 'running',
      ...this.facts.history.record(),
      restarts: this.restartCount,
      scheduled: this.scheduled,
      last_exit: this.lastExit,
      canary: this.canary ? { revision: this.canary.revision.number, workers: this.canary.workers.length, share: this.canary.share } : null,
    };
  }

  history() {
    return this.facts.history.infos();
  }

  private async run(operation: Operation, request: OperationRequest): Promise<void> {
    try {
      // Any operation but a rollback ends the rollback window: the parked generation drains once
      // the new workers are forked, or the body looks at the workers, or at the latest when it ends.
      if (operation.kind !== 'rollback') this.parking.drainSoon(`${operation.kind} started`);
      await runOperationBody(new SupervisorRollout(this.facts, this.pool, this.deps.clock, operation, this.parking, () => this.deps.routed?.(this.name) ?? false, () => this.deps.outcomesOf?.(this.name) ?? new Map()), request);
    } catch (err) {
      const error = toHotctlError(err);
      if (!operation.terminal) {
        if (operation.state === 'pending') operation.fail(error.toJSON(), `${operation.kind} refused: ${error.message}`);
        else operation.abort(error.toJSON(), `${operation.kind} stopped by an error: ${error.message}`);
      }
    } finally {
      // A canary held again after a daemon restart is neither a reload nor a restart of the app.
      const counted = request.resumeCanary === undefined;
      if (counted && (operation.kind === 'reload' || operation.kind === 'rollback' || operation.kind === 'promote')) {
        if (operation.state === 'succeeded') this.reloads.succeeded++;
        else this.reloads.failed++;
      }
      if (counted && operation.state === 'succeeded' && COUNTED_AS_RESTART.includes(operation.kind)) this.restartCount++;
      this.scheduled = operation.kind !== 'stop' && operation.kind !== 'delete';
      this.parking.settle();
      this.lastOperation = operation;
      this.current = null;
      this.settleJobEnded();
      this.syncSchedule();
      this.deps.changed();
      this.waiting.shift()?.();
    }
  }

  private onWorkerEvent(event: WorkerTransitionEvent, worker: ManagedWorker): void {
    if (event.from === 'backoff' && event.to === 'forking') this.restartCount++;
    // A process that ended by itself and is not restarted: a job done, or one that failed with autorestart false.
    const endedAlone = (event.to === 'exited' && event.from !== 'draining' && event.from !== 'errored' && event.from !== 'crashed' && event.from !== 'backoff') || (event.to === 'errored' && event.reason.startsWith('autorestart is false'));
    if (endedAlone) {
      const outcome = event.to === 'exited' ? 'done' : 'failed';
      this.lastExit = { exit_code: event.exit_code ?? null, signal: event.signal ?? null, at: event.at, outcome };
      if (outcome === 'done') this.jobEnded = true;
      if (this.current === null) this.settleJobEnded();
    }
    this.reactions.seen(event, worker);
    this.deps.changed();
  }

  /** A job whose every process ended on purpose, outside any operation, is `stopped` (its schedule runs on). */
  private settleJobEnded(): void {
    if (!this.jobEnded) return;
    this.jobEnded = false;
    if (this.pool.workers.length === 0) this.facts.jobEnded();
  }

  /** Arms, re-arms or stops the cron_restart timer to match the spec and `scheduled`. */
  private syncSchedule(): void {
    const expression = this.scheduled ? this.spec.cron_restart : undefined;
    if (this.schedule?.expression === expression) return;
    this.schedule?.stop();
    this.schedule = expression === undefined ? null : new CronSchedule(expression, this.deps.clock, () => this.onSchedule());
  }

  /**
   * A cron_restart time: the app is restarted (PM2's meaning), or run again when it had stopped
   * (a job). Skipped while another operation runs on the app.
   */
  private onSchedule(): void {
    if (this.current !== null) return;
    void this.begin('restart', { resume: true, reason: `cron_restart "${this.spec.cron_restart}"` }).catch(() => {});
  }

  private onOperationEvent(operation: Operation, message: string | undefined): void {
    const event: DaemonEvent = { kind: 'operation', at: isoTime(this.deps.clock.now()), app: this.name, operation: operation.snapshot() };
    if (message !== undefined) event.message = message;
    this.deps.emit(event);
  }
}
