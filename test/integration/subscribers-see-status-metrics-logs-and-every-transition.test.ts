import t from 'tap';
import { join } from 'node:path';
import type { DaemonEvent, WorkerTransitionEvent } from '../../src/protocol/index.js';
import { FIXTURES, freePort, Home, writeEcosystem } from '../helpers/harness.js';

t.test('a subscriber receives status, metrics, logs and events; one reload shows every transition in order', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'sub', script: join(FIXTURES, 'logger.cjs'), instances: 2, env: { PORT: port, BURST: 1 } }]);
  t.equal((await home.run(['start', file])).code, 0);
  const before = await home.status();
  const oldIds = before.apps[0]!.workers.map((w) => w.id);

  const log = await home.events(['status', 'metrics', 'events', 'logs']);
  t.teardown(() => log.close());
  const status = await log.waitFor((e) => e.kind === 'status', 10_000);
  t.same(status.kind === 'status' && status.status.apps.map((a) => [a.name, a.workers.length]), [['sub', 2]], 'a status snapshot first');
  const metrics = await log.waitFor((e) => e.kind === 'metrics' && e.workers.filter((w) => w.app === 'sub').length === 2, 15_000);
  if (metrics.kind === 'metrics') {
    for (const w of metrics.workers) {
      t.ok(w.rss_bytes > 0 && w.cpu_percent >= 0, `metrics for worker ${w.worker_id}: rss ${w.rss_bytes}, cpu ${w.cpu_percent}%`);
    }
    t.equal(metrics.apps.find((a) => a.app === 'sub')?.revision, 1, 'per-app metrics carry the revision');
  }
  const line = await log.waitFor((e) => e.kind === 'log', 10_000);
  t.match(line, { kind: 'log', app: 'sub', revision: 1, stream: 'out', text: /^\d+ out \d+$/ }, 'log lines arrive');

  const from = log.events.length;
  t.equal((await home.run(['reload', 'sub'])).code, 0);
  await log.waitFor((e) => e.kind === 'operation' && e.operation.kind === 'reload' && e.operation.state === 'succeeded', 30_000, from);
  // Old workers are parked (the rollback window) by the time of the operation's summary at the latest.
  for (const id of oldIds) await log.waitFor((e) => e.kind === 'worker' && e.worker_id === id && e.to === 'parked', 10_000, from);

  const seen: DaemonEvent[] = log.events.slice(from);
  const transitions = seen.filter((e): e is WorkerTransitionEvent => e.kind === 'worker' && e.app === 'sub');
  const byWorker = new Map<number, string[]>();
  for (const e of transitions) byWorker.set(e.worker_id, [...(byWorker.get(e.worker_id) ?? []), `${e.from ?? 'new'}→${e.to}`]);
  const newIds = [...byWorker.keys()].filter((id) => !oldIds.includes(id));
  t.equal(newIds.length, 2, 'two new workers');
  for (const id of newIds) t.same(byWorker.get(id), ['new→forking', 'forking→starting', 'starting→ready'], `new worker ${id}: forking, starting, ready`);
  for (const id of oldIds) t.same(byWorker.get(id), ['ready→parked'], `old worker ${id}: parked`);

  const index = (pred: (e: WorkerTransitionEvent) => boolean) => transitions.findIndex(pred);
  const lastNewReady = Math.max(...newIds.map((id) => index((e) => e.worker_id === id && e.to === 'ready')));
  const firstOldParked = Math.min(...oldIds.map((id) => index((e) => e.worker_id === id && e.to === 'parked')));
  t.ok(lastNewReady < firstOldParked, 'surge: every new worker ready before any old one is parked');

  const opStates = seen.filter((e) => e.kind === 'operation' && e.operation.kind === 'reload').map((e) => (e.kind === 'operation' ? e.operation.state : ''));
  t.equal(opStates[opStates.length - 1], 'succeeded', 'the operation ends succeeded');
  t.ok(opStates.length >= 3, `the operation reports progress (${opStates.length} events)`);
  const times = seen.filter((e) => e.kind === 'worker' || e.kind === 'operation').map((e) => Date.parse(e.at));
  t.ok(times.every((v, i) => i === 0 || v >= times[i - 1]!), 'events arrive in time order');
  const after = await log.waitFor((e) => e.kind === 'status' && e.status.apps[0]!.revision === 2 && e.status.apps[0]!.workers.filter((w) => w.state === 'ready').length === 2, 10_000, from);
  t.ok(after, 'a status snapshot after the change shows revision 2 and its 2 workers');
  t.ok(seen.some((e) => e.kind === 'log' && e.revision === 2), 'log lines of the new revision arrive');
});
