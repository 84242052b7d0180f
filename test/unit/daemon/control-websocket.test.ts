import t from 'tap';
import { connect, createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { serveControlSocket, type ControlWebSocket } from '../../../src/daemon/control-websocket.js';

/** A server on a unix socket whose connections become ControlWebSockets; `got` gets their messages. */
async function server(t: { teardown(fn: () => void): void }, maxPayload = 1 << 20) {
  const dir = mkdtempSync(join(tmpdir(), 'hc-cws-'));
  const path = join(dir, 's.sock');
  const sockets: ControlWebSocket[] = [];
  const got: Array<{ text: string; binary: boolean }> = [];
  const waiters: Array<() => void> = [];
  const http = createServer((socket: Socket) => serveControlSocket(socket, maxPayload, (ws) => {
    sockets.push(ws);
    ws.on('message', (data: Buffer, binary: boolean) => {
      got.push({ text: data.toString('utf8'), binary });
      waiters.splice(0).forEach((w) => w());
    });
    ws.on('error', () => {});
  }));
  await new Promise<void>((resolve) => http.listen(path, resolve));
  t.teardown(() => {
    for (const s of sockets) s.terminate();
    http.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const client = async () => {
    const ws = new WebSocket(`ws+unix://${path}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    t.teardown(() => ws.terminate());
    return ws;
  };
  const messages = async (n: number) => {
    while (got.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return got.slice(0, n);
  };
  const closed = (ws: WebSocket) => new Promise<[number, string]>((resolve) => ws.once('close', (code, reason) => resolve([code, reason.toString()])));
  return { path, sockets, got, client, messages, closed };
}

t.test('messages both ways: short, 16-bit and 64-bit lengths, fragmented, binary; ping gets a pong', async (t) => {
  const s = await server(t);
  const ws = await s.client();
  const big = 'é'.repeat(100_000);
  ws.send('hello');
  ws.send('x'.repeat(70_000));
  ws.send(big);
  ws.send('frag', { fin: false });
  ws.send('ment', { fin: true });
  ws.send(Buffer.from([1, 2, 3]), { binary: true });
  const got = await s.messages(5);
  t.same(got.map((m) => [m.text.length, m.binary]), [[5, false], [70_000, false], [100_000, false], [8, false], [3, true]]);
  t.equal(got[2]!.text, big);
  t.equal(got[3]!.text, 'fragment');
  const replies: string[] = [];
  ws.on('message', (data) => replies.push(String(data)));
  const flushed = await new Promise<Error | null | undefined>((resolve) => s.sockets[0]!.send('y'.repeat(300_000), resolve));
  t.notOk(flushed, 'the send callback runs once written');
  s.sockets[0]!.send('done');
  await new Promise<void>((resolve) => ws.once('pong', () => resolve()).ping('p'));
  while (replies.length < 2) await new Promise((r) => setTimeout(r, 5));
  t.same(replies.map((r) => r.length), [300_000, 4]);
  t.equal(s.sockets[0]!.readyState, s.sockets[0]!.OPEN);
});

t.test('closes: by the server with a code and reason; by the client; too big (1009); invalid UTF-8 (1007)', async (t) => {
  const s = await server(t, 1000);
  const a = await s.client();
  const aClosed = s.closed(a);
  s.sockets[0]!.close(4008, 'too slow');
  t.same(await aClosed, [4008, 'too slow']);
  t.not(s.sockets[0]!.readyState, s.sockets[0]!.OPEN);
  const sent = await new Promise<Error | null | undefined>((resolve) => s.sockets[0]!.send('late', resolve));
  t.ok(sent instanceof Error, 'a send on a closed socket calls back with an error');

  const b = await s.client();
  const serverClosed = new Promise<void>((resolve) => s.sockets[1]!.once('close', () => resolve()));
  b.close(1000, 'bye');
  await serverClosed;
  t.equal(s.sockets[1]!.readyState, 3, 'the client closing closes the server side');

  const c = await s.client();
  const cClosed = s.closed(c);
  c.send('z'.repeat(1001));
  t.equal((await cClosed)[0], 1009, 'over maxPayload');

  const d = await s.client();
  const dClosed = s.closed(d);
  d.send('y'.repeat(600), { fin: false });
  d.send('y'.repeat(600), { fin: true });
  t.equal((await dClosed)[0], 1009, 'fragments over maxPayload');

  const e = await s.client();
  const eClosed = s.closed(e);
  e.send(Buffer.from([0xff, 0xfe]), { binary: false });
  t.equal((await eClosed)[0], 1007, 'a text frame that is not UTF-8');
  t.equal(s.got.length, 0, 'none of these reached the message handler');
});

/** Raw bytes over the socket: a handshake and what follows, and everything the server answers. */
function raw(path: string, request: string, after: Buffer = Buffer.alloc(0)): Promise<Buffer> {
  return new Promise((resolve) => {
    const sock = connect(path);
    const chunks: Buffer[] = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('close', () => resolve(Buffer.concat(chunks)));
    sock.on('error', () => {});
    sock.write(request);
    if (after.length > 0) setTimeout(() => sock.write(after), 50);
    setTimeout(() => sock.destroy(), 2000).unref();
  });
}

t.test('a plain request gets 426, not HTTP or a bad handshake 400, a huge head 431; an unmasked client frame closes with 1002', async (t) => {
  const s = await server(t);
  t.match((await raw(s.path, 'GET /status HTTP/1.1\r\nHost: x\r\n\r\n')).toString('latin1'), /^HTTP\/1\.1 426 [^]*speak WebSocket\n$/);
  t.match((await raw(s.path, '{"id":1,"method":"status"}\r\n\r\n')).toString('latin1'), /^HTTP\/1\.1 400 /);
  t.match((await raw(s.path, `GET / HTTP/1.1\r\nX: ${'a'.repeat(20_000)}`)).toString('latin1'), /^HTTP\/1\.1 431 /);
  const bad = await raw(s.path, 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n');
  t.match(bad.toString('latin1'), /^HTTP\/1\.1 400 /);
  const good = 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
  const answer = await raw(s.path, good, Buffer.from([0x81, 0x02, 0x68, 0x69]));
  const text = answer.toString('latin1');
  t.match(text, /^HTTP\/1\.1 101 /);
  t.match(text, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/, "RFC 6455's example key and answer");
  const frame = answer.subarray(text.indexOf('\r\n\r\n') + 4);
  t.equal(frame[0], 0x88, 'a close frame');
  t.equal(frame.readUInt16BE(2), 1002);
  t.equal(s.got.length, 0);
});
