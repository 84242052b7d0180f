import t from 'tap';
import type { WorkerTransitionEvent } from '../../src/protocol/index.js';
import { Home, writeEcosystem } from '../helpers/harness.js';

const workerEvents = (events: { events: unknown[] }, app: string) =>
  events.events.filter((e) => (e as WorkerTransitionEvent).kind === 'worker' && (e as WorkerTransitionEvent).app === app) as WorkerTransitionEvent[];

t.test('a fork-mode consumer reloads new-before-old; with --stop-first (or reload_strategy stop-first) old-before-new', async (t) => {
  const home = new Home(t);
  const file = writeEcosystem(home, [{ name: 'consumer', script: 'queue-consumer.cjs', exec_mode: 'fork', reload_hold: 0, env: { QUEUE: 'q' } }]);
  t.equal((await home.run(['start', file])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());
  const old = (await home.status()).apps[0]!.workers[0]!;

  const reload = await home.run(['reload', 'consumer']);
  t.equal(reload.code, 0, reload.stderr);
  let seen = workerEvents(events, 'consumer');
  const fresh = seen.find((e) => e.from === null)!;
  const freshReady = seen.findIndex((e) => e.worker_id === fresh.worker_id && e.to === 'ready');
  const oldDraining = seen.findIndex((e) => e.worker_id === old.id && e.to === 'draining');
  const oldExited = seen.findIndex((e) => e.worker_id === old.id && e.to === 'exited');
  t.ok(freshReady !== -1 && oldDraining > freshReady && oldExited > freshReady, 'the new process was ready while the old one still ran: they overlap');
  t.ok(fresh.worker_id > old.id);

  const next = (await home.status()).apps[0]!.workers[0]!;
  t.equal(next.id, fresh.worker_id);
  const from = events.events.length;
  const stopFirst = await home.run(['reload', 'consumer', '--stop-first']);
  t.equal(stopFirst.code, 0, stopFirst.stderr);
  seen = workerEvents({ events: events.events.slice(from) }, 'consumer');
  const third = seen.find((e) => e.from === null)!;
  const nextExited = seen.findIndex((e) => e.worker_id === next.id && e.to === 'exited');
  const thirdForked = seen.indexOf(third);
  t.ok(nextExited !== -1 && nextExited < thirdForked, 'the old process had exited before the new one was forked: they never overlap');
  const after = (await home.status()).apps[0]!;
  t.same(after.workers.map((w) => [w.id, w.state]), [[third.worker_id, 'ready']]);
  t.equal(after.restarts, 2, 'each reload counts as a restart, as in PM2');
});
