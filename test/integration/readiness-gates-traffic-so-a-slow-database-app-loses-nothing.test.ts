import t from 'tap';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { underLoad } from '../helpers/load.js';

// An app that listens first and is ready (wait_ready) only after its database connects answers
// 503 meanwhile: under node:cluster's round-robin it got connections before it was ready. With
// the primary routing connections, a worker gets them only once it is ready.
for (const close of [true, false]) {
  t.test(`5 reloads of a slow-database app under ${close ? 'Connection: close' : 'keep-alive'} load: 0 non-2xx`, async (t) => {
    const home = new Home(t);
    const port = await freePort();
    const file = writeEcosystem(home, [
      { name: 'db', script: 'slow-database.cjs', instances: 2, wait_ready: true, listen_timeout: 20_000, env: { PORT: port, DB_CONNECT_MS: 1000 } },
    ]);
    t.equal((await home.run(['start', file])).code, 0);
    const { value: codes, load } = await underLoad({ port, connections: 16, close }, async () => {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await home.run(['reload', 'db'])).code ?? -1);
      return codes;
    });
    t.same(codes, [0, 0, 0, 0, 0], 'every reload succeeded');
    t.comment(`requests: ${load.requests}, failed: ${load.failed} (errors ${load.errors}, timeouts ${load.timeouts}, non-2xx ${load.non2xx})`);
    t.ok(load.requests > 100, 'the load really ran');
    t.equal(load.non2xx, 0, 'no 503: no connection reached a worker before it was ready');
    t.equal(load.failed, 0, 'zero failed requests');
  });
}
