import t from 'tap';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, Home, writeEcosystem, type Teardown } from '../helpers/harness.js';

/** What passed through the proxy, in the order it saw it. */
interface Chunk {
  from: 'cli' | 'daemon';
  bytes: Buffer;
}

/**
 * A second state directory whose daemon.sock relays to the real daemon's socket, recording each
 * chunk as the relay sees it: a CLI that waits for the hello's answer cannot send its request
 * before the relay has passed that answer on.
 */
function relay(t: Teardown, home: Home): { dir: string; env: NodeJS.ProcessEnv; chunks: Chunk[] } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'hc-relay-')));
  const chunks: Chunk[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((cli) => {
    const daemon = connect(join(home.dir, 'daemon.sock'));
    sockets.add(cli).add(daemon);
    cli.on('data', (bytes) => {
      chunks.push({ from: 'cli', bytes });
      daemon.write(bytes);
    });
    daemon.on('data', (bytes) => {
      chunks.push({ from: 'daemon', bytes });
      cli.write(bytes);
    });
    cli.on('close', () => daemon.destroy());
    daemon.on('close', () => cli.destroy());
    cli.on('error', () => {});
    daemon.on('error', () => {});
  });
  server.listen(join(dir, 'daemon.sock'));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, env: { HOTCTL_HOME: dir }, chunks };
}

/** The text messages of the CLI's (masked) frames, after the upgrade request. */
function cliMessages(stream: Buffer): string[] {
  let b = stream.subarray(stream.indexOf('\r\n\r\n') + 4);
  const messages: string[] = [];
  while (b.length >= 6) {
    let length = b[1]! & 0x7f;
    let at = 2;
    if (length === 126) {
      length = b.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      length = Number(b.readBigUInt64BE(2));
      at = 10;
    }
    const mask = b.subarray(at, at + 4);
    const payload = Buffer.from(b.subarray(at + 4, at + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    if ((b[0]! & 0x0f) === 0x1) messages.push(payload.toString('utf8'));
    b = b.subarray(at + 4 + length);
  }
  return messages;
}

/**
 * The CLI's messages sent before the daemon had sent anything past its handshake answer:
 * with one round trip, the hello and the request.
 */
function sentBeforeAnyAnswer(chunks: Chunk[]): string[] {
  let daemonBytes = Buffer.alloc(0);
  let cliBytes = Buffer.alloc(0);
  for (const chunk of chunks) {
    if (chunk.from === 'daemon') {
      daemonBytes = Buffer.concat([daemonBytes, chunk.bytes]);
      const end = daemonBytes.indexOf('\r\n\r\n');
      if (end !== -1 && daemonBytes.length > end + 4) break;
    } else cliBytes = Buffer.concat([cliBytes, chunk.bytes]);
  }
  return cliMessages(cliBytes).map((text) => (JSON.parse(text) as { method: string }).method);
}

t.test('status, history and logs send their request with the hello, before any answer', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const started = await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])]);
  t.equal(started.code, 0, started.stderr);

  for (const [args, method] of [
    [['status'], 'status'],
    [['status', '--json'], 'status'],
    [['history', 'api'], 'history'],
    [['logs', 'api', '--lines', '5'], 'logs'],
    [['logs', '--json'], 'logs'],
  ] as const) {
    const proxy = relay(t, home);
    const r = await home.run([...args], { env: proxy.env });
    t.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    t.same(sentBeforeAnyAnswer(proxy.chunks), ['hello', method], `${args.join(' ')}: hello and ${method} leave before the daemon answers`);
  }

  const status = await home.run(['status'], { env: relay(t, home).env });
  t.match(status.stdout, /api/, 'the answer is the one the command prints');
  const history = await home.run(['history', 'api', '--json'], { env: relay(t, home).env });
  t.equal((JSON.parse(history.stdout) as { revisions: unknown[] }).revisions.length, 1);
});

t.test('an unknown app still fails history and logs with the daemon\'s error', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  t.equal((await home.run(['start', writeEcosystem(home, [{ name: 'api', script: 'http-app.cjs', env: { PORT: port } }])])).code, 0);
  for (const args of [['history', 'nope'], ['logs', 'nope']]) {
    const r = await home.run(args);
    t.not(r.code, 0, args.join(' '));
    t.match(r.stderr, /E_APP_NOT_FOUND/, args.join(' '));
  }
});
