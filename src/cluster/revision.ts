/**
 * A revision: what one start or reload deployed. Workers carry the number of the revision they
 * run; the supervisor keeps the history.
 */
import type { AppSpec, ErrorPayload, RevisionInfo, RevisionOutcome } from '../protocol/index.js';

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
  outcome: RevisionOutcome;
  error: ErrorPayload | null;
  user: string;
  cause: string;
  rollback_of: number | null;
}

/** Reads the facts of a spec's script; throws HotctlError E_SCRIPT_NOT_FOUND when it is missing. */
export type InspectScript = (spec: AppSpec) => Promise<ScriptFacts>;

export function revisionInfo(revision: Revision): RevisionInfo {
  const info: RevisionInfo = {
    number: revision.number,
    created_at: new Date(revision.createdMs).toISOString(),
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
  return info;
}

/**
 * After the daemon died (kill -9, a crash), the history on disk may hold outcomes that only a
 * running operation could settle: a `pending` revision whose reload was cut short, a `canary`
 * that no longer runs, an `active` that is not the active one. Settles each, with the cause, and
 * returns how many changed. Pure: the caller persists.
 */
export function reconcileRevisions(revisions: Revision[], activeRevision: number): number {
  let changed = 0;
  const died = (what: string): ErrorPayload => ({
    code: 'E_DAEMON_DIED',
    message: `interrupted: the daemon died ${what}; revision ${activeRevision || '-'} was restored`,
    hint: 'Read HOTCTL_HOME/daemon.log for why the daemon stopped, then run the operation again.',
  });
  for (const revision of revisions) {
    if (revision.outcome === 'pending' && revision.number !== activeRevision) {
      revision.outcome = 'failed';
      revision.error = died('before this revision was ready');
      changed++;
    } else if (revision.outcome === 'canary') {
      revision.outcome = 'rolled_back';
      revision.error = died('while this revision ran as a canary');
      changed++;
    } else if (revision.outcome === 'active' && revision.number !== activeRevision) {
      revision.outcome = 'superseded';
      changed++;
    }
  }
  return changed;
}
