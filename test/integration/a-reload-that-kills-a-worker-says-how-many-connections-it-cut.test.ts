import t from 'tap';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { openEventStream, openWebSocket } from '../helpers/long-lived.js';

t.test('an app that never closes its WebSockets and event streams: the reload kills the old worker at kill_timeout and says how many connections it cut', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  // rollback_window 0: the old worker drains at the reload (parked, it would keep its connections until the window ends).
  const file = writeEcosystem(home, [{ name: 'live', script: 'ws-sse-app.mjs', instances: 1, env: { PORT: port, NO_HOOK: '1' }, min_uptime: 200, kill_timeout: 2500, rollback_window: 0 }]);
  t.equal((await home.run(['start', file])).code, 0);

  const sockets = [];
  const streams = [];
  for (let i = 0; i < 6; i++) sockets.push(await openWebSocket(port));
  for (let i = 0; i < 4; i++) streams.push(await openEventStream(port));
  const events = await home.events();

  const reload = await home.run(['reload', 'live']);
  t.equal(reload.code, 0, 'the new revision serves');
  t.same(await Promise.all(sockets.map((s) => s.closed)), Array(6).fill(1006), 'the WebSockets were cut');
  t.ok((await Promise.all(streams.map((s) => s.ended))).every((e) => e !== 'clean'), 'the event streams were cut');

  const exit = events.events.find((e) => e.kind === 'worker' && e.to === 'exited');
  t.ok(exit && exit.kind === 'worker', 'the old worker exited');
  if (exit?.kind === 'worker') {
    t.equal(exit.signal, 'SIGKILL');
    t.equal(exit.connections_cut, 10, 'its event names the 10 connections it cut');
    t.match(exit.reason, /kill_timeout/);
  }
  t.match(reload.stdout, /^! reload live: revision 1 → 2 .*1 worker killed after kill_timeout, 10 connections cut\)/m, 'no bare ✓');
  t.notMatch(reload.stdout, /✓ reload/);

  const last = await home.run(['status', '--json']);
  const op = (JSON.parse(last.stdout) as { apps: Array<{ last_operation: { steps: Array<{ message: string }> } }> }).apps[0]!.last_operation;
  t.ok(op.steps.some((s) => /1 worker killed after kill_timeout, 10 connections cut/.test(s.message)), 'the operation records it');
  events.close();
});
