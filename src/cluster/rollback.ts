/**
 * Rollback to an earlier revision: a reload with that revision's spec and its pinned real files
 * (script and cwd with symlinks resolved when it was deployed), so that with the release
 * directory pattern (`releases/<v>/` behind a `current` link) the old code truly runs again.
 * Refused when those files changed since (their sha256 differs), unless forced. An operation:
 * it picks the revision, then the app's reload strategy replaces the workers.
 */
import { HotctlError } from '../protocol/index.js';
import type { Revision } from './revision.js';
import type { AppRollout } from './rollout.js';

/** The revision `rollback` goes back to: `to`, or the last one that was active before the current. */
export function rollbackTarget(a: AppRollout, to: number | undefined): Revision {
  const revisions = a.revisions();
  const activeRevision = a.activeNumber;
  if (to !== undefined) {
    const found = revisions.find((r) => r.number === to);
    if (!found) throw new HotctlError('E_REVISION_NOT_FOUND', `"${a.app}" has no revision ${to}.`, { details: { app: a.app, revision: to } });
    if (found.number === activeRevision) throw new HotctlError('E_USAGE', `Revision ${to} is already active.`);
    return found;
  }
  const candidates = revisions.filter((r) => r.number < activeRevision && (r.outcome === 'superseded' || r.outcome === 'rolled_back') && r.error === null);
  const last = candidates[candidates.length - 1];
  if (!last) throw new HotctlError('E_REVISION_NOT_FOUND', `"${a.app}" has no earlier good revision to roll back to.`, { details: { app: a.app } });
  return last;
}

/** Checks the target's files still are what it deployed; returns the sha256 found. */
export async function checkRevisionFiles(a: AppRollout, target: Revision, force: boolean): Promise<void> {
  let found: string | null = null;
  try {
    found = (await a.inspect({ ...target.spec, script: target.script, cwd: target.cwd })).script_sha256;
  } catch {
    found = null;
  }
  if (found === target.script_sha256) return;
  const what = found === null ? 'is gone' : `changed (sha256 ${found.slice(0, 12)}…, was ${target.script_sha256.slice(0, 12)}…)`;
  if (!force) {
    throw new HotctlError('E_REVISION_FILES_CHANGED', `Revision ${target.number}'s script ${target.script} ${what}.`, {
      details: { app: a.app, revision: target.number, script: target.script, expected_sha256: target.script_sha256, found_sha256: found },
    });
  }
  a.op.step(`--force: revision ${target.number}'s script ${what}; rolling back to the files as they are now`);
}
