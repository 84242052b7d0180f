/**
 * Request outcomes summed per app and revision (issue 12 item 1): the one writer of these
 * counts, fed from the workers' reports (src/runtime/outcome-counter.ts).
 *
 * Each worker process reports its cumulative outcomes since it started. A revision's figures are
 * the sum, over every process that ran it, of the last cumulative counts that process sent: a
 * process that ended (replaced, crashed, drained; its `drained` message carries its final
 * counts) is folded into the revision's base, so a revision's counters never go down across
 * worker replacements and restarts. A revision's counts are forgotten once it is neither in the
 * app's history nor run by any of its workers (`revisionsOf`), and an app's once it is gone.
 *
 *   fork ─► process p ── report{outcomes} ─► live[p] = outcomes (replaces p's last)
 *                     └─ exit ─────────────► base += live[p]; delete live[p]
 *   outcomesOf(app): revision → base + Σ live
 */
import type { RequestOutcomes } from '../protocol/index.js';
import { addOutcomes, emptyOutcomes, isWorkerMessage, RUNTIME_ENV } from '../protocol/index.js';
import type { ForkWorker } from '../cluster/worker-host.js';

/** Cumulative request outcomes of an app per revision number (new objects; the caller may keep them). */
export type OutcomesOf = (app: string) => ReadonlyMap<number, RequestOutcomes>;

interface RevisionCounts {
  /** The final counts of the revision's processes that ended. */
  base: RequestOutcomes;
  /** The last cumulative counts of each of its processes still running, by process key. */
  live: Map<number, RequestOutcomes>;
}

export class RevisionOutcomes {
  /** app → revision → counts */
  private readonly apps = new Map<string, Map<number, RevisionCounts>>();
  private nextProcess = 0;

  /**
   * `revisionsOf(app)`: the revisions whose counts are worth keeping (the app's history, and
   * those its workers run); null when the daemon no longer knows the app.
   */
  constructor(private readonly revisionsOf: (app: string) => Iterable<number> | null) {}

  /** The cumulative outcomes of `app` per revision; bound to this instance, to pass around. */
  readonly outcomesOf: OutcomesOf = (app) => {
    this.prune(app);
    const out = new Map<number, RequestOutcomes>();
    const revisions = this.apps.get(app);
    if (!revisions) return out;
    for (const [revision, counts] of [...revisions].sort((a, b) => a[0] - b[0])) {
      const sum = addOutcomes(emptyOutcomes(), counts.base);
      for (const live of counts.live.values()) addOutcomes(sum, live);
      out.set(revision, sum);
    }
    return out;
  };

  /** `fork` that also reads the outcomes each forked process reports. */
  fork(inner: ForkWorker): ForkWorker {
    return (spec, env, cwd) => {
      const proc = inner(spec, env, cwd);
      const app = env[RUNTIME_ENV.app];
      const revision = Number(env[RUNTIME_ENV.revision]);
      if (app === undefined || !Number.isInteger(revision)) return proc;
      const key = ++this.nextProcess;
      proc.onMessage((message) => {
        if (!isWorkerMessage(message) || (message.type !== 'report' && message.type !== 'drained') || message.outcomes === undefined) return;
        this.reported(app, revision, key, message.outcomes);
      });
      proc.onExit(() => this.ended(app, revision, key));
      return proc;
    };
  }

  /** Process `key` of `app` running `revision` reported its cumulative outcomes. */
  reported(app: string, revision: number, key: number, outcomes: RequestOutcomes): void {
    let revisions = this.apps.get(app);
    if (!revisions) this.apps.set(app, (revisions = new Map()));
    let counts = revisions.get(revision);
    if (!counts) revisions.set(revision, (counts = { base: emptyOutcomes(), live: new Map() }));
    counts.live.set(key, copyOf(outcomes));
  }

  /** Process `key` ended: its last counts join the revision's base. */
  ended(app: string, revision: number, key: number): void {
    const counts = this.apps.get(app)?.get(revision);
    const last = counts?.live.get(key);
    if (counts && last) {
      addOutcomes(counts.base, last);
      counts.live.delete(key);
    }
    this.prune(app);
  }

  private prune(app: string): void {
    const revisions = this.apps.get(app);
    if (!revisions) return;
    const keep = this.revisionsOf(app);
    if (keep === null) {
      this.apps.delete(app);
      return;
    }
    const kept = new Set(keep);
    for (const [revision, counts] of revisions) if (!kept.has(revision) && counts.live.size === 0) revisions.delete(revision);
    if (revisions.size === 0) this.apps.delete(app);
  }
}

/** A copy with the shape of RequestOutcomes whatever the runtime sent (an older or newer one). */
function copyOf(o: RequestOutcomes): RequestOutcomes {
  return addOutcomes(emptyOutcomes(), o);
}
