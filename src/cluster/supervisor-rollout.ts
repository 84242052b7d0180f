/**
 * The supervisor's implementation of {@link AppRollout}, one per operation: the worker verbs go
 * to the app's pool, the writes (outcomes, roles, the active revision, the operation's target,
 * the wanted state) to the app's {@link AppFacts}, their one writer.
 */
import type { AppSpec, CanaryStepRecord, ErrorPayload, HotctlError, RequestOutcomes } from '../protocol/index.js';
import { APP_KEYS } from '../protocol/index.js';
import type { AppFacts } from './app-facts.js';
import type { ParkedGeneration, Parking } from './parking.js';
import type { Operation } from './operation.js';
import { failureError, plural } from './op-steps.js';
import type { Revision, ScriptFacts } from './revision.js';
import type { AnalysisHandle, AppRollout, CanaryHold, WorkerCheck } from './rollout.js';
import type { WorkerPool } from './worker-pool.js';
import type { Clock, ManagedWorker, WorkerRole } from './worker-state.js';

export class SupervisorRollout implements AppRollout {
  constructor(
    private readonly writes: AppFacts,
    private readonly pool: WorkerPool,
    private readonly clock: Clock,
    readonly op: Operation,
    private readonly parking: Parking,
    /** Whether the app's listens are routed by the primary (the daemon's router says; false without one). */
    private readonly routed: () => boolean,
    /** The app's request outcomes per revision (the daemon's sums; none in a rig without them). */
    private readonly outcomesOf: () => ReadonlyMap<number, RequestOutcomes> = () => new Map(),
  ) {}

  get app(): string {
    return this.pool.app;
  }

  get spec(): AppSpec {
    return this.writes.spec;
  }

  get canary(): CanaryHold | null {
    return this.writes.canary;
  }

  get activeNumber(): number {
    return this.writes.history.activeNumber;
  }

  active(): Revision | undefined {
    return this.writes.history.active();
  }

  revisions(): readonly Revision[] {
    return this.writes.history.revisions;
  }

  workers(): ManagedWorker[] {
    // A parked generation whose window this operation ended is draining before anyone looks.
    this.parking.settle();
    return this.pool.workers.slice();
  }

  now(): number {
    return this.clock.now();
  }

  spawn(revision: Revision, instances: readonly number[], role: WorkerRole = 'candidate'): ManagedWorker[] {
    const fresh = instances.map((i) => this.pool.spawn(i, revision, role));
    // The window this operation ended: its workers drain once the new ones are forked (parking.ts drainSoon).
    this.parking.settle();
    return fresh;
  }

  waitFor<T>(check: WorkerCheck<T>, timeout?: { afterMs: number; onTimeout: () => T }): Promise<T> {
    return this.pool.waitFor(check, timeout);
  }

  async retire(workers: readonly ManagedWorker[], reason: string, report = false): Promise<string> {
    for (const w of workers) this.pool.retire(w, reason);
    await this.pool.waitFor(() => (workers.every((w) => w.state === 'exited') ? true : undefined));
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

  parkWindowMs(revision: Revision, asked?: number): number {
    const windowMs = asked ?? revision.spec.rollback_window ?? APP_KEYS.rollback_window.default;
    const forkMode = [revision.spec, this.writes.history.active()?.spec].some((s) => s?.exec_mode.startsWith('fork'));
    return windowMs > 0 && !forkMode && this.routed() ? windowMs : 0;
  }

  park(revision: Revision, workers: readonly ManagedWorker[], windowMs: number): ManagedWorker[] {
    return this.parking.park(revision, workers, windowMs);
  }

  parked(): ParkedGeneration | null {
    return this.parking.intact() ? this.parking.generation : null;
  }

  drainParked(reason: string): void {
    this.parking.drain(reason);
  }

  unpark(reason: string, error?: ErrorPayload): ParkedGeneration | null {
    const generation = this.parking.unpark(reason);
    if (generation) this.writes.restore(generation.revision, generation.workers, error);
    return generation;
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
    return this.writes.inspect(spec);
  }

  holdCanary(revision: Revision, workers: readonly ManagedWorker[], share: number | null): void {
    this.writes.holdCanary(revision, workers, share);
  }

  shareCanary(share: number): void {
    this.writes.shareCanary(share);
  }

  judged(revision: Revision, step: CanaryStepRecord): void {
    this.writes.judged(revision, step);
  }

  analysing(analysis: AnalysisHandle | null): void {
    this.writes.analysing(analysis);
  }

  outcomes(): ReadonlyMap<number, RequestOutcomes> {
    return this.outcomesOf();
  }

  loopDelayP99Ms(workers: readonly ManagedWorker[]): number | null {
    const delays = workers.map((w) => this.pool.report(w.id)?.eventLoopDelayP99Ms).filter((d): d is number => typeof d === 'number');
    return delays.length === 0 ? null : Math.max(...delays);
  }

  releaseCanary(): void {
    this.writes.releaseCanary();
  }

  canaryRolledBack(revision: Revision, error?: HotctlError): void {
    this.writes.canaryRolledBack(revision, error?.toJSON());
  }

  scaled(instances: number, workers: readonly ManagedWorker[]): void {
    this.writes.scaled(instances, workers);
  }

  stopping(): void {
    this.writes.stopping();
  }
}
