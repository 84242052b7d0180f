/**
 * The CLI's WebSocket client over the daemon's unix socket (RFC 6455, client side): the opening
 * handshake, masked text frames out, text frames in (fragmented or not, any length), ping →
 * pong, and the closing handshake. No extensions, no TLS, no proxies: what the control socket
 * needs and nothing else. The `ws` package does all of that and much more, and `require('ws')`
 * costs the CLI 30–40 ms on every run (it loads http, https, tls and zlib); see bench/RESULTS.md,
 * section 10. The daemon's end is src/daemon/control-websocket.ts; both read and write frames
 * with src/protocol/ws-frames.ts.
 *
 * Messages sent before the handshake's answer leave in the same write as the upgrade request
 * (`send` queues them until the socket connects): a hello and a request cost one round trip, not
 * three. The daemon reads what follows the request head as frames (control-websocket.ts; `ws`
 * does the same with an upgrade's `head`); when the upgrade is refused, they are dropped with it.
 *
 * Events, as `ws` names them: 'open'; 'message' (data: Buffer, isBinary: boolean);
 * 'unexpected-response' (null, { statusCode }); 'error' (err, with the socket's `code` when
 * connecting failed); 'close' (code, reason), always last, once.
 *
 * The handshake's key is fixed and its accept computed once, here: RFC 6455 asks for a random
 * key so that no intermediary (a caching proxy) can answer the handshake for a server, and a hash
 * of it costs a fresh CLI ~0.5 ms of interpreted code (node:crypto costs more to load). Nothing
 * stands between the CLI and a socket of mode 0600 in its own state directory; the daemon's accept
 * is still checked, so an endpoint that is not a WebSocket server is still told apart
 * (test/unit/cli/unix-websocket.test.ts checks the pair against node:crypto). The frame masks
 * come from Math.random: masking guards proxies between a browser and a server against payloads
 * a page chose.
 */
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { encodeFrame, framePayload, OP, readFrameHead } from '../protocol/ws-frames.js';
import { afterQuietly } from './quiet-deadline.js';

/** The opening handshake's Sec-WebSocket-Key (16 bytes, base64) and the accept it calls for: base64(SHA-1(key + WS_GUID)). */
export const HANDSHAKE_KEY = 'aG90Y3RsIGNsaSBrZXkhIQ==';
export const HANDSHAKE_ACCEPT = 'gNQTUEIeWO1Y/mPk9doJ8MFZZys=';

export interface UnixWebSocketOptions {
  /** Fail the opening handshake after this long (ms). */
  handshakeTimeout?: number;
}

export class UnixWebSocket extends EventEmitter {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private open = false;
  private closeSent = false;
  private closed = false;
  private fragments: Buffer[] = [];
  private fragmentBinary = false;
  private cancelHandshakeDeadline: () => void = () => {};
  private corked = false;
  /** Frames sent before the socket connected: they follow the upgrade request in its write. */
  private early: { frame: Buffer; cb: ((err?: Error) => void) | undefined }[] | null = [];

  constructor(socketPath: string, options: UnixWebSocketOptions = {}) {
    super();
    this.socket = connect(socketPath);
    this.socket.setNoDelay?.(true);
    if (options.handshakeTimeout !== undefined) {
      this.cancelHandshakeDeadline = afterQuietly(options.handshakeTimeout, () => this.fail(new Error('Opening handshake has timed out')));
    }
    this.socket.on('connect', () => {
      const early = this.early ?? [];
      this.early = null;
      // ASCII: encoded as the messages are (one encoder's first use, not two).
      const head = Buffer.from(`GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${HANDSHAKE_KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`, 'utf8');
      const callbacks = early.map((sent) => sent.cb);
      this.socket.write(early.length === 0 ? head : concat([head, ...early.map((sent) => sent.frame)]), (err) => callbacks.forEach((cb) => cb?.(err ?? undefined)));
    });
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.finish());
  }

  /**
   * Sends one text message; `cb` gets the write's error, if any. Messages sent in the same tick
   * leave in one write (a hello and the request behind it: one packet, one wake-up of the daemon);
   * messages sent before the socket connected, with the upgrade request.
   */
  send(text: string, cb?: (err?: Error) => void): void {
    if (this.early !== null && !this.closed) {
      this.early.push({ frame: frame(OP.text, Buffer.from(text, 'utf8')), cb });
      return;
    }
    if (!this.open || this.closeSent) {
      const err = new Error('WebSocket is not open');
      if (cb) queueMicrotask(() => cb(err));
      return;
    }
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(frame(OP.text, Buffer.from(text, 'utf8')), (err) => cb?.(err ?? undefined));
  }

  /** Starts the closing handshake; the socket ends when the daemon answers (or is terminated). */
  close(code = 1000): void {
    if (this.closed) return;
    if (!this.open) {
      this.terminate();
      return;
    }
    this.sendClose(code);
  }

  /** Drops the connection at once. */
  terminate(): void {
    this.socket.destroy();
  }

  private sendClose(code: number): void {
    if (this.closeSent) return;
    this.closeSent = true;
    const payload = Buffer.allocUnsafe(2);
    payload[0] = code >> 8;
    payload[1] = code & 0xff;
    this.socket.write(frame(OP.close, payload));
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : concat([this.buffered, chunk]);
    if (!this.open) {
      const end = this.buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      // ASCII: decoded as the messages are (one decoder's first use, not two).
      const head = this.buffered.subarray(0, end).toString('utf8');
      this.buffered = this.buffered.subarray(end + 4);
      if (!this.handshake(head)) return;
    }
    this.frames();
  }

  /** Checks the daemon's answer to the opening handshake; true when the connection is open. */
  private handshake(head: string): boolean {
    const [statusLine = '', ...lines] = head.split('\r\n');
    const statusCode = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
    if (statusCode !== 101) {
      this.emit('unexpected-response', null, { statusCode });
      this.terminate();
      return false;
    }
    const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    if (headers.get('upgrade')?.toLowerCase() !== 'websocket' || headers.get('sec-websocket-accept') !== HANDSHAKE_ACCEPT || headers.has('sec-websocket-extensions')) {
      this.fail(new Error('Invalid WebSocket handshake answer'));
      return false;
    }
    this.cancelHandshakeDeadline();
    this.open = true;
    this.emit('open');
    return true;
  }

  private frames(): void {
    while (!this.closed) {
      const b = this.buffered;
      const head = readFrameHead(b);
      if (typeof head === 'number' || b.length < head.offset + head.length) return;
      this.buffered = b.subarray(head.offset + head.length);
      this.handleFrame(head.fin, head.opcode, framePayload(b, head));
    }
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP.text:
      case OP.binary:
      case OP.continuation: {
        if (opcode !== OP.continuation) {
          this.fragments = [];
          this.fragmentBinary = opcode === OP.binary;
        }
        this.fragments.push(payload);
        if (fin) {
          const data = this.fragments.length === 1 ? this.fragments[0]! : concat(this.fragments);
          this.fragments = [];
          this.emit('message', data, this.fragmentBinary);
        }
        return;
      }
      case OP.ping:
        if (!this.closeSent) this.socket.write(frame(OP.pong, payload));
        return;
      case OP.pong:
        return;
      case OP.close:
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.closeReason = payload.length > 2 ? Buffer.from(payload.subarray(2)) : Buffer.alloc(0);
        this.sendClose(payload.length >= 2 ? payload.readUInt16BE(0) : 1000);
        this.socket.end();
        return;
      default:
        this.fail(new Error(`Invalid WebSocket opcode ${opcode}`));
    }
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.cancelHandshakeDeadline();
    this.emit('error', err);
    this.terminate();
  }

  /** The daemon's close frame, as `ws` reports it: 1006 and no reason when none came. */
  private closeCode = 1006;
  private closeReason: Buffer = Buffer.alloc(0);

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    this.cancelHandshakeDeadline();
    this.emit('close', this.closeCode, this.closeReason);
  }
}

/**
 * Buffer.concat's result, by Uint8Array's own `set`: Buffer.concat is JavaScript that a fresh CLI
 * compiles on its first use, ~0.2 ms (see src/protocol/ws-frames.ts).
 */
function concat(parts: readonly Buffer[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** One final frame from the client: masked, as RFC 6455 requires of clients. */
function frame(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.allocUnsafe(4);
  for (let i = 0; i < 4; i++) mask[i] = Math.floor(Math.random() * 256);
  return encodeFrame(opcode, payload, mask);
}
