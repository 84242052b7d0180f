/**
 * The CLI's end of the control protocol (src/protocol/control.ts): one ws connection over the
 * daemon's unix socket, typed requests matched to responses by id, and events.
 *
 * When the connection closes, every pending request is rejected (E_DAEMON_UNREACHABLE), so
 * nothing waits forever on a daemon that went away.
 */
import { afterQuietly } from './quiet-deadline.js';
import { UnixWebSocket as WebSocket } from './unix-websocket.js';
import type { DaemonEvent, DaemonInfo, Method, Params, Result, ServerMessage } from '../protocol/index.js';
import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION } from '../protocol/control.js';
import { HotctlError } from '../protocol/errors.js';
import { HOTCTL_VERSION } from '../version.js';

/** Why a connection could not be opened; `code` is the socket error (ENOENT, ECONNREFUSED, …). */
export class ConnectError extends Error {
  readonly code: string | undefined;
  constructor(socketPath: string, cause: Error & { code?: string }) {
    super(`cannot connect to ${socketPath}: ${cause.message}`, { cause });
    this.name = 'ConnectError';
    this.code = cause.code;
  }
}

interface Pending {
  method: Method;
  resolve(result: unknown): void;
  reject(err: HotctlError): void;
  /** Cancels the request's deadline (quiet-deadline.ts), if it has one. */
  cancelDeadline: (() => void) | undefined;
}

export interface RequestOptions {
  /** Reject with E_DAEMON_UNREACHABLE when no answer came within this time. Default: none. */
  timeoutMs?: number;
  /**
   * Sent right behind the hello, before its answer: the daemon carries it out only if it accepted
   * this connection's hello (`after_hello`, see src/protocol/control.ts). A daemon older than that
   * rule refuses the unknown parameter, so a request that changes something is never carried out
   * by a daemon that refused the hello.
   */
  afterHello?: boolean;
}

export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(event: DaemonEvent) => void>();
  private readonly closeListeners = new Set<(err: HotctlError) => void>();
  private closedWith: HotctlError | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(isBinary ? '' : data.toString()));
    // The reason says why when the daemon closed on purpose (e.g. 4008: a subscriber too far behind).
    ws.on('close', (code: number, reason: Buffer) => this.shutDown(new HotctlError('E_DAEMON_UNREACHABLE', `The connection to the daemon closed${reason.length > 0 ? ` (${code}: ${String(reason)})` : ''}.`)));
    // 'close' always follows 'error'; the handler only keeps an error from being thrown.
    ws.on('error', () => {});
  }

  /**
   * Opens a connection. Rejects with a {@link ConnectError} when nothing listens there.
   * `early` is called at once with the client: what it sends (the hello, a request behind it)
   * leaves with the opening handshake, in one write; when the connection fails, its requests are
   * rejected (E_DAEMON_UNREACHABLE) and the ConnectError is what this rejects with.
   */
  static connect(socketPath: string, options: { timeoutMs?: number; early?: (client: ControlClient) => void } = {}): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(socketPath, { handshakeTimeout: options.timeoutMs ?? 5000 });
      const client = new ControlClient(ws);
      const fail = (err: Error & { code?: string }): void => {
        client.shutDown(new HotctlError('E_DAEMON_UNREACHABLE', `Cannot connect to the daemon at ${socketPath}: ${err.message}`));
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(new ConnectError(socketPath, err));
      };
      ws.once('error', fail);
      ws.once('unexpected-response', (_req: unknown, res: { statusCode: number }) => fail(Object.assign(new Error(`unexpected HTTP ${res.statusCode}`), { code: 'EPROTO' })));
      ws.once('open', () => {
        ws.removeListener('error', fail);
        ws.removeAllListeners('unexpected-response');
        resolve(client);
      });
      options.early?.(client);
    });
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  /** Sends one request and resolves with its result; a daemon error rejects as a HotctlError. */
  request<M extends Method>(method: M, params: Params<M>, options: RequestOptions = {}): Promise<Result<M>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params: options.afterHello ? { ...params, after_hello: true } : params });
    // The daemon closes a connection whose message is over its limit; say so before sending.
    const bytes = Buffer.byteLength(message);
    if (bytes > MAX_MESSAGE_BYTES) {
      return Promise.reject(
        new HotctlError('E_USAGE', `The "${method}" request is ${(bytes / 1024 / 1024).toFixed(1)} MiB; the daemon takes at most ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB per message.`, {
          hint: 'Large env values (or a large shell environment sent with --update-env) make specs big: keep data in files the app reads.',
          details: { bytes, limit: MAX_MESSAGE_BYTES },
        }),
      );
    }
    return new Promise<Result<M>>((resolve, reject) => {
      const timeoutMs = options.timeoutMs;
      const cancelDeadline =
        timeoutMs === undefined
          ? undefined
          : afterQuietly(timeoutMs, () => {
              this.pending.delete(id);
              reject(new HotctlError('E_DAEMON_UNREACHABLE', `The daemon did not answer "${method}" within ${timeoutMs} ms.`));
            });
      this.pending.set(id, { method, resolve: resolve as (result: unknown) => void, reject, cancelDeadline });
      this.ws.send(message, (err) => {
        if (err) this.settle(id, undefined, new HotctlError('E_DAEMON_UNREACHABLE', `Could not send "${method}" to the daemon: ${err.message}`));
      });
    });
  }

  /**
   * The first request of every connection. Resolves with the daemon's info; rejects with the
   * daemon's refusal (E_DAEMON_VERSION_MISMATCH, E_DAEMON_NEWER) or when it speaks another protocol.
   */
  async hello(options: RequestOptions = { timeoutMs: 10_000 }): Promise<DaemonInfo> {
    const info = await this.request('hello', { client_version: HOTCTL_VERSION, protocol: PROTOCOL_VERSION }, options);
    if (info.protocol !== PROTOCOL_VERSION) {
      const newer = info.protocol > PROTOCOL_VERSION;
      throw new HotctlError(
        newer ? 'E_DAEMON_NEWER' : 'E_DAEMON_VERSION_MISMATCH',
        `The daemon (hotctl ${info.version}, protocol ${info.protocol}) speaks another protocol than this CLI (hotctl ${HOTCTL_VERSION}, protocol ${PROTOCOL_VERSION}).`,
      );
    }
    return info;
  }

  /** Calls `fn` for every event; returns a function that stops it. */
  onEvent(fn: (event: DaemonEvent) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** Calls `fn` once the connection is closed, with the error pending requests were rejected with. */
  onClose(fn: (err: HotctlError) => void): () => void {
    if (this.closedWith) {
      const err = this.closedWith;
      queueMicrotask(() => fn(err));
      return () => {};
    }
    this.closeListeners.add(fn);
    return () => this.closeListeners.delete(fn);
  }

  /** Closes the connection; pending requests are rejected at once. */
  close(): void {
    if (this.closedWith) return;
    this.shutDown(new HotctlError('E_DAEMON_UNREACHABLE', 'The connection to the daemon was closed by the CLI.'));
    this.ws.close(1000);
    // A daemon that never answers the close frame must not keep the CLI alive (ws waits 30 s).
    afterQuietly(500, () => this.ws.terminate());
  }

  private receive(text: string): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(text) as ServerMessage;
      if (typeof msg !== 'object' || msg === null) throw new Error('not an object');
    } catch {
      this.shutDown(new HotctlError('E_PROTOCOL', 'The daemon sent a malformed message.', { hint: 'The CLI and daemon may differ in version; see the daemon log.' }));
      this.ws.terminate();
      return;
    }
    if ('id' in msg && typeof msg.id === 'number') {
      if (msg.ok) this.settle(msg.id, msg.result, undefined);
      else this.settle(msg.id, undefined, HotctlError.fromJSON(msg.error));
      return;
    }
    if ('event' in msg && typeof msg.data === 'object' && msg.data !== null) {
      for (const fn of [...this.eventListeners]) fn(msg.data);
    }
  }

  private settle(id: number, result: unknown, err: HotctlError | undefined): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    pending.cancelDeadline?.();
    if (err) pending.reject(err);
    else pending.resolve(result);
  }

  private shutDown(err: HotctlError): void {
    if (this.closedWith) return;
    this.closedWith = err;
    for (const [id, pending] of [...this.pending]) {
      this.settle(id, undefined, new HotctlError(err.code, `${err.message} No answer to "${pending.method}".`, { hint: err.hint }));
    }
    for (const fn of [...this.closeListeners]) fn(err);
    this.closeListeners.clear();
    this.eventListeners.clear();
  }
}
