/** The CLI's WebSocket client against the `ws` server the daemon uses (sizes, fragments, ping, close), and against raw servers that answer the handshake wrongly or not at all. */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { WebSocketServer, type WebSocket } from 'ws';
import { HANDSHAKE_ACCEPT, HANDSHAKE_KEY, UnixWebSocket } from '../../../src/cli/unix-websocket.js';
import { WS_GUID } from '../../../src/protocol/ws-frames.js';

async function server(onConnection: (socket: WebSocket) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'huws-'));
  const path = join(dir, 's.sock');
  const http = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', onConnection);
  await new Promise<void>((resolve) => http.listen(path, resolve));
  t.teardown(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise((resolve) => wss.close(resolve));
    await new Promise((resolve) => http.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  return path;
}

function opened(ws: UnixWebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
}

t.test('messages of every length class both ways, echoed', async (t) => {
  const path = await server((s) => s.on('message', (data) => s.send(data.toString())));
  const ws = new UnixWebSocket(path);
  await opened(ws);
  const got: string[] = [];
  ws.on('message', (data: Buffer) => got.push(data.toString()));
  const sizes = [0, 1, 125, 126, 65535, 65536, 300_000];
  const texts = sizes.map((n, i) => 'é'.repeat(Math.floor(n / 2)) + String(i).repeat(n % 2));
  for (const text of texts) ws.send(text);
  while (got.length < texts.length) await new Promise((resolve) => ws.once('message', resolve));
  t.same(got, texts);
  const closed = new Promise((resolve) => ws.once('close', resolve));
  ws.close(1000);
  await closed;
});

t.test('a fragmented message arrives whole; a ping is answered with a pong', async (t) => {
  let pong: Promise<Buffer> | null = null;
  const path = await server((s) => {
    pong = new Promise((resolve) => s.once('pong', resolve));
    s.ping(Buffer.from('p1'));
    s.send('hello ', { fin: false });
    s.send('world', { fin: true });
  });
  const ws = new UnixWebSocket(path);
  const message = new Promise<Buffer>((resolve) => ws.once('message', resolve));
  await opened(ws);
  t.equal((await message).toString(), 'hello world');
  t.equal((await pong!)?.toString(), 'p1');
  ws.terminate();
});

t.test('the server closing ends the connection with one close event', async (t) => {
  const path = await server((s) => s.close(1001));
  const ws = new UnixWebSocket(path);
  let closes = 0;
  await new Promise<void>((resolve) => ws.on('close', () => (closes++, resolve())));
  t.equal(closes, 1);
});

t.test('nothing listening: an error with the socket code, then close', async (t) => {
  const ws = new UnixWebSocket(join(tmpdir(), 'no-such-dir-hotctl', 's.sock'));
  const err = await new Promise<NodeJS.ErrnoException>((resolve) => ws.once('error', resolve));
  t.equal(err.code, 'ENOENT');
  await new Promise((resolve) => ws.once('close', resolve));
});

t.test("the fixed handshake key's accept is base64(SHA-1(key + GUID)), as node:crypto computes it", async (t) => {
  t.equal(Buffer.from(HANDSHAKE_KEY, 'base64').length, 16, 'a 16-byte key');
  t.equal(HANDSHAKE_ACCEPT, createHash('sha1').update(HANDSHAKE_KEY + WS_GUID).digest('base64'));
});

/** A unix socket server that answers each connection's request head with `answer(head)` (nothing when null). */
async function rawServer(answer: (head: string) => string | null) {
  const dir = mkdtempSync(join(tmpdir(), 'huws-'));
  const path = join(dir, 's.sock');
  const sockets = new Set<Socket>();
  const srv = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (head) => {
      const text = answer(head.toString('latin1'));
      if (text !== null) socket.write(text);
    });
  });
  await new Promise<void>((resolve) => srv.listen(path, resolve));
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => srv.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  return path;
}

t.test('an answer with another accept fails the handshake: error, then close', async (t) => {
  let sentKey = '';
  const path = await rawServer((head) => {
    sentKey = /Sec-WebSocket-Key: (\S+)/.exec(head)?.[1] ?? '';
    return 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';
  });
  const ws = new UnixWebSocket(path);
  const err = await new Promise<Error>((resolve) => ws.once('error', resolve));
  t.equal(err.message, 'Invalid WebSocket handshake answer');
  t.equal(sentKey, HANDSHAKE_KEY);
  await new Promise((resolve) => ws.once('close', resolve));
});

t.test('a server that never answers the handshake: the handshake times out, error then close', async (t) => {
  const path = await rawServer(() => null);
  const ws = new UnixWebSocket(path, { handshakeTimeout: 100 });
  const err = await new Promise<Error>((resolve) => ws.once('error', resolve));
  t.equal(err.message, 'Opening handshake has timed out');
  await new Promise((resolve) => ws.once('close', resolve));
});
