import t from 'tap';
import type { RevisionOutcome } from '../../../src/protocol/index.js';
import { reconcileRevisions, type Revision } from '../../../src/cluster/revision.js';
import { RevisionHistory } from '../../../src/cluster/revision-history.js';
import { appSpec } from '../../helpers/fake-cluster.js';

// `hotctl update`'s new daemon holds the saved canary again (canary-resume.ts): reconciling the
// history leaves that revision a canary, and holding it again is no outcome change.
const facts = { script: '/srv/a.js', cwd: '/srv', script_sha256: 'sha', app_version: null, git_commit: null };
const at = (outcome: RevisionOutcome, number: number): Revision => ({ ...facts, number, createdMs: 0, spec: appSpec(), outcome, error: null, user: 'u', cause: 'reload', rollback_of: null });

t.test('the held canary is left a canary; a pending one is still failed', async (t) => {
  const revisions = [at('active', 1), at('canary', 2), at('pending', 3)];
  t.equal(reconcileRevisions(revisions, 1, 2), 1);
  t.same(revisions.map((r) => r.outcome), ['active', 'canary', 'failed']);
  t.equal(revisions[1]!.error, null, 'no cause recorded for the kept canary');
});

t.test('without a held canary (a daemon that died), it is rolled back as before', async (t) => {
  const revisions = [at('active', 1), at('canary', 2)];
  t.equal(reconcileRevisions(revisions, 1), 1);
  t.equal(revisions[1]!.outcome, 'rolled_back');
  t.equal(revisions[1]!.error?.code, 'E_DAEMON_DIED');
});

t.test('holding a canary revision again changes nothing', async (t) => {
  const history = new RevisionHistory({ active_revision: 1, next_revision: 3, revisions: [at('active', 1), at('canary', 2)] });
  history.hold(history.revisions[1]!);
  t.equal(history.revisions[1]!.outcome, 'canary');
});
