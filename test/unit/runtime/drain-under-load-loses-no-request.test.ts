import t from 'tap';
import { createRequire } from 'node:module';
import { agentLoad, AnswerCounter, app, freePort, Harness, within, type Load } from './harness-client.js';

const require = createRequire(import.meta.url);

interface AutocannonResult {
  requests: { total: number; sent: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
interface AutocannonInstance {
  stop(): void;
  on(event: 'done', fn: (r: AutocannonResult) => void): void;
  on(event: 'response', fn: () => void): void;
  on(event: 'reqError', fn: (err: Error & { code?: string }) => void): void;
}
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => AutocannonInstance;

const CYCLES = 3;
const CONNECTIONS = 32;
const ANSWERS_PER_CYCLE = 500;
const GRACE_MS = 300;

function autocannonLoad(port: number): Load {
  const instance = autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, pipelining: 1, duration: 120, timeout: 10 });
  const done = new Promise<AutocannonResult>((resolve) => instance.on('done', resolve));
  const answers = new AnswerCounter();
  const details: string[] = [];
  instance.on('response', () => answers.add());
  instance.on('reqError', (err) => details.push(err.code ?? err.message));
  return {
    afterMore: (n) => answers.afterMore(n),
    async stop() {
      instance.stop();
      const r = await done;
      return {
        ok: r['2xx'],
        failed: r.errors + r.timeouts + r.non2xx,
        details: [...details, `errors ${r.errors}`, `timeouts ${r.timeouts}`, `non2xx ${r.non2xx}`],
        // autocannon ignores `Connection: close` and writes its next request on that connection
        // anyway; the server has closed it, never reads it, and autocannon reconnects.
        note: `sent ${r.requests.sent}, answered ${r.requests.total}`,
      };
    },
  };
}

const loads: Array<[string, (port: number) => Load]> = [
  ['autocannon', autocannonLoad],
  ['node http.Agent', (port) => agentLoad(port, CONNECTIONS)],
];

for (const [client, startLoad] of loads) {
  t.test(`${client}, ${CONNECTIONS} keep-alive connections: replacing both workers ${CYCLES} times loses no request`, async (t) => {
    const port = await freePort();
    const h = await Harness.start(t);
    const env = { PORT: String(port) };

    let generation = ['g0-a', 'g0-b'];
    for (const id of generation) await h.fork(id, app('http-app.cjs'), { env });
    await Promise.all(generation.map((id) => h.waitForMessage(id, 'ready')));

    const load = startLoad(port);
    let stopped = false;
    t.teardown(() => (stopped ? undefined : load.stop().then(() => {})));

    const drained: number[] = [];
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      await within(load.afterMore(ANSWERS_PER_CYCLE), `${ANSWERS_PER_CYCLE} answers before cycle ${cycle}`, 30_000);
      const next = [`g${cycle}-a`, `g${cycle}-b`];
      for (const id of next) await h.fork(id, app('http-app.cjs'), { env });
      await Promise.all(next.map((id) => h.waitForMessage(id, 'ready')));
      for (const id of generation) h.shutdown(id, GRACE_MS);
      for (const id of generation) {
        const message = await h.waitForMessage(id, 'drained');
        if (message.type === 'drained') drained.push(message.served);
        t.same(await h.waitForExit(id), { code: 0, signal: null }, `${id} exits 0 after draining`);
      }
      generation = next;
    }
    await within(load.afterMore(ANSWERS_PER_CYCLE), `${ANSWERS_PER_CYCLE} answers after the last cycle`, 30_000);
    stopped = true;
    const result = await within(load.stop(), 'the load to stop', 30_000);

    t.comment(`${client}: ok ${result.ok}, failed ${result.failed}${result.note ? `; ${result.note}` : ''}`);
    t.comment(`served by each drained worker: ${drained.join(', ')}`);
    t.ok(result.ok >= (CYCLES + 1) * ANSWERS_PER_CYCLE, 'the load ran through every cycle');
    t.equal(result.failed, 0, `no failed request (${result.details.join(', ')})`);
    t.equal(drained.length, CYCLES * 2, 'every old worker reported drained');
    t.ok(drained.every((served) => served > 0), 'every old worker served requests before it drained');
  });
}
