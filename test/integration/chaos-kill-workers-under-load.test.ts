import t from 'tap';
import { join } from 'node:path';
import { FIXTURES, freePort, Home, tryKill, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

/** Workers killed: the chaos goes on until this many kills (bounded in time by CHAOS_MAX_MS). */
const KILLS = 30;
const CHAOS_MAX_MS = 120_000;
const CONNECTIONS = 16;

t.test(`chaos: kill -9 a random worker every 200–500 ms under load, ${KILLS} times; the app keeps serving and ends whole`, async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'chaos', script: join(FIXTURES, 'http-app.cjs'), instances: 4, env: { PORT: port }, min_uptime: 200 }]);
  t.equal((await home.run(['start', file])).code, 0);
  const events = await home.events();
  t.teardown(() => events.close());

  // The ready workers, kept from the event stream (a status call per kill would be too slow).
  const ready = new Map<number, number>();
  for (const w of (await home.status()).apps[0]!.workers) if (w.state === 'ready' && w.pid) ready.set(w.id, w.pid);
  let seen = 0;
  const follow = () => {
    for (; seen < events.events.length; seen++) {
      const e = events.events[seen]!;
      if (e.kind !== 'worker') continue;
      if (e.to === 'ready' && e.pid) ready.set(e.worker_id, e.pid);
      else ready.delete(e.worker_id);
    }
  };

  let kills = 0;
  const started = Date.now();
  const { load } = await underLoad({ port, connections: CONNECTIONS, maxSeconds: 180 }, async () => {
    const end = Date.now() + CHAOS_MAX_MS;
    // Bounded: at most one kill per 200 ms, for at most CHAOS_MAX_MS. On a starved machine
    // restarts lag behind and kills are skipped (one worker is always kept): it then takes longer.
    for (let i = 0; i < CHAOS_MAX_MS / 200 && kills < KILLS && Date.now() < end; i++) {
      await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 300)));
      follow();
      const pids = [...ready.values()];
      // Keep one worker listening: when the last one is gone, node:cluster closes the shared
      // socket and new connections are refused until a worker is back (a whole-app outage, which
      // this test is not about; on a starved machine restarts can lag behind the kills).
      if (pids.length < 2) continue;
      tryKill(pids[Math.floor(Math.random() * pids.length)]!, 'SIGKILL');
      kills++;
    }
  });
  t.comment(`${kills} workers killed in ${((Date.now() - started) / 1000).toFixed(1)} s; ${load.requests} requests, ${load.ok} answered, ${load.failed} failed (errors ${load.errors}, timeouts ${load.timeouts}, non-2xx ${load.non2xx})`);
  t.ok(kills >= KILLS, `workers were killed (${kills})`);
  t.ok(load.ok > 1000, `the app kept serving (${load.ok} answered)`);
  // Per kill and connection, at most: the request in flight on the killed worker, and one retry
  // that node:cluster's round robin hands to that worker before the primary has seen it die.
  // (Bare node:cluster measured here: ~3.5 failures per kill with 16 connections.)
  const bound = 2 * kills * CONNECTIONS;
  t.ok(load.failed <= bound, `failures (${load.failed}) only around killed workers (at most 2 × ${kills} kills × ${CONNECTIONS} connections = ${bound})`);
  t.equal(load.non2xx, 0, 'no request got a wrong answer');

  const end = await home.waitForStatus((s) => s.apps[0]!.workers.filter((w) => w.state === 'ready').length === 4, 30_000);
  const app = end.apps[0]!;
  t.not(app.status, 'errored', 'not errored: killed workers had been up past min_uptime');
  t.equal(app.workers.length, 4, 'ends with its full worker count');
  t.ok(app.restarts >= kills - 4, `restarts counted (${app.restarts})`);
});
