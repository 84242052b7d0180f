import t from 'tap';
import { answersByRevision, freePort, Home, isAlive, writeEcosystem } from '../helpers/harness.js';

// `hotctl update --force` while a canary holds with a share: the new daemon restores the app with
// its canary hold (the state file keeps it) — the canary revision's worker beside the active
// ones, the same share of new connections — and `promote` works afterwards. (A daemon that died,
// kill -9, rolls the canary back instead: history-is-reconciled-after-the-daemon-is-killed.)
t.test('reload --canary 25%, then update --force: the canary holds on in the new daemon with its share; promote works', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port }, reload_hold: 100 }]);
  t.equal((await home.run(['start', file])).code, 0);
  const reload = await home.run(['reload', 'api', '--canary', '25%']);
  t.equal(reload.code, 0, reload.stderr);
  const before = await home.status();
  const held = before.apps[0]!;
  t.same(held.canary && [held.canary.revision, held.canary.workers, held.canary.share], [2, 1, 25], 'revision 2 held as a canary, 25% asked');

  const update = await home.run(['update', '--force'], { timeoutMs: 120_000 });
  t.equal(update.code, 0, `update succeeded: ${update.stdout}${update.stderr}`);
  t.notOk(isAlive(before.daemon.pid), 'the old daemon is gone');
  const after = (await home.status()).apps[0]!;
  t.equal(after.status, 'canary', 'the app is still in canary');
  t.equal(after.revision, 1, 'revision 1 still active');
  t.same(after.canary && [after.canary.revision, after.canary.workers, after.canary.share], [2, 1, 25], 'the same hold: revision 2, 1 worker, 25%');
  t.same(after.workers.map((w) => w.revision).sort(), [1, 1, 2], 'the canary worker runs beside the 2 active ones');
  const oldPids = new Set(held.workers.map((w) => w.pid));
  t.ok(after.workers.every((w) => !oldPids.has(w.pid)), 'every worker is the new daemon’s');
  t.equal(after.restarts, held.restarts, 'holding the canary again counts as no restart');
  const history = JSON.parse((await home.run(['history', 'api', '--json'])).stdout) as { revisions: Array<{ number: number; outcome: string }> };
  t.equal(history.revisions.find((r) => r.number === 2)?.outcome, 'canary', 'revision 2 is still the canary in the history');

  const by = await answersByRevision(port, 100);
  t.equal((by.get('1') ?? 0) + (by.get('2') ?? 0), 100, `every request answered: ${JSON.stringify([...by])}`);
  t.ok(Math.abs((by.get('2') ?? 0) - 25) <= 5, `the canary answered ${by.get('2') ?? 0} of 100 (25% ± 5 asked)`);

  const promote = await home.run(['promote', 'api']);
  t.equal(promote.code, 0, promote.stderr);
  const done = (await home.status()).apps[0]!;
  t.equal(done.revision, 2, 'promoted');
  t.equal(done.canary, null);
  t.same([...(await answersByRevision(port, 20))], [['2', 20]], 'revision 2 serves alone');
});
