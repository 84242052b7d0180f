/**
 * The facts of one app that operations change, and their one writer: the spec, whether the app
 * is wanted running, the canary held, a worker's role, an operation's target revision, and —
 * through the RevisionHistory it owns — the revisions' outcomes and the active revision. The
 * supervisor owns one; rollouts ask it for changes through supervisor-rollout.ts.
 */
import type { AppSpec, CanaryStepRecord, ErrorPayload } from '../protocol/index.js';
import type { Operation } from './operation.js';
import type { InspectScript, Revision } from './revision.js';
import type { HistoryRecord } from './revision-history.js';
import { RevisionHistory } from './revision-history.js';
import type { AnalysisHandle, CanaryHold } from './rollout.js';
import type { ManagedWorker } from './worker-state.js';

export interface AppFactsHooks {
  now(): number;
  inspect: InspectScript;
  /** Anything worth persisting changed. */
  changed(): void;
  /** A revision became active (the spec may have changed: the cron_restart schedule follows). */
  committed(): void;
}

export class AppFacts {
  readonly history: RevisionHistory;
  private specValue: AppSpec;
  /** `stopped` after stop/delete: status says stopped. */
  private wantedValue: 'running' | 'stopped';
  /** A canary held between `reload --canary` and `promote`/`rollback`. */
  private canaryValue: CanaryHold | null = null;
  /** The analysis judging the canary (`reload --auto`), while it runs. */
  private analysisValue: AnalysisHandle | null = null;

  constructor(
    spec: AppSpec,
    record: (HistoryRecord & { running: boolean }) | undefined,
    private readonly hooks: AppFactsHooks,
  ) {
    this.specValue = spec;
    this.history = new RevisionHistory(record);
    this.wantedValue = !record || record.running ? 'running' : 'stopped';
  }

  get spec(): AppSpec {
    return this.specValue;
  }

  get wanted(): 'running' | 'stopped' {
    return this.wantedValue;
  }

  get canary(): CanaryHold | null {
    return this.canaryValue;
  }

  get analysis(): AnalysisHandle | null {
    return this.analysisValue;
  }

  inspect(spec: AppSpec): ReturnType<InspectScript> {
    return this.hooks.inspect(spec);
  }

  /** Registered without running (`autostart: false`). */
  registerStopped(spec: AppSpec): void {
    this.specValue = spec;
    this.wantedValue = 'stopped';
  }

  /** A job whose every process ended on purpose: the app is stopped (its schedule runs on). */
  jobEnded(): void {
    if (this.wantedValue === 'running') this.wantedValue = 'stopped';
  }

  /** stop, delete, restart: the app is to be stopped. */
  stopping(): void {
    this.wantedValue = 'stopped';
  }

  /** The next revision from `spec`, its files read now; a rollback pins the files of the revision it goes back to. */
  async createRevision(spec: AppSpec, origin: { cause: string; rollbackOf?: Revision }): Promise<Revision> {
    const pinned = origin.rollbackOf;
    const facts = await this.hooks.inspect(pinned ? { ...spec, script: pinned.script, cwd: pinned.cwd } : spec);
    const revision = this.history.add(spec, facts, this.hooks.now(), origin);
    this.hooks.changed();
    return revision;
  }

  /** The one writer of an operation's target revision. */
  target(op: Operation, revision: Revision): void {
    op.toRevision = revision.number;
  }

  /** The point of no return of a deployment: `revision` becomes active and `workers` serve it. */
  commit(revision: Revision, workers: readonly ManagedWorker[]): void {
    this.serve(workers);
    this.history.commit(revision);
    this.wantedValue = 'running';
    this.specValue = revision.spec;
    this.hooks.committed();
    this.hooks.changed();
  }

  /** A rollback within the rollback window: `revision`'s parked `workers` serve it again (see RevisionHistory.restore). */
  restore(revision: Revision, workers: readonly ManagedWorker[], error?: ErrorPayload): void {
    this.serve(workers);
    this.history.restore(revision, error);
    this.wantedValue = 'running';
    this.specValue = revision.spec;
    this.hooks.committed();
    this.hooks.changed();
  }

  reject(revision: Revision, error: ErrorPayload): void {
    this.history.reject(revision, error);
    this.hooks.changed();
  }

  holdCanary(revision: Revision, workers: readonly ManagedWorker[], share: number | null): void {
    this.history.hold(revision);
    this.canaryValue = { revision, workers, sinceMs: this.hooks.now(), share };
    this.hooks.changed();
  }

  /** The one writer of a held canary's share (the router's weights follow it). */
  shareCanary(share: number): void {
    if (this.canaryValue) this.canaryValue = { ...this.canaryValue, share };
  }

  /** A judged step of the canary's analysis: recorded with its revision. */
  judged(revision: Revision, step: CanaryStepRecord): void {
    this.history.judged(revision, step);
    this.hooks.changed();
  }

  analysing(analysis: AnalysisHandle | null): void {
    this.analysisValue = analysis;
  }

  releaseCanary(): void {
    this.canaryValue = null;
  }

  canaryRolledBack(revision: Revision, error?: ErrorPayload): void {
    this.history.dropCanary(revision, error);
    this.hooks.changed();
  }

  /** Scaled to `instances`; `workers` (started for it) serve. */
  scaled(instances: number, workers: readonly ManagedWorker[]): void {
    this.serve(workers);
    this.specValue = { ...this.specValue, instances };
    this.hooks.changed();
  }

  /** The one writer of a worker's role: a candidate serves once its rollout commits (or once it replaced a worker). */
  serve(workers: readonly ManagedWorker[]): void {
    for (const w of workers) w.role = 'serving';
  }
}
