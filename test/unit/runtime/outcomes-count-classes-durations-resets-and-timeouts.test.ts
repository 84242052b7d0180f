/**
 * The runtime's request outcomes (issue 12 item 1), in process: a real HTTP server tracked by
 * the ServerRegistry (its listen() patch installed), real requests over real sockets.
 */
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { DURATION_BUCKETS_S, requestsOf } from '../../../src/protocol/outcomes.js';
import { ServerRegistry } from '../../../src/runtime/servers.js';

const registry = new ServerRegistry(() => {});
registry.install();

/** Resolves once the server saw the request's connection close (after the counter's own 'close' listener). */
function closedOnServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.once('request', (req: http.IncomingMessage) => req.socket.on('close', () => setImmediate(resolve))));
}

async function listen(t: { teardown(fn: () => void): void }, server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as net.AddressInfo).port;
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
}

/** Every count of the registry's outcomes, as a plain copy. */
const snapshot = () => structuredClone(registry.outcomes!);

t.test('responses are counted by status class, each with its duration', async (t) => {
  const server = http.createServer((req, res) => {
    if (req.url === '/fail') res.writeHead(500).end();
    else if (req.url === '/missing') res.writeHead(404).end();
    else if (req.url === '/slow') setTimeout(() => res.end('late'), 60);
    else res.end('ok');
  });
  const port = await listen(t, server);
  const before = snapshot();
  t.same(await Promise.all(['/', '/', '/fail', '/missing', '/slow'].map((p) => get(port, p))), [200, 200, 500, 404, 200]);
  const o = snapshot();
  t.equal(o.responses['2xx'] - before.responses['2xx'], 3);
  t.equal(o.responses['5xx'] - before.responses['5xx'], 1);
  t.equal(o.responses['4xx'] - before.responses['4xx'], 1);
  t.equal(o.responses['1xx'] + o.responses['3xx'], 0);
  t.equal(o.duration_buckets.reduce((a, b) => a + b, 0) - before.duration_buckets.reduce((a, b) => a + b, 0), 5, 'one duration per response');
  // The slow response took at least 60 ms: it sits in a bucket whose upper bound is ≥ 0.075 s.
  const slowFrom = DURATION_BUCKETS_S.indexOf(0.075);
  t.equal(o.duration_buckets.slice(slowFrom).reduce((a, b) => a + b, 0) - before.duration_buckets.slice(slowFrom).reduce((a, b) => a + b, 0), 1, 'the slow one in a bucket ≥ 60 ms');
  t.ok(o.duration_sum_s - before.duration_sum_s >= 0.06, 'the sum holds the slow one');
  t.equal(o.resets + o.timeouts, 0);
});

t.test('a client that resets its connection before the answer counts one reset', async (t) => {
  const server = http.createServer(() => {
    // never answers
  });
  const port = await listen(t, server);
  const before = snapshot();
  const closed = closedOnServer(server);
  const client = net.connect(port, '127.0.0.1', () => client.write('GET /hang HTTP/1.1\r\nHost: x\r\n\r\n'));
  client.on('error', () => {});
  await once(server, 'request');
  client.resetAndDestroy();
  await closed;
  const o = snapshot();
  t.equal(o.resets - before.resets, 1);
  t.equal(o.timeouts - before.timeouts, 0);
  t.equal(requestsOf(o) - requestsOf(before), 1, 'a request, unanswered');
});

t.test('a connection ended by the server timeout before the answer counts one timeout', async (t) => {
  const server = http.createServer(() => {
    // never answers
  });
  server.timeout = 100;
  const port = await listen(t, server);
  const before = snapshot();
  const closed = closedOnServer(server);
  const client = net.connect(port, '127.0.0.1', () => client.write('GET /hang HTTP/1.1\r\nHost: x\r\n\r\n'));
  client.on('error', () => {});
  t.teardown(() => client.destroy());
  await closed;
  const o = snapshot();
  t.equal(o.timeouts - before.timeouts, 1);
  t.equal(o.resets - before.resets, 0);
});

t.test('a request whose body does not arrive within requestTimeout counts one timeout', async (t) => {
  const server = http.createServer({ requestTimeout: 150, connectionsCheckingInterval: 30 }, (req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const port = await listen(t, server);
  const before = snapshot();
  const closed = closedOnServer(server);
  const client = net.connect(port, '127.0.0.1', () => client.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc'));
  client.on('error', () => {});
  client.resume();
  t.teardown(() => client.destroy());
  await closed;
  const o = snapshot();
  t.equal(o.timeouts - before.timeouts, 1);
  t.equal(o.resets - before.resets, 0);
});

t.test('an answered request on a connection closed afterwards is no reset', async (t) => {
  const server = http.createServer((_req, res) => res.end('ok'));
  const port = await listen(t, server);
  const before = snapshot();
  const closed = closedOnServer(server);
  t.equal(await get(port, '/'), 200);
  await closed;
  const o = snapshot();
  t.equal(o.responses['2xx'] - before.responses['2xx'], 1);
  t.equal(o.resets - before.resets, 0);
});

t.test('pipelined requests on one connection: each is timed from its own arrival', async (t) => {
  // The start times are kept on the connection (the oldest unanswered one, then a queue): the
  // second request, sent 300 ms after the first, must not be timed from the first one's arrival.
  let fastArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (fastArrived = resolve));
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') void arrived.then(() => setTimeout(() => res.end('slow'), 20));
    else {
      res.end('fast'); // queued by Node behind /slow's answer
      fastArrived();
    }
  });
  const port = await listen(t, server);
  const before = snapshot();
  const client = net.connect(port, '127.0.0.1', () => client.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'));
  client.on('error', () => {});
  t.teardown(() => client.destroy());
  let received = '';
  const bothAnswered = new Promise<void>((resolve) => client.on('data', (d) => (received += d) && received.includes('fast') && resolve()));
  await once(server, 'request');
  setTimeout(() => client.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n'), 300);
  await bothAnswered;
  t.ok(received.indexOf('slow') < received.indexOf('fast'), 'answered in order');
  const o = snapshot();
  t.equal(o.responses['2xx'] - before.responses['2xx'], 2);
  const over = (s: typeof o) => s.duration_buckets.slice(DURATION_BUCKETS_S.indexOf(0.5)).reduce((a, b) => a + b, 0);
  t.equal(over(o) - over(before), 1, 'one response over 0.25 s (the first), not both');
  t.equal(o.resets + o.timeouts - before.resets - before.timeouts, 0);
});

t.test('a connection reset with pipelined requests unanswered counts one reset, and answers none', async (t) => {
  let seen = 0;
  let bothSeen!: () => void;
  const both = new Promise<void>((resolve) => (bothSeen = resolve));
  const server = http.createServer((req, res) => {
    // The first is never answered; the second answers at once, queued behind it.
    if (req.url === '/second') res.end('queued');
    if (++seen === 2) bothSeen();
  });
  const port = await listen(t, server);
  const before = snapshot();
  const closed = closedOnServer(server);
  const client = net.connect(port, '127.0.0.1', () => client.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n'));
  client.on('error', () => {});
  await both;
  client.resetAndDestroy();
  await closed;
  const o = snapshot();
  t.equal(o.resets - before.resets, 1);
  t.equal(requestsOf(o) - requestsOf(before), 1, 'the connection counts once, as a reset');
  t.equal(await get(port, '/second'), 200, 'the next connection is timed afresh');
  t.equal(snapshot().responses['2xx'] - o.responses['2xx'], 1);
});

t.test('HOTCTL_REQUEST_OUTCOMES=0 or HOTCTL_REQUEST_COUNTING=0: no outcomes', async (t) => {
  t.equal(new ServerRegistry(() => {}, { countOutcomes: false }).outcomes, null);
  t.equal(new ServerRegistry(() => {}, { countRequests: false }).outcomes, null);
  t.not(new ServerRegistry(() => {}).outcomes, null);
});
