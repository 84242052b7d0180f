import t from 'tap';
import { Home, writeEcosystem } from '../helpers/harness.js';

t.test('cluster mode: a worker that has called no listen() by listen_timeout is taken as serving no port (ready, with the reason), not killed', async (t) => {
  const home = new Home(t);
  // Cluster mode (the default), no wait_ready, no port: the queue consumer never calls listen().
  const file = writeEcosystem(home, [{ name: 'consumer', script: 'queue-consumer.cjs', instances: 2, listen_timeout: 1500, env: { QUEUE: 'q' } }]);
  const started = await home.run(['start', file, '--json']);
  t.equal(started.code, 0, started.stderr);
  const events = await home.events(['events', 'logs']);
  t.teardown(() => events.close());
  const app = (await home.status()).apps[0]!;
  t.equal(app.status, 'online');
  t.same(app.workers.map((w) => w.state), ['ready', 'ready']);
  const steps = JSON.stringify(started.stdout);
  t.match(steps, /no listen\(\) within listen_timeout \(1500 ms\): taken as a process that serves no port/, 'the start says why it is ready');
  // It keeps running: its output goes on, and no transition follows (never killed for not listening).
  const from = events.events.length;
  for (let i = 0; i < 5; i++) await events.waitFor((e) => e.kind === 'log' && e.app === 'consumer', 30_000, events.events.length);
  t.same(events.events.slice(from).filter((e) => e.kind === 'worker'), [], 'no worker transition');
  t.same((await home.status()).apps[0]!.workers.map((w) => w.pid), app.workers.map((w) => w.pid), 'the same processes');
});
