import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ERROR_CODE_LIST, MAX_MESSAGE_BYTES, METHODS } from '../../src/protocol/index.js';
import { FIXTURES, freePort, get, Home, isAlive, writeEcosystem } from '../helpers/harness.js';

const CONTROL_MESSAGES = 10_000;
const WS_MESSAGES = 1_500;
/** Connections fuzzing at once (each with one message in flight), on the socket and on /ws. */
const LANES = 4;

/** mulberry32: a small seeded PRNG, so a failure can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Frame = { data: string | Buffer; binary: boolean; expectId: number | null; oversized: boolean };

/** One malformed frame. Requests naming a method always carry an unknown key, so none can act. */
function malformed(rand: () => number, n: number): Frame {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const junk = (): unknown =>
    pick([null, true, 0, -1, 1e308, 'x'.repeat(Math.floor(rand() * 300)), [], [1, 'a'], {}, { a: { b: { c: [] } } }, '\u0000\ud800', NaN]);
  const deep = (depth: number): unknown => (depth === 0 ? 1 : { d: deep(depth - 1) });
  const id = n + 1;
  const text = (s: string, expectId: number | null = 0): Frame => ({ data: s, binary: false, expectId, oversized: false });
  switch (Math.floor(rand() * 11)) {
    case 0:
      return text(pick(['', '{', '{"id":', '[', 'null', 'true', '42', '"str"', '{"id":1,"method":"status"', '\u0000', 'undefined', '}{', 'NaN']));
    case 1: {
      const good = JSON.stringify({ id, method: pick(METHODS), params: { fuzz: 1 } });
      return text(good.slice(0, 1 + Math.floor(rand() * (good.length - 2)))); // truncated
    }
    case 2:
      return { data: Buffer.from(JSON.stringify({ id, method: 'status', params: {} })), binary: true, expectId: 0, oversized: false };
    case 3:
      return text(JSON.stringify(pick([[], [1, 2], null, 7, 'status', { method: 'status' }])));
    case 4: // ids that are not whole numbers
      return text(JSON.stringify({ id: pick([{}, [], '1', -0.5, 1e300, Number.MAX_SAFE_INTEGER + 2, null, true]), method: 'status', params: {} }));
    case 5: // unknown methods
      return text(JSON.stringify({ id, method: pick(['', 'STATUS', 'constructor', '__proto__', 'toString', 'x'.repeat(500), 42, null]), params: {} }), id);
    case 6: // every method, params of the wrong type
      return text(JSON.stringify({ id, method: pick(METHODS), params: pick([null, 5, 'x', [], [1], true]) }), id);
    case 7: {
      // every method, wrongly typed fields, plus a key no method takes
      const params: Record<string, unknown> = { fuzz_unknown_key: junk() };
      for (const key of ['name', 'apps', 'instances', 'topics', 'lines', 'to', 'force', 'spec', 'strategy', 'id']) if (rand() < 0.4) params[key] = junk();
      return text(JSON.stringify({ id, method: pick(METHODS), params }), id);
    }
    case 8: // deeply nested
      return text(JSON.stringify({ id, method: 'status', params: { fuzz: deep(200 + Math.floor(rand() * 2000)) } }), id);
    case 9: // big but under the limit
      return text(JSON.stringify({ id, method: pick(METHODS), params: { fuzz: 'y'.repeat(Math.floor(rand() * 200_000)) } }), id);
    default:
      // over the limit: the server closes the connection (1009)
      if (rand() < 0.02) return { data: 'z'.repeat(MAX_MESSAGE_BYTES + 1024), binary: false, expectId: null, oversized: true };
      return text(JSON.stringify({ id, method: 'history', params: { name: junk() } }), id);
  }
}

class Conn {
  private waiting: ((m: Record<string, unknown> | null) => void) | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const w = this.waiting;
      this.waiting = null;
      w?.(JSON.parse(String(d)));
    });
    ws.on('close', () => {
      const w = this.waiting;
      this.waiting = null;
      w?.(null);
    });
    ws.on('error', () => {});
  }
  static open(url: string): Promise<Conn> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Conn(ws)));
      ws.once('error', reject);
    });
  }
  /** Sends one frame; resolves with the next message, or null when the server closed the connection. */
  exchange(frame: Frame): Promise<Record<string, unknown> | null> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer in 10 s')), 10_000);
      this.waiting = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
      this.ws.send(frame.data, { binary: frame.binary });
    });
  }
}

t.test('fuzzing the control socket and /ws: the daemon stays up, answers every message, apps keep serving', async (t) => {
  const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.comment(`seed ${seed} (replay with FUZZ_SEED=${seed})`);
  const rand = prng(seed);
  const httpPort = await freePort();
  const home = new Home(t, { HOTCTL_HTTP_PORT: String(httpPort) });
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: join(FIXTURES, 'http-app.cjs'), instances: 2, env: { PORT: port } }]);
  t.equal((await home.run(['start', file])).code, 0);
  const daemon = home.daemonPid()!;

  // The app is polled all along.
  let polls = 0;
  let pollFailures = 0;
  let polling = true;
  const poller = (async () => {
    for (let i = 0; polling && i < 100_000; i++) {
      const r = await get(port).catch(() => null);
      polls++;
      if (r?.status !== 200) pollFailures++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  t.teardown(() => {
    polling = false;
  });
  const codes = new Set<string>(ERROR_CODE_LIST);
  const socketUrl = `ws+unix:${join(home.dir, 'daemon.sock')}`;
  let answered = 0;
  let reopened = 0;
  const wrong: string[] = [];
  // LANES connections fuzz at once, each one message in flight. Frame n is made when a lane
  // takes it, in the order of n: the frames of a seed are the same however the lanes interleave.
  let nextControl = 0;
  const controlLane = async (): Promise<void> => {
    let conn = await Conn.open(socketUrl);
    for (let n = nextControl++; n < CONTROL_MESSAGES; n = nextControl++) {
      const frame = malformed(rand, n);
      const answer = await conn.exchange(frame);
      if (answer === null) {
        if (!frame.oversized) wrong.push(`#${n}: connection closed after ${String(frame.data).slice(0, 80)}`);
        conn = await Conn.open(socketUrl).catch((err: Error) => {
          const log = readFileSync(join(home.dir, 'daemon.log'), 'utf8').split('\n').slice(-15).join('\n');
          throw new Error(`#${n}: reopening after ${frame.oversized ? 'an oversized frame' : String(frame.data).slice(0, 80)}: ${err.message}\ndaemon.log:\n${log}`);
        });
        reopened++;
        continue;
      }
      answered++;
      const error = answer.error as { code?: string } | undefined;
      if (answer.ok !== false || !error?.code || !codes.has(error.code)) wrong.push(`#${n}: ${JSON.stringify(answer).slice(0, 200)}`);
      else if (frame.expectId !== null && answer.id !== frame.expectId) wrong.push(`#${n}: answered id ${String(answer.id)}, expected ${frame.expectId}`);
    }
    conn.ws.close();
  };
  await Promise.all(Array.from({ length: LANES }, controlLane));
  t.same(wrong.slice(0, 10), [], `${answered} control messages answered with a registered error code and the right id (${reopened} connections reopened after oversized frames)`);
  t.equal(answered + reopened, CONTROL_MESSAGES, 'every control message was sent and answered (or closed its connection when oversized)');

  // /ws takes only {"subscribe": [...]}: anything else closes that connection (1008).
  const wsUrl = `ws://127.0.0.1:${httpPort}/ws`;
  let closedRight = 0;
  let nextWs = 0;
  const wsLane = async (): Promise<void> => {
    for (let n = nextWs++; n < WS_MESSAGES; n = nextWs++) {
      const frame = malformed(rand, n);
      if (frame.oversized) frame.data = 'z'.repeat(1024 * 1024 + 10);
      const ws = new WebSocket(wsUrl);
      const code = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`/ws #${n}: not closed in 10 s`)), 10_000);
        ws.on('error', () => {});
        ws.on('close', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
        ws.once('open', () => ws.send(frame.data, { binary: frame.binary }));
      });
      if (code === 1008 || code === 1009) closedRight++;
    }
  };
  await Promise.all(Array.from({ length: LANES }, wsLane));
  t.equal(closedRight, WS_MESSAGES, `every malformed /ws message closed its connection with 1008 (or 1009 when too big)`);

  polling = false;
  await poller;
  t.ok(isAlive(daemon), 'the daemon is still up');
  t.equal(home.daemonPid(), daemon, 'the same daemon');
  t.ok(polls > 20, `the app was polled ${polls} times during fuzzing`);
  t.equal(pollFailures, 0, 'and answered every time');
  const status = await home.status();
  t.same(status.apps[0]!.workers.map((w) => w.state), ['ready', 'ready'], 'status works; the app is untouched');
  t.equal(status.apps[0]!.revision, 1);
});
