/**
 * The supervisor of one app: its spec, its revisions, its workers, and the one operation that
 * may run on it at a time. Operation bodies (start, surge reload, restart, stop) live in
 * app-operations.ts; this file owns the bookkeeping around them.
 */
import type { AppSpec, AppStatus, AppStatusInfo, DaemonEvent, OperationKind, ProcessExitInfo, WorkerMetricsSummary, WorkerStatus, WorkerTransitionEvent } from '../protocol/index.js';
import { HotctlError, toHotctlError } from '../protocol/index.js';
import { userInfo } from 'node:os';
import { runOperationBody } from './app-operations.js';
import { CronSchedule } from './cron-schedule.js';
import { Operation } from './operation.js';
import type { OperationRequest } from './op-steps.js';
import type { InspectScript, Revision } from './revision.js';
import { revisionInfo } from './revision.js';
import type { ManagedWorker } from './worker-state.js';
import type { WorkerPoolDeps } from './worker-pool.js';
import { WorkerPool } from './worker-pool.js';

/** Revisions kept per app. */
export const MAX_REVISIONS = 100;

export interface SupervisorDeps extends WorkerPoolDeps {
  inspect: InspectScript;
  /** Called after anything worth persisting changed. */
  changed(): void;
  /** The last sampled metrics of a worker, if a sampler runs. */
  metricsOf?(app: string, workerId: number): WorkerMetricsSummary | null;
}

/** What is persisted about an app (state.json). */
export interface SupervisorRecord {
  name: string;
  spec: AppSpec;
  /** Whether the app should be running when the daemon starts again. */
  running: boolean;
  active_revision: number;
  next_revision: number;
  revisions: Revision[];
  /** The app's restart count (see AppStatusInfo.restarts). Absent in older state files. */
  restarts?: number;
  /** Whether its cron_restart schedule runs (false once stopped by an operator). */
  scheduled?: boolean;
  last_exit?: ProcessExitInfo | null;
}

/** Operations that replace the app's processes, each counted as one restart (as PM2 does). */
const COUNTED_AS_RESTART: readonly OperationKind[] = ['restart', 'reload', 'rollback', 'promote'];

export class Supervisor {
  readonly pool: WorkerPool;
  spec: AppSpec;
  revisions: Revision[] = [];
  activeRevision = 0;
  private nextRevision = 1;
  /** `stopped` after stop/delete: status says stopped. */
  wanted: 'running' | 'stopped' = 'running';
  /** A canary held between `reload --canary` and `promote`/`rollback`. */
  canary: { revision: Revision; workers: ManagedWorker[]; sinceMs: number } | null = null;
  private reloads = { succeeded: 0, failed: 0 };
  private restartCount = 0;
  /** How the last process that ended on its own ended. */
  private lastExit: ProcessExitInfo | null = null;
  /** A process ended on purpose and the pool may now be empty: the app is then `stopped` (a job done). */
  private jobEnded = false;
  /** Whether cron_restart runs for this app: false after stop/delete, true after any start. */
  private scheduled = false;
  private schedule: CronSchedule | null = null;
  private readonly replacing = new Set<number>();
  private current: Operation | null = null;
  private lastOperation: Operation | null = null;
  /** Operations waiting their turn (`--wait`), oldest first. */
  private readonly waiting: Array<() => void> = [];

  constructor(
    spec: AppSpec,
    readonly deps: SupervisorDeps,
    record?: SupervisorRecord,
  ) {
    this.spec = spec;
    if (record) {
      this.revisions = record.revisions;
      this.activeRevision = record.active_revision;
      this.nextRevision = record.next_revision;
      this.wanted = record.running ? 'running' : 'stopped';
      this.restartCount = record.restarts ?? 0;
      this.scheduled = record.scheduled ?? record.running;
      this.lastExit = record.last_exit ?? null;
    }
    this.pool = new WorkerPool(spec.name, deps, (event, worker) => this.onWorkerEvent(event, worker));
    this.syncSchedule();
  }

  /**
   * Registers the app without running it (`autostart: false`): `stopped`, its cron_restart
   * schedule armed; `hotctl restart <name>` or the schedule runs it.
   */
  registerStopped(spec: AppSpec): void {
    this.spec = spec;
    this.wanted = 'stopped';
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
    return this.spec.name;
  }

  get operation(): Operation | null {
    return this.current;
  }

  /**
   * Starts an operation. Refused with E_OPERATION_IN_PROGRESS while another runs on this app,
   * unless `wait`, in which case it runs after the ones queued before it.
   */
  async begin(kind: OperationKind, options: OperationRequest & { wait?: boolean } = {}): Promise<Operation> {
    while (this.current !== null) {
      if (!options.wait) {
        throw new HotctlError('E_OPERATION_IN_PROGRESS', `${this.current.kind} of "${this.name}" is in progress (${this.current.id}, ${this.current.state}).`, {
          details: { app: this.name, operation: this.current.id, kind: this.current.kind, state: this.current.state },
        });
      }
      // Queued: woken in order when the running operation ends (see run()).
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    const operation = new Operation(this.name, kind, this.activeRevision === 0 ? null : this.activeRevision, (op, message) => this.onOperationEvent(op, message));
    this.current = operation;
    // The body starts on the next turn, so the caller can follow the operation (and answer its
    // client) before the first event is emitted.
    setImmediate(() => void this.run(operation, options));
    return operation;
  }

  /**
   * Makes the next revision from `spec`: its script's facts are read from disk now. A rollback
   * pins the files of the revision it goes back to.
   */
  async createRevision(spec: AppSpec, origin: { cause: string; rollbackOf?: Revision }): Promise<Revision> {
    const pinned = origin.rollbackOf;
    const facts = await this.deps.inspect(pinned ? { ...spec, script: pinned.script, cwd: pinned.cwd } : spec);
    const revision: Revision = {
      ...facts,
      number: this.nextRevision++,
      createdMs: this.deps.clock.now(),
      spec,
      outcome: 'pending',
      error: null,
      user: currentUser(),
      cause: origin.cause,
      rollback_of: pinned?.number ?? null,
    };
    this.revisions.push(revision);
    if (this.revisions.length > MAX_REVISIONS) this.revisions.splice(0, this.revisions.length - MAX_REVISIONS);
    this.deps.changed();
    return revision;
  }

  /**
   * The point of no return of a deployment: `revision` becomes active (the one before it
   * superseded, or rolled back when this is a rollback) and `workers` serve it.
   */
  commit(revision: Revision, workers: ManagedWorker[]): void {
    for (const w of workers) w.role = 'serving';
    const previous = this.activeRevisionRecord();
    if (previous && previous !== revision) previous.outcome = revision.cause === 'rollback' ? 'rolled_back' : 'superseded';
    revision.outcome = 'active';
    this.wanted = 'running';
    this.activeRevision = revision.number;
    this.spec = revision.spec;
    this.syncSchedule();
    this.deps.changed();
  }

  activeRevisionRecord(): Revision | undefined {
    return this.revisions.find((r) => r.number === this.activeRevision);
  }

  setInstances(instances: number): void {
    this.spec = { ...this.spec, instances };
    this.deps.changed();
  }

  holdCanary(revision: Revision, workers: ManagedWorker[]): void {
    revision.outcome = 'canary';
    this.canary = { revision, workers, sinceMs: this.deps.clock.now() };
    this.deps.changed();
  }

  releaseCanary(): void {
    this.canary = null;
  }

  /**
   * Replaces one serving worker gracefully (max_memory_restart, unresponsive): its successor — same instance,
   * same revision — is ready before it drains. If the successor fails, the worker keeps serving.
   * Skipped while an operation runs (the operation replaces workers itself).
   */
  async replaceWorker(worker: ManagedWorker, reason: string): Promise<boolean> {
    const revision = this.pool.revisionOf(worker);
    if (!revision || this.current !== null || this.replacing.has(worker.id) || (worker.state !== 'ready' && worker.state !== 'unresponsive') || worker.role !== 'serving') return false;
    this.replacing.add(worker.id);
    try {
      const successor = this.pool.spawn(worker.instance, revision, 'candidate');
      const ready = await this.pool.waitFor(() => {
        if (successor.state === 'ready') return true;
        return successor.state === 'forking' || successor.state === 'starting' ? undefined : false;
      });
      if (!ready) return false;
      successor.role = 'serving';
      this.pool.retire(worker, reason);
      return true;
    } finally {
      this.replacing.delete(worker.id);
    }
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
    const now = this.deps.clock.now();
    const workers: WorkerStatus[] = this.pool.workers.map((w) => ({
      id: w.id,
      pid: w.pid,
      instance: w.instance,
      state: w.state,
      revision: w.revision,
      restarts: w.restarts,
      uptime_ms: w.processStartedMs === null ? 0 : now - w.processStartedMs,
      since: new Date(w.sinceMs).toISOString(),
      metrics: w.pid === null ? null : (this.deps.metricsOf?.(this.name, w.id) ?? null),
    }));
    return {
      name: this.name,
      status: this.appStatus(),
      revision: this.activeRevision,
      instances: this.spec.instances,
      script: this.spec.script,
      cwd: this.spec.cwd ?? '',
      restarts: this.restartCount,
      last_exit: this.lastExit,
      next_run: this.schedule?.nextRun == null ? null : new Date(this.schedule.nextRun).toISOString(),
      workers,
      operation: this.current?.snapshot() ?? null,
      last_operation: this.lastOperation?.snapshot() ?? null,
      canary: this.canary
        ? { revision: this.canary.revision.number, workers: this.canary.workers.length, since: new Date(this.canary.sinceMs).toISOString() }
        : null,
    };
  }

  appStatus(): AppStatus {
    const op = this.current;
    if (op) {
      if (op.kind === 'stop' || op.kind === 'delete') return 'stopping';
      if (op.kind === 'start') return 'starting';
      return 'reloading';
    }
    if (this.canary) return 'canary';
    const workers = this.pool.workers;
    if (workers.length === 0) return this.wanted === 'stopped' ? 'stopped' : 'errored';
    const ready = workers.filter((w) => w.state === 'ready').length;
    if (ready === workers.length && ready >= this.spec.instances) return 'online';
    if (ready === 0) return workers.some((w) => w.state === 'errored') ? 'errored' : 'starting';
    return 'degraded';
  }

  record(): SupervisorRecord {
    return {
      name: this.name,
      spec: this.spec,
      running: this.wanted === 'running',
      active_revision: this.activeRevision,
      next_revision: this.nextRevision,
      revisions: this.revisions,
      restarts: this.restartCount,
      scheduled: this.scheduled,
      last_exit: this.lastExit,
    };
  }

  history() {
    return this.revisions.map(revisionInfo);
  }

  private async run(operation: Operation, request: OperationRequest): Promise<void> {
    try {
      await runOperationBody(this, operation, request);
    } catch (err) {
      const error = toHotctlError(err);
      if (!operation.terminal) {
        if (operation.state === 'pending') operation.fail(error.toJSON(), `${operation.kind} refused: ${error.message}`);
        else operation.abort(error.toJSON(), `${operation.kind} stopped by an error: ${error.message}`);
      }
    } finally {
      if (operation.kind === 'reload' || operation.kind === 'rollback' || operation.kind === 'promote') {
        if (operation.state === 'succeeded') this.reloads.succeeded++;
        else this.reloads.failed++;
      }
      if (operation.state === 'succeeded' && COUNTED_AS_RESTART.includes(operation.kind)) this.restartCount++;
      this.scheduled = operation.kind !== 'stop' && operation.kind !== 'delete';
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
    // A canary worker that crashes while the canary holds rolls the canary back by itself.
    // (During promote the operation itself sees the crash and rolls back.)
    if (event.to === 'crashed' && this.canary?.workers.includes(worker) && this.current === null) {
      // Deferred: not from inside another worker's transition.
      setImmediate(() => {
        if (this.canary?.workers.includes(worker)) void this.begin('rollback', { wait: true, reason: `canary worker ${worker.id} crashed (${event.reason})` });
      });
    }
    // A hung worker is replaced: its successor ready first, then it is killed (pool.retire).
    if (event.to === 'unresponsive' && worker.role === 'serving') setImmediate(() => void this.replaceWorker(worker, event.reason));
    this.deps.changed();
  }

  /** A job whose every process ended on purpose, outside any operation, is `stopped` (its schedule runs on). */
  private settleJobEnded(): void {
    if (!this.jobEnded) return;
    this.jobEnded = false;
    if (this.wanted === 'running' && this.pool.workers.length === 0) this.wanted = 'stopped';
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
    const event: DaemonEvent = { kind: 'operation', at: new Date(this.deps.clock.now()).toISOString(), app: this.name, operation: operation.snapshot() };
    if (message !== undefined) event.message = message;
    this.deps.emit(event);
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
