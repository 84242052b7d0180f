import t from 'tap';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { pipelinedLoad } from '../helpers/pipelined-load.js';

t.test('5 reloads under a pipelined load (16 connections, 4 requests deep): every request written is answered', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', instances: 2, env: { PORT: port }, min_uptime: 200 }]);
  t.equal((await home.run(['start', file])).code, 0);

  const load = pipelinedLoad(port, 16, 4);
  const codes: number[] = [];
  try {
    for (let i = 0; i < 5; i++) codes.push((await home.run(['reload', 'api'])).code ?? -1);
  } finally {
    const report = await load.stop();
    t.comment(`sent ${report.sent}, answered ${report.answered}, lost ${report.lost}, resets ${report.resets}, non-2xx ${report.non2xx}`);
    if (report.losses.length > 0) t.comment(report.losses.join('; '));
    t.same(codes, [0, 0, 0, 0, 0], 'every reload succeeded');
    t.ok(report.answered > 1000, 'the load really ran');
    t.equal(report.lost, 0, 'no request lost');
    t.equal(report.resets, 0, 'no connection reset');
    t.equal(report.non2xx, 0);
    t.equal(report.answered, report.sent, 'every request written was answered');
  }
});
