import t from 'tap';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { openEventStream, openWebSocket } from '../helpers/long-lived.js';

t.test('50 WebSockets and 50 event streams held across a reload: closed by the app at drain start (1001, clean end), no worker killed', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  // kill_timeout far above what a drain needs: a drain that waited for it would show as a kill.
  // rollback_window 0: the old workers drain at the reload (parked, long-lived connections would stay until the window ends).
  const file = writeEcosystem(home, [{ name: 'live', script: 'ws-sse-app.mjs', instances: 2, env: { PORT: port }, min_uptime: 200, kill_timeout: 20_000, rollback_window: 0 }]);
  t.equal((await home.run(['start', file])).code, 0);

  const sockets = [];
  const streams = [];
  for (let i = 0; i < 50; i++) sockets.push(await openWebSocket(port));
  for (let i = 0; i < 50; i++) streams.push(await openEventStream(port));
  const events = await home.events();

  const reload = await home.run(['reload', 'live']);
  t.equal(reload.code, 0, 'the reload succeeded');
  const codes = await Promise.all(sockets.map((s) => s.closed));
  const ends = await Promise.all(streams.map((s) => s.ended));
  t.same(codes, Array(50).fill(1001), 'every WebSocket closed by the app with 1001');
  t.same(ends, Array(50).fill('clean'), 'every event stream ended cleanly');
  const exits = events.events.filter((e) => e.kind === 'worker' && e.to === 'exited');
  t.equal(exits.length, 2, 'both old workers exited');
  t.ok(exits.every((e) => e.kind === 'worker' && e.connections_cut === undefined && e.signal === null), 'by themselves, not killed');
  t.comment(reload.stdout.split('\n').find((l) => l.includes('reload live:')));
  t.match(reload.stdout, /✓ reload live: revision 1 → 2 .*2 old drained\)/, 'a plain ✓');
  t.notMatch(reload.stdout, /killed/);
  events.close();
});
