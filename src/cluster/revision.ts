/**
 * A revision: what one start or reload deployed. Each worker holds the revision it runs
 * (`worker.deployed`); the supervisor's RevisionHistory keeps the history.
 *
 * Its outcome is a third state machine, with one table and one writer ({@link settleOutcome}):
 *
 * ```
 *  pending ──► active ──► superseded        (a later revision became active)
 *     │    ▲  ▲   └─────► rolled_back       (a rollback to an earlier revision became active)
 *     │    │  └────────── superseded        (its parked workers serve again: a rollback within
 *     │    │                                 the rollback window, docs/traffic.md "Parking")
 *     │    │
 *     ├──► canary ──► rolled_back           (the canary was rolled back, or the daemon died)
 *     │       └─────► failed                (its promote failed)
 *     └──► failed                           (a new worker failed; or the daemon died first)
 * ```
 */
import type { AppSpec, CanaryStepRecord, ErrorPayload, RevisionInfo, RevisionOutcome } from '../protocol/index.js';
import { isoTime } from '../platform/iso-time.js';

/** What is learned from the files on disk when a revision is made (by the daemon's inspector). */
export interface ScriptFacts {
  /** The entry script with symlinks resolved: a revision pins real files (release-directory pattern). */
  script: string;
  /** The working directory with symlinks resolved: workers of the revision always run there. */
  cwd: string;
  script_sha256: string;
  app_version: string | null;
  git_commit: string | null;
}

export interface Revision extends ScriptFacts {
  number: number;
  createdMs: number;
  /** The spec as deployed (paths as the user wrote them; `script`/`cwd` above are the real ones). */
  spec: AppSpec;
  /** Written only by {@link settleOutcome}. */
  outcome: RevisionOutcome;
  /** Why it failed or was rolled back; written with the outcome. */
  error: ErrorPayload | null;
  user: string;
  cause: string;
  rollback_of: number | null;
  /** `reload --auto`: each judged step of the revision's canary analysis (verdict and figures), in order. */
  canary_steps?: CanaryStepRecord[];
}

/** Allowed moves of a revision's outcome. Anything else is a bug in hotctl and throws. */
export const OUTCOME_TRANSITIONS: Readonly<Record<RevisionOutcome, readonly RevisionOutcome[]>> = {
  pending: ['active', 'canary', 'failed'],
  canary: ['active', 'rolled_back', 'failed'],
  active: ['superseded', 'rolled_back'],
  failed: [],
  superseded: ['active'],
  rolled_back: [],
};

/** The one writer of `revision.outcome` (and of `revision.error` with it). */
export function settleOutcome(revision: Revision, to: RevisionOutcome, error?: ErrorPayload): void {
  if (!OUTCOME_TRANSITIONS[revision.outcome].includes(to)) {
    throw new Error(`hotctl bug: revision ${revision.number} cannot move from ${revision.outcome} to ${to}`);
  }
  revision.outcome = to;
  if (error !== undefined) revision.error = error;
}

/** Reads the facts of a spec's script; throws HotctlError E_SCRIPT_NOT_FOUND when it is missing. */
export type InspectScript = (spec: AppSpec) => Promise<ScriptFacts>;

export function revisionInfo(revision: Revision): RevisionInfo {
  const info: RevisionInfo = {
    number: revision.number,
    created_at: isoTime(revision.createdMs),
    outcome: revision.outcome,
    user: revision.user,
    cause: revision.cause,
    rollback_of: revision.rollback_of,
    spec: revision.spec,
    script: revision.script,
    script_sha256: revision.script_sha256,
    app_version: revision.app_version,
    git_commit: revision.git_commit,
  };
  if (revision.error) info.error = revision.error;
  if (revision.canary_steps) info.canary_steps = revision.canary_steps;
  return info;
}

/**
 * After the daemon died (kill -9, a crash), the history on disk may hold outcomes that only a
 * running operation could settle: a `pending` revision whose reload was cut short, a `canary`
 * that no longer runs, an `active` that is not the active one. Settles each, with the cause, and
 * returns how many changed. Pure: the caller persists. `heldCanary`: a canary revision the
 * caller holds again (canary-resume.ts), left as it is.
 */
export function reconcileRevisions(revisions: Revision[], activeRevision: number, heldCanary: number | null = null): number {
  let changed = 0;
  const died = (what: string): ErrorPayload => ({
    code: 'E_DAEMON_DIED',
    message: `interrupted: the daemon died ${what}; revision ${activeRevision || '-'} was restored`,
    hint: 'Read HOTCTL_HOME/daemon.log for why the daemon stopped, then run the operation again.',
  });
  for (const revision of revisions) {
    if (revision.outcome === 'pending' && revision.number !== activeRevision) {
      settleOutcome(revision, 'failed', died('before this revision was ready'));
      changed++;
    } else if (revision.outcome === 'canary' && revision.number !== heldCanary) {
      settleOutcome(revision, 'rolled_back', died('while this revision ran as a canary'));
      changed++;
    } else if (revision.outcome === 'active' && revision.number !== activeRevision) {
      settleOutcome(revision, 'superseded');
      changed++;
    }
  }
  return changed;
}
