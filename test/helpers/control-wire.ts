/**
 * The control socket at the byte level, for tests about what leaves in which write: a relay that
 * records each chunk between the CLI and the daemon, and a client that sends an upgrade request
 * and frames in one write.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Home, Teardown } from './harness.js';

/** What passed through the relay, in the order it saw it. */
export interface Chunk {
  from: 'cli' | 'daemon';
  bytes: Buffer;
}

/**
 * A second state directory whose daemon.sock relays to the real daemon's socket, recording each
 * chunk as the relay sees it: a CLI that waits for an answer cannot send what follows before the
 * relay has passed that answer on.
 */
export function relay(t: Teardown, home: Home): { dir: string; env: NodeJS.ProcessEnv; chunks: Chunk[] } {
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

/** The text messages of a stream of frames (masked or not), after the HTTP head when it has one. */
export function frameTexts(stream: Buffer): string[] {
  let b = stream.subarray(0, 4).toString('latin1').startsWith('GET ') || stream.subarray(0, 5).toString('latin1') === 'HTTP/' ? stream.subarray(stream.indexOf('\r\n\r\n') + 4) : stream;
  const messages: string[] = [];
  while (b.length >= 2) {
    const masked = (b[1]! & 0x80) !== 0;
    let length = b[1]! & 0x7f;
    let at = 2;
    if (length === 126) {
      length = b.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      length = Number(b.readBigUInt64BE(2));
      at = 10;
    }
    const mask = masked ? b.subarray(at, at + 4) : null;
    if (mask) at += 4;
    if (b.length < at + length) break;
    const payload = Buffer.from(b.subarray(at, at + length));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    if ((b[0]! & 0x0f) === 0x1) messages.push(payload.toString('utf8'));
    b = b.subarray(at + length);
  }
  return messages;
}

/**
 * The CLI's messages sent before the daemon had sent anything past its handshake answer, by
 * method: with one round trip, the hello and the requests behind it.
 */
export function sentBeforeAnyAnswer(chunks: Chunk[]): Array<{ method: string; params: Record<string, unknown> }> {
  return frameTexts(cliBytesBeforeAnyAnswer(chunks)).map((text) => JSON.parse(text) as { method: string; params: Record<string, unknown> });
}

/** Everything the CLI sent before the daemon had sent anything past its answer's head. */
export function cliBytesBeforeAnyAnswer(chunks: Chunk[]): Buffer {
  let daemonBytes = Buffer.alloc(0);
  let cliBytes = Buffer.alloc(0);
  for (const chunk of chunks) {
    if (chunk.from === 'daemon') {
      daemonBytes = Buffer.concat([daemonBytes, chunk.bytes]);
      const end = daemonBytes.indexOf('\r\n\r\n');
      if (end !== -1 && daemonBytes.length > end + 4) break;
    } else cliBytes = Buffer.concat([cliBytes, chunk.bytes]);
  }
  return cliBytes;
}

/** One masked text frame, as a client sends it. */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  if (payload.length >= 126) throw new Error('clientFrame: short messages only');
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const out = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload]);
  for (let i = 0; i < payload.length; i++) out[6 + i]! ^= mask[i % 4]!;
  return out;
}

/**
 * Sends the upgrade request and `requests` (`{id, method, params}`) to `socketPath` in ONE write,
 * and resolves with the answers (by id) once every request has one; rejects after `timeoutMs`.
 */
export function oneWrite(socketPath: string, requests: Array<{ id: number; method: string; params: Record<string, unknown> }>, timeoutMs = 15_000): Promise<Map<number, { ok: boolean; result?: unknown; error?: { code: string; message: string } }>> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`oneWrite: ${requests.length} answers not received within ${timeoutMs} ms; got ${frameTexts(received).join(' | ')}`));
    }, timeoutMs);
    socket.on('connect', () => {
      const head = 'GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), ...requests.map((r) => clientFrame(JSON.stringify(r)))]));
    });
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      const answers = new Map<number, { ok: boolean; result?: unknown; error?: { code: string; message: string } }>();
      for (const text of frameTexts(received)) {
        const msg = JSON.parse(text) as { id?: number; ok: boolean };
        if (typeof msg.id === 'number') answers.set(msg.id, msg);
      }
      if (requests.every((r) => answers.has(r.id))) {
        clearTimeout(timer);
        socket.destroy();
        resolve(answers);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
