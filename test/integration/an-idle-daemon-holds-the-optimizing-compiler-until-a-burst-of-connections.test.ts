import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

/**
 * Issue 13 (bench/RESULTS.md, section 26): the daemon holds V8's optimizing compiler off while it
 * idles (its first compilation maps ~3.3 MB of the node binary for good) and releases it when
 * the router sees a burst of connections, so that routing under load runs optimized code.
 * Seen from the daemon's log, which says when and why it was released.
 */
t.test('start, status and a lone request leave the compiler held; a burst of connections to the app releases it', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const eco = writeEcosystem(home, [{ name: 'web', script: 'http-app.cjs', instances: 2, env: { PORT: port } }]);
  const started = await home.run(['start', eco]);
  t.equal(started.code, 0, `start exits 0\n${started.stderr}`);
  const status = await home.status();
  t.same(status.apps[0]!.workers.map((w) => w.state), ['ready', 'ready']);
  t.equal((await get(port)).status, 200, 'a lone request (a health check) is served');
  const log = () => readFileSync(join(home.dir, 'daemon.log'), 'utf8');
  const released = /V8's optimizing compiler released: (.*)$/m;
  t.notMatch(log(), released, 'still held after start, status and one connection');

  // 64 connections at once, each its own (agent: false): accepted well within one second.
  const answers = await Promise.all(Array.from({ length: 64 }, () => get(port)));
  t.same(new Set(answers.map((a) => a.status)), new Set([200]), 'all served');
  // The log line is written as the 32nd connection is accepted: poll the file, bounded.
  const deadline = Date.now() + 10_000;
  while (!released.test(log()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  t.match(log(), /V8's optimizing compiler released: \d+ connections routed within 1000 ms$/m, 'released by the burst');
});
