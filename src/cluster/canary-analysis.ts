/**
 * `hotctl reload <app> --auto` (issue 12): a canary that judges itself, run in the daemon as
 * one reload operation (so it survives the CLI, and a second reload is refused while it runs).
 *
 * ```
 *  canary up (share = step 1, from the moment it is ready)
 *      │
 *      ▼
 *  stepping ──(step_interval)──► judge ──pass──► next step (share ↑) … last step ──► promoting ─► done
 *      ▲                           │ extend (too few requests, up to max_step_interval)
 *      └───────────────────────────┘ fail / crash / `hotctl rollback` / daemon stops ──► rolling_back ─► done
 *                                    `hotctl promote` ──► promoting
 * ```
 *
 * One writer: {@link CanaryAnalysis.move} alone writes the phase. The canary's share is written
 * through the rollout (AppFacts, its one writer); the router's weights follow (traffic-report.ts).
 * Each step's window is the difference of the two revisions' cumulative outcomes at its start and
 * at its judgement, judged by canary-judge.ts.
 */
import type { AnalysisPhase, CanaryAnalysisInfo, CanaryPlan, CanaryStepRecord, RequestOutcomes } from '../protocol/index.js';
import { emptyOutcomes, HotctlError, outcomesSince } from '../protocol/index.js';
import { bringUpCanary, promoteCanary } from './canary.js';
import { figuresText, judgeStep, metricText } from './canary-judge.js';
import type { Revision } from './revision.js';
import type { AnalysisHandle, AppRollout } from './rollout.js';
import type { ManagedWorker } from './worker-state.js';
import { isoTime } from '../platform/iso-time.js';

/** What ends an analysis early: an operator's promote or rollback, or the daemon stopping. */
export type AnalysisDecision = { kind: 'promote' | 'rollback' | 'abandon'; reason: string };

const ALLOWED: Readonly<Record<AnalysisPhase, readonly AnalysisPhase[]>> = {
  stepping: ['promoting', 'rolling_back'],
  promoting: ['done'],
  rolling_back: ['done'],
  done: [],
};

export async function runCanaryAnalysis(a: AppRollout, revision: Revision, plan: CanaryPlan): Promise<void> {
  const workers = await bringUpCanary(a, revision, 1, plan.steps[0]!);
  if (workers === null) return;
  const analysis = new CanaryAnalysis(a, revision, plan, workers);
  a.analysing(analysis);
  try {
    await analysis.run();
  } finally {
    a.analysing(null);
  }
}

export class CanaryAnalysis implements AnalysisHandle {
  private phase: AnalysisPhase = 'stepping';
  private readonly startedMs: number;
  private stepIndex = 0;
  private stepStartedMs: number;
  private last: CanaryStepRecord | null = null;
  private decided: AnalysisDecision | null = null;
  private wake: (() => void) | null = null;
  private readonly stable: number;

  constructor(
    private readonly a: AppRollout,
    private readonly revision: Revision,
    private readonly plan: CanaryPlan,
    private readonly workers: readonly ManagedWorker[],
  ) {
    this.startedMs = this.stepStartedMs = a.now();
    this.stable = a.activeNumber;
  }

  /** `hotctl promote` / `hotctl rollback` during the analysis, or the daemon stopping: taken at once. */
  decide(kind: AnalysisDecision['kind'], reason: string): boolean {
    if (this.phase !== 'stepping' || this.decided !== null) return false;
    this.decided = { kind, reason };
    this.wake?.();
    return true;
  }

  info(nowMs: number): CanaryAnalysisInfo {
    return {
      operation: this.a.op.id,
      revision: this.revision.number,
      stable_revision: this.stable,
      phase: this.phase,
      step: this.stepIndex + 1,
      steps: this.plan.steps.length,
      share: this.plan.steps[this.stepIndex]!,
      started_at: isoTime(this.startedMs),
      step_started_at: isoTime(this.stepStartedMs),
      step_elapsed_ms: nowMs - this.stepStartedMs,
      plan: this.plan,
      last: this.last,
    };
  }

  async run(): Promise<void> {
    const { plan } = this;
    for (; this.stepIndex < plan.steps.length; this.stepIndex++) {
      const share = plan.steps[this.stepIndex]!;
      this.stepStartedMs = this.a.now();
      if (this.stepIndex > 0) this.a.shareCanary(share);
      const before = this.snapshot();
      this.a.op.step(`step ${this.label()}: revision ${this.revision.number} takes ${share}% of new connections; judged in ${plan.step_interval} ms`);
      for (;;) {
        const elapsed = this.a.now() - this.stepStartedMs;
        const woke = await this.waitStep(Math.min(plan.step_interval, plan.max_step_interval - elapsed));
        if (this.decided) return this.onDecision(this.decided);
        const now = this.snapshot();
        const record = judgeStep(
          {
            step: this.stepIndex + 1,
            share,
            canaryRevision: this.revision.number,
            stableRevision: this.stable,
            canary: outcomesSince(now.canary, before.canary),
            stable: outcomesSince(now.stable, before.stable),
            eventLoopDelayP99Ms: this.a.loopDelayP99Ms(this.workers),
            crashed: woke === 'crashed' ? this.crashCause() : null,
            canExtend: this.a.now() - this.stepStartedMs < plan.max_step_interval,
          },
          plan,
        );
        this.last = record;
        this.a.judged(this.revision, record);
        if (record.verdict === 'fail') return this.rollBack(record);
        const notes = record.notes.length > 0 ? ` (${record.notes.join('; ')})` : '';
        this.a.op.step(`step ${this.label()} ${record.verdict === 'pass' ? 'passed' : 'extended: too few requests'}: ${figuresText(record.figures)}${notes}`);
        if (record.verdict === 'pass') break;
      }
    }
    this.move('promoting');
    this.a.op.step(`every step passed: promoting revision ${this.revision.number} with its reload_strategy`);
    await promoteCanary(this.a);
    this.move('done');
  }

  /** The phase's one writer. */
  private move(to: AnalysisPhase): void {
    if (!ALLOWED[this.phase].includes(to)) throw new Error(`hotctl bug: canary analysis cannot move from ${this.phase} to ${to}`);
    this.phase = to;
  }

  private label(): string {
    return `${this.stepIndex + 1}/${this.plan.steps.length} (${this.plan.steps[this.stepIndex]}%)`;
  }

  /** Resolves at the step's end, when a canary worker stops serving, or on a decision. */
  private waitStep(ms: number): Promise<'elapsed' | 'crashed' | 'decided'> {
    const decided = new Promise<'decided'>((resolve) => (this.wake = () => resolve('decided')));
    const watched = this.a.waitFor<'elapsed' | 'crashed' | 'decided'>(() => (this.decided ? 'decided' : this.crashCause() !== null ? 'crashed' : undefined), { afterMs: Math.max(0, ms), onTimeout: () => 'elapsed' });
    return Promise.race([watched, decided]).finally(() => (this.wake = null));
  }

  private crashCause(): string | null {
    const down = this.workers.find((w) => w.state !== 'ready');
    return down ? `canary worker ${down.id} ${down.failure?.message ?? down.state}` : null;
  }

  private snapshot(): { canary: RequestOutcomes; stable: RequestOutcomes } {
    const all = this.a.outcomes();
    return { canary: all.get(this.revision.number) ?? emptyOutcomes(), stable: all.get(this.stable) ?? emptyOutcomes() };
  }

  private async onDecision(d: AnalysisDecision): Promise<void> {
    if (d.kind === 'promote') {
      this.move('promoting');
      this.a.op.step(`${d.reason}: promoting revision ${this.revision.number} at step ${this.label()}`);
      await promoteCanary(this.a);
      this.move('done');
      return;
    }
    const ended = d.kind === 'abandon' ? 'abandoned' : 'rolled back';
    const error = new HotctlError('E_CANARY_FAILED', `canary of revision ${this.revision.number} on "${this.a.app}" ${ended} at step ${this.label()}: ${d.reason}; revision ${this.stable} serves alone`, {
      details: { app: this.a.app, revision: this.revision.number, step: this.stepIndex + 1, share: this.plan.steps[this.stepIndex], metric: d.kind === 'abandon' ? 'abandoned' : 'rollback', value: null, threshold: null, figures: this.last?.figures ?? null },
    });
    await this.retireCanary(d.reason, error, 'rolled_back');
  }

  private rollBack(record: CanaryStepRecord): Promise<void> {
    const what = metricText(record.metric!, record.value!, record.threshold!);
    const cause = record.metric === 'crash' ? `${what} (${record.notes.join('; ')})` : what;
    const message = `canary of revision ${this.revision.number} on "${this.a.app}" failed at step ${this.label()}: ${cause} [${figuresText(record.figures)}]; rolled back, revision ${this.stable} serves alone`;
    const error = new HotctlError('E_CANARY_FAILED', message, {
      details: { app: this.a.app, revision: this.revision.number, step: record.step, share: record.share, metric: record.metric, value: record.value, threshold: record.threshold, figures: record.figures },
    });
    return this.retireCanary(`step ${this.label()} failed: ${cause}`, error, 'failed');
  }

  /** Share 0 at once, the canary drained, its outcome written, the operation failed with `error`. */
  private async retireCanary(why: string, error: HotctlError, outcome: 'failed' | 'rolled_back'): Promise<void> {
    this.move('rolling_back');
    this.a.shareCanary(0);
    this.a.op.transition('rolling_back', `${why}; retiring the canary (its share 0)`);
    await this.a.retire(this.workers, `canary of revision ${this.revision.number} rolled back`);
    this.a.releaseCanary();
    if (outcome === 'rolled_back') {
      this.a.canaryRolledBack(this.revision, error);
      this.a.fail(error);
    } else this.a.reject(this.revision, error);
    this.move('done');
  }
}
