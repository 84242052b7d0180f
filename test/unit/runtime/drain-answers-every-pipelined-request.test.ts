import t from 'tap';
import net from 'node:net';
import { app, freePort, Harness, within } from './harness-client.js';

interface Raw {
  /** Every response's status line and Connection header, in order. */
  responses: Array<{ status: number; connection: string | undefined; url: string }>;
  /** How the connection ended. */
  ended: 'end' | 'error';
}

/** Sends `paths` pipelined in one write on one connection; resolves when the server ends it. */
function pipelined(port: number, paths: string[]): Promise<Raw> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('connect', () => {
      socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`).join(''));
    });
    const finish = (ended: Raw['ended']) => () => {
      const responses = data
        .split(/(?=HTTP\/1\.1 )/)
        .filter(Boolean)
        .map((r) => ({
          status: Number(/^HTTP\/1\.1 (\d+)/.exec(r)?.[1]),
          connection: /\r\nconnection: ([^\r]+)/i.exec(r)?.[1]?.toLowerCase(),
          url: /"url":"([^"]+)"/.exec(r)?.[1] ?? '',
        }));
      resolve({ responses, ended });
    };
    socket.on('end', finish('end'));
    socket.on('error', finish('error'));
  });
}

// The fast answers of the first case are written (while queued) before the drain begins: they
// keep the connection alive, and the drain closes it idle once the grace period is over.
for (const [label, paths, lastConnection] of [
  ['one slow request and 4 fast ones behind it', ['/slow', '/1', '/2', '/3', '/4'], 'keep-alive'],
  ['5 slow requests, every answer written after the drain began', ['/slow1', '/slow2', '/slow3', '/slow4', '/slow5'], 'close'],
] as const) {
  t.test(`pipelined ${label}, a drain starting while they run: all 5 answered, Connection: close only on the last`, async (t) => {
    const port = await freePort();
    const h = await Harness.start(t);
    await h.fork('w1', app('pipeline-app.cjs'), { env: { PORT: String(port), DELAY_MS: '800' } });
    await h.waitForMessage('w1', 'ready');

    const result = pipelined(port, [...paths]);
    // Every handler has run before the drain starts.
    await h.waitFor((e) => e.ev === 'message' && e.id === 'w1' && h.rawMessages('w1').filter((m) => (m as { fixture?: string }).fixture === 'request-received').length === 5, 'the 5 requests to run');
    h.shutdown('w1', 100);

    const raw = await within(result, 'the connection to end');
    t.same(raw.responses.map((r) => r.status), [200, 200, 200, 200, 200], 'five answers');
    t.same(raw.responses.map((r) => r.url), [...paths], 'in request order');
    t.equal(raw.responses.at(-1)!.connection, lastConnection, 'the last answer');
    t.ok(raw.responses.slice(0, -1).every((r) => r.connection !== 'close'), 'no earlier answer says Connection: close');
    t.match(await h.waitForMessage('w1', 'drained'), { hotctl: 1, type: 'drained', served: 5 });
    t.same(await h.waitForExit('w1'), { code: 0, signal: null });
  });
}
