/**
 * The daemon's HTTP listener: the dashboard page, a read-only event stream at `/ws`, Prometheus
 * text at `/metrics`, probes (`/healthz`, `/readyz`), JSON (`/api/status`, `/api/history`), and
 * app actions only when a token is configured.
 *
 * ```
 * head ≤ 16 KiB? (431 headers_too_large)
 * request ──► Host allowed? ──► route ──► GET  /, /assets/*, /lib/*, /healthz, /readyz, /metrics, /api/*
 *   (403 host_not_allowed)        │       POST /api/apps/:name/(reload|restart|stop)
 *                                 │            token configured? (403 actions_disabled)
 *                                 │            < 10 wrong tokens from this address in 60 s? (429 too_many_attempts)
 *                                 │            Bearer present?   (401 token_required)
 *                                 │            Bearer right?     (403 token_invalid)
 *                                 │            body ≤ 1 MiB?     (413 body_too_large) ──► act()
 *                                 └─ upgrade /ws ──► Origin absent or our own? (403) ──► ws
 * ```
 *
 * Security, in order of what it stops:
 * - Binding anything but loopback needs `allowRemote: true`.
 * - On loopback, a request whose Host header is not a loopback name for our port is refused:
 *   that is what a DNS-rebinding page would send, and it would otherwise read /api/status.
 * - A ws upgrade that carries an Origin other than the listener's own is refused (browsers
 *   don't apply the same-origin policy to WebSockets).
 * - Actions need the configured token as `Authorization: Bearer`; no CORS headers are ever sent,
 *   so another site's page cannot send that header here.
 * - Nothing served includes an app's environment: StatusSnapshot has no env, and every JSON
 *   body and ws message is written with a replacer that drops any `env` key, should one ever
 *   creep into a snapshot. The `logs` topic is not offered over HTTP (app output may print secrets).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DaemonEvent, ErrorCode, OperationKind, StatusSnapshot, SubscriptionTopic } from '../protocol/index.js';
import { ERROR_CODES, EVENT_TOPIC, HotctlError, toHotctlError } from '../protocol/index.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus.js';
import { type Asset, DASHBOARD_MODULES_DIR, DASHBOARD_PUBLIC_DIR, resolveAsset, resolveModule } from '../dashboard/assets.js';
import { SubscriberOutlet } from './subscriber-outlet.js';
import type { ConnectionCap } from './connection-cap.js';
import { AttemptLimiter, TOKEN_ATTEMPTS_PER_WINDOW, TOKEN_WINDOW_MS } from './attempt-limiter.js';

export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 9716;
/** The largest request body read (and discarded: actions take none). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The largest /ws message read: the only one a client sends is `{"subscribe":[...]}`. */
export const WS_MAX_MESSAGE_BYTES = 4096;
/** The largest request head (request line and headers) read; more is answered 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Topics a `/ws` client may subscribe to, and gets when it asks for none. No `logs`: app output may print secrets. */
export const HTTP_TOPICS = ['status', 'metrics', 'events'] as const satisfies readonly SubscriptionTopic[];
export const HTTP_ACTIONS = ['reload', 'restart', 'stop'] as const satisfies readonly OperationKind[];
export type HttpAction = (typeof HTTP_ACTIONS)[number];
/** Ws clients are pinged this often; one that did not answer the previous ping is dropped. */
export const WS_HEARTBEAT_MS = 30_000;
/** close() waits this long for ws clients and requests in flight before it cuts them. */
export const CLOSE_GRACE_MS = 1000;

/**
 * Why the listener refused a request: `reason` in the JSON body
 * (`{ error: { code, reason, message, hint } }`) → its code in the error registry
 * (src/protocol/errors.ts), which holds the HTTP status, message and hint. Errors from the daemon
 * itself (an unknown app, an operation in progress) come as `{ error: ErrorPayload }`.
 */
export const HTTP_REFUSALS = {
  not_found: 'E_HTTP_NOT_FOUND',
  method_not_allowed: 'E_HTTP_METHOD_NOT_ALLOWED',
  host_not_allowed: 'E_HTTP_HOST_NOT_ALLOWED',
  origin_not_allowed: 'E_HTTP_ORIGIN_NOT_ALLOWED',
  actions_disabled: 'E_HTTP_ACTIONS_DISABLED',
  token_required: 'E_HTTP_TOKEN_REQUIRED',
  token_invalid: 'E_HTTP_TOKEN_INVALID',
  body_too_large: 'E_HTTP_BODY_TOO_LARGE',
  too_many_attempts: 'E_HTTP_TOO_MANY_ATTEMPTS',
  headers_too_large: 'E_HTTP_HEADERS_TOO_LARGE',
  shutting_down: 'E_SHUTTING_DOWN',
} as const satisfies Record<string, ErrorCode>;
/** The registry's message, made precise with this listener's limits. */
const REFUSAL_MESSAGES: Partial<Record<HttpRefusal, string>> = {
  body_too_large: `A request body may be at most ${MAX_BODY_BYTES} bytes.`,
  too_many_attempts: `More than ${TOKEN_ATTEMPTS_PER_WINDOW} wrong tokens from this address within ${TOKEN_WINDOW_MS / 1000} s.`,
  headers_too_large: `The request's headers are larger than ${MAX_HEADER_BYTES} bytes.`,
};
export type HttpRefusal = keyof typeof HTTP_REFUSALS;

export interface ReadyReport {
  ready: boolean;
  apps: Array<{ name: string; ready: number; wanted: number }>;
}

export interface HttpServerOptions {
  /** Default 127.0.0.1. Anything but a loopback address is refused unless `allowRemote`. */
  host: string;
  /** Default 9716; 0 picks a free port (tests). */
  port: number;
  /** Allows binding a non-loopback host (and then any Host header). */
  allowRemote?: boolean;
  /** Actions need `Authorization: Bearer <token>`; with null, no action is possible over HTTP at all. */
  token: string | null;
  status(): StatusSnapshot;
  metricsText(): string;
  history(): unknown;
  ready(): ReadyReport;
  /**
   * Sends the daemon's events of these topics to `send` until the returned function is called.
   * The listener sends the first status snapshot itself; this need not.
   */
  subscribe(topics: SubscriptionTopic[], send: (event: DaemonEvent) => void): () => void;
  act?(method: HttpAction, name: string): Promise<unknown>;
  /** Keeps the listener's connections under its share of the fds (oldest closed first). */
  connectionCap?: ConnectionCap;
  /** Where the dashboard's files are (default src/dashboard/public/). */
  assetsDir?: string;
  log?(line: string): void;
}

interface WsClient {
  readonly ws: WebSocket;
  /** Bounded: see subscriber-outlet.ts (the same policy as the control socket's). */
  readonly outlet: SubscriberOutlet;
  unsubscribe: (() => void) | null;
  alive: boolean;
}

type State = 'new' | 'listening' | 'closing' | 'closed';

export class HttpServer {
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<WsClient>();
  private readonly assetsDir: string;
  private readonly tokenDigest: Buffer | null;
  private readonly attempts = new AttemptLimiter();
  private state: State = 'new';
  private port = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private closed: Promise<void> | null = null;

  constructor(private readonly o: HttpServerOptions) {
    if (!isLoopback(o.host) && o.allowRemote !== true) {
      throw new HotctlError('E_USAGE', `Refusing to serve the dashboard and /metrics on ${o.host}: only loopback is allowed by default.`, {
        hint: 'Bind 127.0.0.1 (the default), or set the option that allows a remote listener, knowing that anyone who reaches it sees your apps.',
        details: { host: o.host },
      });
    }
    if (o.token !== null && o.token.length === 0) throw new HotctlError('E_USAGE', 'The HTTP token must not be empty.', { hint: 'Set a long random token, or none to disable actions over HTTP.' });
    this.tokenDigest = o.token === null ? null : sha256(o.token);
    this.assetsDir = o.assetsDir ?? DASHBOARD_PUBLIC_DIR;
    this.server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => void this.handle(req, res));
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    if (o.connectionCap) {
      const cap = o.connectionCap;
      this.server.on('connection', (socket: Socket) => cap.admit(socket));
    }
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      // Node would close without a word; a client (or a person with curl) deserves the status.
      if (err.code === 'HPE_HEADER_OVERFLOW' && socket.writable) socket.end(rawRefusal('headers_too_large'));
      else socket.destroy();
    });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE_BYTES });
  }

  /** Listens; resolves with the listener's URL (e.g. `http://127.0.0.1:9716`). */
  async listen(): Promise<string> {
    if (this.state !== 'new') throw new Error(`hotctl bug: HttpServer.listen() in state ${this.state}`);
    this.state = 'listening';
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        this.state = 'closed';
        if (err.code === 'EADDRINUSE') {
          reject(
            new HotctlError('E_PORT_IN_USE', `The HTTP listener's port ${this.o.host}:${this.o.port} is taken.`, {
              hint: 'Set HOTCTL_HTTP_PORT to a free port, or to 0 to turn the HTTP listener off.',
              details: { host: this.o.host, port: this.o.port },
            }),
          );
        } else reject(err);
      };
      this.server.once('error', onError);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : this.o.port;
    this.heartbeat = setInterval(() => this.ping(), WS_HEARTBEAT_MS);
    this.heartbeat.unref();
    return this.url();
  }

  /** The listener's URL. */
  url(): string {
    return `http://${hostForUrl(this.o.host)}:${this.port}`;
  }

  /** Stops accepting, closes ws clients (1001), lets requests in flight finish for a moment, then cuts what is left. */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    const wasListening = this.state === 'listening';
    this.state = 'closing';
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    for (const client of this.clients) {
      client.unsubscribe?.();
      client.unsubscribe = null;
      client.ws.close(1001, 'daemon stopping');
    }
    if (wasListening) {
      const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      await Promise.race([serverClosed, grace]);
      for (const client of this.clients) client.ws.terminate();
      this.server.closeAllConnections();
      await serverClosed;
    }
    this.wss.close();
    this.state = 'closed';
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    try {
      if (this.state !== 'listening') return this.refuse(res, 'shutting_down');
      if (!this.hostAllowed(req)) return this.refuse(res, 'host_not_allowed');
      const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
      const action = /^\/api\/apps\/([^/]+)\/([a-z]+)$/.exec(path);
      if (action && (HTTP_ACTIONS as readonly string[]).includes(action[2]!)) {
        if (req.method !== 'POST') return this.refuse(res, 'method_not_allowed', { allow: 'POST' });
        return await this.act(req, res, action[1]!, action[2] as HttpAction);
      }
      const route = this.route(path);
      if (route === null) return this.refuse(res, 'not_found');
      if (req.method !== 'GET' && req.method !== 'HEAD') return this.refuse(res, 'method_not_allowed', { allow: 'GET, HEAD' });
      await route(res);
    } catch (err) {
      this.o.log?.(`http: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) this.json(res, ERROR_CODES.E_INTERNAL.http, { error: new HotctlError('E_INTERNAL').toJSON() });
      else res.destroy();
    }
  }

  private route(path: string): ((res: ServerResponse) => Promise<void> | void) | null {
    switch (path) {
      case '/':
      case '/index.html':
        return (res) => this.asset(res, resolveAsset(this.assetsDir, 'index.html'));
      case '/healthz':
        return (res) => void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('ok\n');
      case '/readyz':
        return (res) => {
          const report = this.o.ready();
          this.json(res, report.ready ? 200 : 503, report);
        };
      case '/metrics':
        return (res) => void res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' }).end(this.o.metricsText());
      case '/api/status':
        return (res) => this.json(res, 200, this.o.status());
      case '/api/history':
        return (res) => this.json(res, 200, this.o.history());
    }
    if (path.startsWith('/assets/')) return (res) => this.asset(res, resolveAsset(this.assetsDir, path.slice('/assets/'.length)));
    // The formatters the page shares with the CLI, compiled (src/format/ → dist/src/format/).
    if (path.startsWith('/lib/')) return (res) => this.asset(res, resolveModule(DASHBOARD_MODULES_DIR, path.slice('/lib/'.length)));
    return null;
  }

  private async asset(res: ServerResponse, asset: Asset | null): Promise<void> {
    if (asset === null) return this.refuse(res, 'not_found');
    let body: Buffer;
    try {
      body = await readFile(asset.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return this.refuse(res, 'not_found');
      throw err;
    }
    const headers: Record<string, string> = { 'content-type': asset.contentType, 'cache-control': 'no-cache' };
    if (asset.contentType.startsWith('text/html')) {
      // 'self' covers the same-origin ws:// connection in CSP Level 3.
      headers['content-security-policy'] = "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
      headers['x-frame-options'] = 'DENY';
    }
    res.writeHead(200, headers).end(body);
  }

  private async act(req: IncomingMessage, res: ServerResponse, encodedName: string, method: HttpAction): Promise<void> {
    if (this.tokenDigest === null || this.o.act === undefined) return this.refuse(res, 'actions_disabled', { drain: true });
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = this.attempts.retryAfterSec(address);
    if (wait > 0) return this.refuse(res, 'too_many_attempts', { drain: true, headers: { 'retry-after': String(wait) } });
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!auth) {
      this.attempts.failed(address);
      return this.refuse(res, 'token_required', { drain: true, headers: { 'www-authenticate': 'Bearer realm="hotctl"' } });
    }
    if (!timingSafeEqual(sha256(auth[1]!), this.tokenDigest)) {
      this.attempts.failed(address);
      return this.refuse(res, 'token_invalid', { drain: true });
    }
    if (!(await readBounded(req, MAX_BODY_BYTES))) return this.refuse(res, 'body_too_large', { close: true });
    let name: string;
    try {
      name = decodeURIComponent(encodedName);
    } catch {
      return this.refuse(res, 'not_found');
    }
    try {
      const result = await this.o.act(method, name);
      this.json(res, 202, result ?? {});
    } catch (err) {
      const error = toHotctlError(err);
      if (error.code === 'E_INTERNAL') {
        // The stack stays in the daemon's log; the HTTP client learns only that it failed.
        this.o.log?.(`http: ${method} ${name}: ${error.details?.stack ?? error.message}`);
        this.json(res, ERROR_CODES.E_INTERNAL.http, { error: new HotctlError('E_INTERNAL').toJSON() });
        return;
      }
      this.json(res, error.httpStatus, { error: error.toJSON() });
    }
  }

  private refuse(res: ServerResponse, reason: HttpRefusal, extra: { allow?: string; headers?: Record<string, string>; drain?: boolean; close?: boolean } = {}): void {
    const { status, body } = refusal(reason);
    const headers: Record<string, string> = { ...extra.headers };
    if (extra.allow) headers.allow = extra.allow;
    // A refused POST may still be sending its body; closing the connection spares reading it.
    if (extra.drain || extra.close) headers.connection = 'close';
    this.json(res, status, body, headers);
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(serialise(body));
  }

  /** On loopback, the Host header must name a loopback host and our port (or be absent: not a browser). */
  private hostAllowed(req: IncomingMessage): boolean {
    if (this.o.allowRemote === true) return true;
    const host = req.headers.host;
    return host === undefined || this.loopbackHosts().has(host.toLowerCase());
  }

  private loopbackHosts(): Set<string> {
    const names = new Set(['127.0.0.1', 'localhost', '[::1]', hostForUrl(this.o.host).toLowerCase()]);
    const out = new Set<string>();
    for (const name of names) {
      out.add(`${name}:${this.port}`);
      if (this.port === 80) out.add(name);
    }
    return out;
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const allowed = new Set([...this.loopbackHosts()].map((h) => `http://${h}`));
    if (this.o.allowRemote === true && req.headers.host !== undefined) {
      allowed.add(`http://${req.headers.host.toLowerCase()}`);
      allowed.add(`https://${req.headers.host.toLowerCase()}`);
    }
    return allowed.has(origin.toLowerCase());
  }

  // ── WebSocket ───────────────────────────────────────────────────────────────────────────

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    let refusal: HttpRefusal | null = null;
    if (this.state !== 'listening') refusal = 'shutting_down';
    else if (path !== '/ws') refusal = 'not_found';
    else if (!this.hostAllowed(req)) refusal = 'host_not_allowed';
    else if (!this.originAllowed(req)) refusal = 'origin_not_allowed';
    if (refusal !== null) {
      socket.end(rawRefusal(refusal));
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    const client: WsClient = { ws, outlet: new SubscriberOutlet(ws, serialise), unsubscribe: null, alive: true };
    this.clients.add(client);
    const drop = () => {
      client.unsubscribe?.();
      client.unsubscribe = null;
      this.clients.delete(client);
    };
    ws.on('close', drop);
    ws.on('error', drop);
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => {
      const topics = isBinary ? null : parseSubscribe(String(data));
      if (topics === null) {
        ws.close(1008, 'expected {"subscribe":["status","metrics","events"]}');
        return;
      }
      this.subscribe(client, topics);
    });
    this.subscribe(client, [...HTTP_TOPICS]);
  }

  private subscribe(client: WsClient, topics: SubscriptionTopic[]): void {
    client.unsubscribe?.();
    const wanted = new Set(topics);
    // Filtered here as well: whatever the daemon hands over, only these topics go out.
    const send = (event: DaemonEvent) => {
      if (wanted.has(EVENT_TOPIC[event.kind])) this.send(client, event);
    };
    client.unsubscribe = this.o.subscribe(topics, send);
    if (wanted.has('status')) send({ kind: 'status', at: new Date().toISOString(), status: this.o.status() });
  }

  private send(client: WsClient, event: DaemonEvent): void {
    client.outlet.event(event);
  }

  /** /ws clients and bytes waiting in their sockets. */
  stats(): { connections: number; buffered_bytes: number; dropped_log_lines: number } {
    let buffered = 0;
    for (const client of this.clients) buffered += client.outlet.bufferedBytes;
    // No `logs` topic over HTTP: nothing to drop.
    return { connections: this.clients.size, buffered_bytes: buffered, dropped_log_lines: 0 };
  }

  private ping(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}

/** A whole HTTP/1.1 refusal, for sockets that have no ServerResponse (upgrades, parse errors). */
function rawRefusal(reason: HttpRefusal): string {
  const { status, body: payload } = refusal(reason);
  const body = serialise(payload);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** `{"subscribe":[...]}` with topics offered over HTTP, or null. */
export function parseSubscribe(text: string): SubscriptionTopic[] | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  const topics = (message as { subscribe?: unknown } | null)?.subscribe;
  if (!Array.isArray(topics) || !topics.every((t) => (HTTP_TOPICS as readonly unknown[]).includes(t))) return null;
  return [...new Set(topics as SubscriptionTopic[])];
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** Every JSON body and ws message goes through this: no `env` (nor `inherited_env`) key is ever written. */
function serialise(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => (key === 'env' || key === 'inherited_env' ? undefined : v));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Reads and discards the body; false when it is larger than `limit` (then the request is cut). */
function readBounded(req: IncomingMessage, limit: number): Promise<boolean> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve(false);
  return new Promise((resolve) => {
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(false);
      }
    };
    req.on('data', onData);
    req.once('end', () => resolve(size <= limit));
    req.once('error', () => resolve(false));
  });
}

/** The status and JSON body of a refusal: the registry entry of its code, `reason` beside the code. */
function refusal(reason: HttpRefusal): { status: number; body: { error: { code: ErrorCode; reason: HttpRefusal; message: string; hint: string } } } {
  const code = HTTP_REFUSALS[reason];
  const { http, message, hint } = ERROR_CODES[code];
  return { status: http, body: { error: { code, reason, message: REFUSAL_MESSAGES[reason] ?? message, hint } } };
}
