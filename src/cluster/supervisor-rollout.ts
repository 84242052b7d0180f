/**
 * The supervisor's implementation of {@link AppRollout}, one per operation: the worker verbs go
 * to the pool, the writes (outcomes, roles, the active revision, the operation's target, the
 * wanted state) to the supervisor through {@link RolloutWrites}, which alone performs them.
 */
import type { AppSpec, ErrorPayload, HotctlError } from '../protocol/index.js';
import type { Operation } from './operation.js';
import { failureError, plural } from './op-steps.js';
import type { Revision, ScriptFacts } from './revision.js';
import type { RevisionHistory } from './revision-history.js';
import type { AppRollout, CanaryHold, WorkerCheck } from './rollout.js';
import type { WorkerPool } from './worker-pool.js';
import type { Clock, ManagedWorker, WorkerRole } from './worker-state.js';

/** What the supervisor writes on a rollout's behalf (supervisor.ts implements each). */
export interface RolloutWrites {
  createRevision(spec: AppSpec, origin: { cause: string; rollbackOf?: Revision }): Promise<Revision>;
  target(op: Operation, revision: Revision): void;
  commit(revision: Revision, workers: readonly ManagedWorker[]): void;
  reject(revision: Revision, error: ErrorPayload): void;
  holdCanary(revision: Revision, workers: readonly ManagedWorker[]): void;
  releaseCanary(): void;
  canaryRolledBack(revision: Revision): void;
  scaled(instances: number, workers: readonly ManagedWorker[]): void;
  stopping(): void;
}

/** What the rollout reads of the supervisor. */
export interface RolloutHost {
  readonly name: string;
  readonly spec: AppSpec;
  readonly canary: CanaryHold | null;
  readonly pool: WorkerPool;
  readonly history: RevisionHistory;
  readonly clock: Clock;
  inspect(spec: AppSpec): Promise<ScriptFacts>;
}

export class SupervisorRollout implements AppRollout {
  constructor(
    private readonly host: RolloutHost,
    private readonly writes: RolloutWrites,
    readonly op: Operation,
  ) {}

  get app(): string {
    return this.host.name;
  }

  get spec(): AppSpec {
    return this.host.spec;
  }

  get canary(): CanaryHold | null {
    return this.host.canary;
  }

  get activeNumber(): number {
    return this.host.history.activeNumber;
  }

  active(): Revision | undefined {
    return this.host.history.active();
  }

  revisions(): readonly Revision[] {
    return this.host.history.revisions;
  }

  workers(): ManagedWorker[] {
    return this.host.pool.workers.slice();
  }

  now(): number {
    return this.host.clock.now();
  }

  spawn(revision: Revision, instances: readonly number[], role: WorkerRole = 'candidate'): ManagedWorker[] {
    return instances.map((i) => this.host.pool.spawn(i, revision, role));
  }

  waitFor<T>(check: WorkerCheck<T>, timeout?: { afterMs: number; onTimeout: () => T }): Promise<T> {
    return this.host.pool.waitFor(check, timeout);
  }

  async retire(workers: readonly ManagedWorker[], reason: string, report = false): Promise<string> {
    for (const w of workers) this.host.pool.retire(w, reason);
    await this.host.pool.waitFor(() => (workers.every((w) => w.state === 'exited') ? true : undefined));
    const killed = workers.filter((w) => w.forcedKill !== null);
    if (!report || killed.length === 0) return '';
    const known = killed.every((w) => w.forcedKill?.connectionsOpen !== null);
    const cut = killed.reduce((n, w) => n + (w.forcedKill?.connectionsOpen ?? 0), 0);
    const what = `${plural(killed.length, 'worker')} killed after kill_timeout, ${known ? plural(cut, 'connection') : 'an unknown number of connections'} cut`;
    this.op.step(`${what} (close long-lived connections in an onDrainStart hook or the app's SIGINT handler)`);
    return `; ${what}`;
  }

  commit(revision: Revision, workers: readonly ManagedWorker[]): void {
    this.writes.commit(revision, workers);
  }

  failure(worker: ManagedWorker, code: 'E_RELOAD_FAILED' | 'E_START_FAILED'): HotctlError {
    return failureError(this.app, this.op, worker, code);
  }

  reject(revision: Revision, error: HotctlError): void {
    this.writes.reject(revision, error.toJSON());
    this.fail(error);
  }

  fail(error: HotctlError): void {
    this.op.fail(error.toJSON(), error.message);
  }

  async newRevision(spec: AppSpec, origin: { cause: string; rollbackOf?: Revision } = { cause: this.op.kind }): Promise<Revision> {
    const revision = await this.writes.createRevision(spec, origin);
    this.writes.target(this.op, revision);
    return revision;
  }

  target(revision: Revision): void {
    this.writes.target(this.op, revision);
  }

  inspect(spec: AppSpec): Promise<ScriptFacts> {
    return this.host.inspect(spec);
  }

  holdCanary(revision: Revision, workers: readonly ManagedWorker[]): void {
    this.writes.holdCanary(revision, workers);
  }

  releaseCanary(): void {
    this.writes.releaseCanary();
  }

  canaryRolledBack(revision: Revision): void {
    this.writes.canaryRolledBack(revision);
  }

  scaled(instances: number, workers: readonly ManagedWorker[]): void {
    this.writes.scaled(instances, workers);
  }

  stopping(): void {
    this.writes.stopping();
  }
}
