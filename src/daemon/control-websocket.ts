/**
 * The server side of RFC 6455 for the control socket, in place of the ws package there (issue 13,
 * bench/RESULTS.md section 26): ws loads https, tls, zlib and its own eight files, ~2 MB of an
 * idle daemon's memory, for a socket whose only peers are hotctl's CLI (src/cli/unix-websocket.ts)
 * and test clients. The HTTP listener's /ws, which browsers use, keeps ws (loaded with it).
 *
 * What it does, as ws does it for this socket: the handshake (GET, Upgrade: websocket, version 13,
 * a 16-byte key; else 400); masked frames in, unmasked out; text and binary messages, fragmented
 * or not, up to `maxPayload` bytes (beyond: close 1009); text must be UTF-8 (else 1007); ping →
 * pong; a close frame is answered and the socket ended; anything else a protocol error (1002).
 * The interface is the part of ws's WebSocket the daemon uses (control-server.ts,
 * subscriber-outlet.ts): `send(text, cb)`, `bufferedAmount`, `readyState`/`OPEN`, `close`,
 * `terminate`, events `message` (data, isBinary), `close`, `error`. The upgrade request is read
 * off the raw socket ({@link serveControlSocket}): node:http costs an idle daemon ~0.8 MB more
 * than node:net for one request per connection.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

import { encodeFrame, framePayload, OP, readFrameHead, WS_GUID } from '../protocol/ws-frames.js';

const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** How long a close waits for the peer's close frame before the socket is destroyed. */
const CLOSE_TIMEOUT_MS = 5000;

/** The longest request head taken, and how long a connection has to send it. */
const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_TIMEOUT_MS = 10_000;

export interface UpgradeRequest {
  method?: string;
  /** Lower-case names. */
  headers: Record<string, string | string[] | undefined>;
}

/** The answer to a plain HTTP request: status line's code and reason, body and its type. */
export interface PlainAnswer {
  status: string;
  type: string;
  body: string;
}

/** Answers a plain (not upgrade) GET request: its target (path and query) and headers (lower-case names). */
export type PlainGet = (target: string, headers: Readonly<Record<string, string>>) => Promise<PlainAnswer>;

/**
 * A new connection on the control socket: reads its HTTP request head, then upgrades it
 * (`onOpen`), or answers a plain GET (`onGet`: src/protocol/status-get.ts), or answers 426 (any
 * other plain HTTP request), 400 (not HTTP, a bad handshake) or 431. A plain request's answer
 * closes the connection.
 */
export function serveControlSocket(socket: Socket, maxPayload: number, onOpen: (ws: ControlWebSocket) => void, onGet?: PlainGet): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const timer = setTimeout(() => socket.destroy(), HEAD_TIMEOUT_MS).unref();
  const answer = (status: string, text: string, type = 'text/plain'): void => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  };
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    bytes += chunk.length;
    const all = chunks.length === 1 ? chunk : Buffer.concat(chunks, bytes);
    const end = all.indexOf('\r\n\r\n');
    if (end < 0) {
      if (bytes > MAX_HEAD_BYTES) done(() => answer('431 Request Header Fields Too Large', 'hotctl: request head too large\n'));
      return;
    }
    done(() => {
      const [requestLine = '', ...lines] = all.subarray(0, end).toString('latin1').split('\r\n');
      const line = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine);
      if (!line) return answer('400 Bad Request', 'hotctl: not an HTTP request\n');
      const headers: Record<string, string> = {};
      for (const header of lines) {
        const colon = header.indexOf(':');
        if (colon <= 0) return answer('400 Bad Request', 'hotctl: a malformed header\n');
        const name = header.slice(0, colon).trim().toLowerCase();
        const value = header.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      if (headers.upgrade === undefined) {
        if (onGet === undefined || line[1] !== 'GET') return answer('426 Upgrade Required', 'hotctl control socket: speak WebSocket\n');
        onGet(line[2]!, headers).then(
          (got) => answer(got.status, got.body, got.type),
          () => answer('500 Internal Server Error', 'hotctl: the request failed; see the daemon log\n'),
        );
        return;
      }
      const ws = acceptControlWebSocket({ method: line[1], headers }, socket, all.subarray(end + 4), maxPayload);
      if (ws) onOpen(ws);
    });
  };
  const done = (then: () => void): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    then();
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
  socket.once('close', () => clearTimeout(timer));
}

/** Completes the upgrade of a request read off `socket`, or answers 400 and returns null. */
export function acceptControlWebSocket(req: UpgradeRequest, socket: Duplex, head: Buffer, maxPayload: number): ControlWebSocket | null {
  const upgrade = req.headers.upgrade;
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  if (req.method !== 'GET' || typeof upgrade !== 'string' || upgrade.toLowerCase() !== 'websocket' || typeof key !== 'string' || !KEY.test(key) || (version !== '13' && version !== '8')) {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 27\r\n\r\nhotctl: a bad ws handshake\n');
    return null;
  }
  const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  return new ControlWebSocket(socket, head, maxPayload);
}

export class ControlWebSocket extends EventEmitter {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  readonly OPEN = 1;
  readyState = 1;
  /** Bytes received and not parsed yet, and how many a parse needs (a frame's header, then all of it). */
  private chunks: Buffer[] = [];
  private chunksBytes = 0;
  private need = 2;
  private fragments: Buffer[] = [];
  private fragmentsBytes = 0;
  private fragmentBinary = false;
  private closeSent = false;
  private closeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: Duplex,
    head: Buffer,
    private readonly maxPayload: number,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
      socket.destroy();
    });
    socket.on('close', () => {
      if (this.closeTimer) clearTimeout(this.closeTimer);
      this.readyState = ControlWebSocket.CLOSED;
      this.emit('close');
    });
    socket.on('end', () => socket.end());
    if (head.length > 0) queueMicrotask(() => this.receive(head));
  }

  /** Bytes written and not yet taken by the kernel. */
  get bufferedAmount(): number {
    return (this.socket as Duplex & { writableLength: number }).writableLength;
  }

  /** One text message; `cb` once it is flushed (or with an error when the socket is not open). */
  send(text: string, cb?: (err?: Error | null) => void): void {
    if (this.readyState !== ControlWebSocket.OPEN) {
      if (cb) process.nextTick(cb, new Error('WebSocket is not open'));
      return;
    }
    this.socket.write(encodeFrame(OP.text, Buffer.from(text, 'utf8')), cb);
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === ControlWebSocket.CLOSED) return;
    this.sendClose(code, reason);
  }

  terminate(): void {
    this.socket.destroy();
  }

  private sendClose(code: number, reason: string): void {
    if (this.closeSent) return;
    this.closeSent = true;
    this.readyState = ControlWebSocket.CLOSING;
    const body = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason.slice(0, 120), 'utf8')]);
    this.socket.end(encodeFrame(OP.close, body));
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_TIMEOUT_MS);
    this.closeTimer.unref();
  }

  private fail(code: number, reason: string): void {
    this.chunks = [];
    this.chunksBytes = 0;
    this.sendClose(code, reason);
  }

  private receive(chunk: Buffer): void {
    if (this.closeSent) return;
    this.chunks.push(chunk);
    this.chunksBytes += chunk.length;
    // A big message comes in many chunks: joined once it is all there, not at each chunk.
    if (this.chunksBytes < this.need) return;
    let b = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.chunksBytes);
    const keep = (rest: Buffer, need: number): void => {
      this.chunks = rest.length > 0 ? [rest] : [];
      this.chunksBytes = rest.length;
      this.need = need;
    };
    for (;;) {
      if (this.closeSent) return;
      const head = readFrameHead(b);
      if (typeof head === 'number') return keep(b, head);
      const { fin, opcode, length } = head;
      if (head.rsv !== 0) return this.fail(1002, 'RSV bits must be clear');
      if (!head.mask) return this.fail(1002, 'a client frame must be masked');
      if (length === Infinity) return this.fail(1009, 'message too big');
      if (opcode >= 0x8 && (!fin || length > 125)) return this.fail(1002, 'invalid control frame');
      if (opcode < 0x8 && this.fragmentsBytes + length > this.maxPayload) return this.fail(1009, 'message too big');
      if (b.length < head.offset + length) return keep(b, head.offset + length);
      const payload = framePayload(b, head);
      b = b.subarray(head.offset + length);
      if (!this.frame(fin, opcode, payload)) return;
    }
  }

  /** One unmasked frame; false: stop reading (closing). */
  private frame(fin: boolean, opcode: number, payload: Buffer): boolean {
    switch (opcode) {
      case OP.text:
      case OP.binary:
      case OP.continuation: {
        if ((opcode === OP.continuation) !== this.fragments.length > 0) {
          this.fail(1002, opcode === OP.continuation ? 'a continuation with nothing to continue' : 'a new message inside a fragmented one');
          return false;
        }
        if (opcode !== OP.continuation) this.fragmentBinary = opcode === OP.binary;
        this.fragments.push(payload);
        this.fragmentsBytes += payload.length;
        if (!fin) return true;
        const data = this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments);
        this.fragments = [];
        this.fragmentsBytes = 0;
        if (!this.fragmentBinary && !isUtf8(data)) {
          this.fail(1007, 'invalid UTF-8');
          return false;
        }
        this.emit('message', data, this.fragmentBinary);
        return !this.closeSent;
      }
      case OP.close: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1000;
        this.sendClose(payload.length >= 2 ? code : 1000, '');
        return false;
      }
      case OP.ping:
        this.socket.write(encodeFrame(OP.pong, payload));
        return true;
      case OP.pong:
        return true;
      default:
        this.fail(1002, `invalid opcode ${opcode}`);
        return false;
    }
  }
}
