/**
 * Request outcomes summed per app and revision (issue 12 item 1): the one writer of these
 * counts, fed from the workers' reports (src/runtime/outcome-counter.ts).
 *
 * Each worker process reports its cumulative outcomes since it started (and its final ones with
 * `drained`). What a report adds to its revision is the difference from that process's previous
 * report, kept with the process (in the fork wrapper's closure): a revision's totals are the sum
 * of everything each of its processes reported, so they never go down when a worker is replaced
 * or restarted (its successor adds from 0), and a message that comes after its process's exit
 * still adds exactly what it adds. A revision's totals are forgotten once it is neither in the
 * app's history nor run by any of its workers (`revisionsOf`), and an app's once it is gone.
 *
 *   fork ─► process p ── report{outcomes: c} ─► totals[app][revision] += c − last(p); last(p) = c
 *   outcomesOf(app): revision → a copy of its totals
 *
 * The totals live in the daemon's memory: a new daemon (a restart, `hotctl update`) starts from 0.
 * `onChange` (status subscribers: `status --watch`, the dashboard) runs at most once per
 * {@link OUTCOMES_CHANGE_EVERY_MS} while requests are being counted, never while none are.
 */
import type { RequestOutcomes } from '../protocol/index.js';
import { addOutcomes, CODE_CLASSES, emptyOutcomes, isWorkerMessage, outcomesSince, requestsOf, RUNTIME_ENV } from '../protocol/index.js';
import type { ForkWorker } from '../cluster/worker-host.js';

/** Cumulative request outcomes of an app per revision number (new objects; the caller may keep them). */
export type OutcomesOf = (app: string) => ReadonlyMap<number, RequestOutcomes>;

/** The shortest time between two `onChange` calls (workers report once a second each). */
export const OUTCOMES_CHANGE_EVERY_MS = 1000;

export class RevisionOutcomes {
  /** app -> revision -> totals */
  private readonly apps = new Map<string, Map<number, RequestOutcomes>>();
  private changeTimer: NodeJS.Timeout | null = null;

  /**
   * `revisionsOf(app)`: the revisions whose counts are worth keeping (the app's history, and
   * those its workers run); null when the daemon no longer knows the app. `onChange`: some
   * revision's counts grew (throttled, see above).
   */
  constructor(
    private readonly revisionsOf: (app: string) => Iterable<number> | null,
    private readonly onChange: () => void = () => {},
  ) {}

  /** The cumulative outcomes of `app` per revision, by revision number; bound to this instance, to pass around. */
  readonly outcomesOf: OutcomesOf = (app) => {
    this.prune(app);
    const revisions = this.apps.get(app);
    if (!revisions) return new Map();
    return new Map([...revisions].sort((a, b) => a[0] - b[0]).map(([revision, totals]) => [revision, addOutcomes(emptyOutcomes(), totals)]));
  };

  /** `fork` that also reads the outcomes each forked process reports. */
  fork(inner: ForkWorker): ForkWorker {
    return (spec, env, cwd) => {
      const proc = inner(spec, env, cwd);
      const app = env[RUNTIME_ENV.app];
      const revision = Number(env[RUNTIME_ENV.revision]);
      if (app === undefined || !Number.isInteger(revision)) return proc;
      let last = emptyOutcomes();
      proc.onMessage((message) => {
        if (!isWorkerMessage(message) || (message.type !== 'report' && message.type !== 'drained') || message.outcomes === undefined) return;
        // An idle worker reports the same counts each second: nothing to add, no object made
        // (bench/RESULTS.md, section 29) — once its revision has its totals (a first report of
        // zeros still creates them, as before).
        if (sameOutcomes(message.outcomes, last) && this.apps.get(app)?.has(revision) === true) return;
        // A copy in RequestOutcomes' shape, whatever the runtime sent (an older or newer one).
        const now = addOutcomes(emptyOutcomes(), message.outcomes);
        this.add(app, revision, outcomesSince(now, last));
        last = now;
      });
      proc.onExit(() => this.prune(app));
      return proc;
    };
  }

  private add(app: string, revision: number, delta: RequestOutcomes): void {
    if (requestsOf(delta) > 0) this.changed();
    let revisions = this.apps.get(app);
    if (!revisions) this.apps.set(app, (revisions = new Map()));
    const totals = revisions.get(revision);
    if (totals) addOutcomes(totals, delta);
    else revisions.set(revision, delta);
  }

  private changed(): void {
    if (this.changeTimer !== null) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      this.onChange();
    }, OUTCOMES_CHANGE_EVERY_MS);
    this.changeTimer.unref();
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
    for (const revision of revisions.keys()) if (!kept.has(revision)) revisions.delete(revision);
    if (revisions.size === 0) this.apps.delete(app);
  }
}

/** Whether a report's outcomes (as sent: maybe an older or newer runtime's shape) are the counts `last` holds. */
function sameOutcomes(sent: RequestOutcomes, last: RequestOutcomes): boolean {
  if (sent.resets !== last.resets || sent.timeouts !== last.timeouts || sent.duration_sum_s !== last.duration_sum_s) return false;
  const responses = sent.responses;
  if (typeof responses !== 'object' || responses === null) return false;
  for (let i = 0; i < CODE_CLASSES.length; i++) {
    const c = CODE_CLASSES[i]!;
    if ((responses[c] ?? 0) !== last.responses[c]) return false;
  }
  const buckets = sent.duration_buckets;
  if (!Array.isArray(buckets) || buckets.length > last.duration_buckets.length) return false;
  for (let i = 0; i < last.duration_buckets.length; i++) if ((buckets[i] ?? 0) !== last.duration_buckets[i]) return false;
  return true;
}
