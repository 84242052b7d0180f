import t from 'tap';
import { REVISION_OUTCOMES, type RevisionOutcome } from '../../../src/protocol/index.js';
import { OUTCOME_TRANSITIONS, reconcileRevisions, settleOutcome, type Revision } from '../../../src/cluster/revision.js';
import { RevisionHistory } from '../../../src/cluster/revision-history.js';
import { appSpec } from '../../helpers/fake-cluster.js';

const facts = { script: '/srv/a.js', cwd: '/srv', script_sha256: 'sha', app_version: null, git_commit: null };
const at = (outcome: RevisionOutcome, number = 1): Revision => ({ ...facts, number, createdMs: 0, spec: appSpec(), outcome, error: null, user: 'u', cause: 'reload', rollback_of: null });

t.test('every pair of outcomes: allowed exactly when the table says so; anything else throws', async (t) => {
  let allowed = 0;
  for (const from of REVISION_OUTCOMES) {
    for (const to of REVISION_OUTCOMES) {
      const revision = at(from);
      if (OUTCOME_TRANSITIONS[from].includes(to)) {
        settleOutcome(revision, to);
        t.equal(revision.outcome, to, `${from} → ${to}`);
        allowed++;
      } else {
        t.throws(() => settleOutcome(revision, to), /hotctl bug/, `${from} → ${to} refused`);
        t.equal(revision.outcome, from);
      }
    }
  }
  t.equal(allowed, 9, "8 moves, and superseded → active: a parked generation brought back within its rollback window");
});

t.test('failed and rolled_back are final; superseded only comes back as active (its parked workers serve again)', async (t) => {
  for (const outcome of ['failed', 'rolled_back'] as const) t.same(OUTCOME_TRANSITIONS[outcome], []);
  t.same(OUTCOME_TRANSITIONS.superseded, ['active']);
});

t.test('history: a commit makes the revision active and supersedes the one before; a rollback commit rolls it back', async (t) => {
  const h = new RevisionHistory();
  const r1 = h.add(appSpec(), facts, 0, { cause: 'start' });
  h.commit(r1);
  h.commit(r1);
  t.equal(r1.outcome, 'active', 'committing the active revision again changes nothing');
  const r2 = h.add(appSpec(), facts, 0, { cause: 'reload' });
  h.commit(r2);
  t.same([r1.outcome, r2.outcome, h.activeNumber], ['superseded', 'active', 2]);
  const r3 = h.add(appSpec(), facts, 0, { cause: 'rollback', rollbackOf: r1 });
  h.commit(r3);
  t.same([r2.outcome, r3.outcome, r3.rollback_of], ['rolled_back', 'active', 1]);
  const r4 = h.add(appSpec(), facts, 0, { cause: 'reload' });
  h.reject(r4, { code: 'E_RELOAD_FAILED', message: 'x', hint: '' });
  t.same([r4.outcome, r4.error?.code, h.activeNumber], ['failed', 'E_RELOAD_FAILED', 3]);
  t.throws(() => h.commit(r4), /hotctl bug/, 'a failed revision never becomes active');
});

t.test('reconcile after the daemon died: pending → failed, canary → rolled_back, a stale active → superseded', async (t) => {
  const revisions = [at('active', 1), at('active', 2), at('canary', 3), at('pending', 4)];
  t.equal(reconcileRevisions(revisions, 2), 3);
  t.same(revisions.map((r) => r.outcome), ['superseded', 'active', 'rolled_back', 'failed']);
  t.equal(revisions[3]!.error?.code, 'E_DAEMON_DIED');
});
