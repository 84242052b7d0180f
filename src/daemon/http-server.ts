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
 *
 * The checks of Host, Origin and token are in http-access.ts; the /ws feed in ws-feed.ts.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ERROR_CODES, HotctlError, toHotctlError } from '../protocol/index.js';
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus.js';
import { type Asset, DASHBOARD_MODULES_DIR, DASHBOARD_PUBLIC_DIR, resolveAsset, resolveModule } from '../dashboard/assets.js';
import { hostAllowed, hostForUrl, originAllowed, TokenGate, type ListenerAddress } from './http-access.js';
import { checkListenerOptions, CLOSE_GRACE_MS, HTTP_ACTIONS, MAX_BODY_BYTES, MAX_HEADER_BYTES, type HttpAction, type HttpServerOptions } from './http-options.js';
import { rawRefusal, refusal, type HttpRefusal } from './http-refusals.js';
import { listenOn, readBounded, serialise } from './http-wire.js';
import { WsFeed } from './ws-feed.js';

export type { ReadyReport } from '../cluster/readiness.js';
export * from './http-options.js';

export { HTTP_REFUSALS, type HttpRefusal } from './http-refusals.js';

type State = 'new' | 'listening' | 'closing' | 'closed';

export class HttpServer {
  private readonly server: Server;
  private readonly feed: WsFeed;
  private readonly assetsDir: string;
  private readonly gate: TokenGate;
  private state: State = 'new';
  private port = 0;
  private closed: Promise<void> | null = null;

  constructor(private readonly o: HttpServerOptions) {
    checkListenerOptions(o);
    this.gate = new TokenGate(o.token);
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
    this.feed = new WsFeed(o.subscribe, () => o.status());
  }

  /**
   * Listens; resolves with the listener's URL (e.g. `http://127.0.0.1:9716`). `adopted`: the
   * previous daemon's listening handle (`hotctl update`): the same socket, never unbound.
   */
  async listen(adopted: object | null = null): Promise<string> {
    if (this.state !== 'new') throw new Error(`hotctl bug: HttpServer.listen() in state ${this.state}`);
    this.state = 'listening';
    try {
      this.port = await listenOn(this.server, this.o.host, this.o.port, adopted);
    } catch (err) {
      this.state = 'closed';
      throw err;
    }
    this.feed.start();
    return this.url();
  }

  /** The listener's URL. */
  url(): string {
    return `http://${hostForUrl(this.o.host)}:${this.port}`;
  }

  /** The raw listening handle, to hand to the next daemon (`hotctl update`); null when not listening. */
  get rawHandle(): object | null {
    return this.state === 'listening' ? ((this.server as unknown as { _handle: object | null })._handle ?? null) : null;
  }

  /** Stops accepting, closes ws clients (1001), lets requests in flight finish for a moment, then cuts what is left. */
  close(): Promise<void> {
    this.closed ??= this.shutdown(false);
    return this.closed;
  }

  /**
   * `hotctl update`, the next daemon accepts on the same socket now: stops accepting and closes
   * as {@link close} does, but still answers the requests that reach it meanwhile (on
   * connections it accepted), each with `Connection: close`, so no client sees a refusal.
   */
  handOver(): Promise<void> {
    this.server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      res.shouldKeepAlive = false;
    });
    this.closed ??= this.shutdown(true);
    return this.closed;
  }

  private async shutdown(handingOver: boolean): Promise<void> {
    const wasListening = this.state === 'listening';
    if (!handingOver) this.state = 'closing';
    this.feed.closeClients();
    if (wasListening) {
      const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
      await Promise.race([serverClosed, grace]);
      this.state = 'closing';
      this.feed.terminate();
      this.server.closeAllConnections();
      await serverClosed;
    }
    this.feed.close();
    this.state = 'closed';
  }

  // -- HTTP --------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    try {
      if (this.state !== 'listening') return this.refuse(res, 'shutting_down');
      if (!hostAllowed(req, this.address())) return this.refuse(res, 'host_not_allowed');
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
    if (this.o.act === undefined) return this.refuse(res, 'actions_disabled', { drain: true });
    const refused = this.gate.check(req);
    if (refused !== null) return this.refuse(res, refused.reason, { drain: true, ...('headers' in refused ? { headers: refused.headers } : {}) });
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

  private address(): ListenerAddress {
    return { host: this.o.host, port: this.port, allowRemote: this.o.allowRemote === true };
  }

  // -- WebSocket ---------------------------------------------------------------------------

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    let refusal: HttpRefusal | null = null;
    if (this.state !== 'listening') refusal = 'shutting_down';
    else if (path !== '/ws') refusal = 'not_found';
    else if (!hostAllowed(req, this.address())) refusal = 'host_not_allowed';
    else if (!originAllowed(req, this.address())) refusal = 'origin_not_allowed';
    if (refusal !== null) {
      socket.end(rawRefusal(refusal));
      return;
    }
    this.feed.upgrade(req, socket, head);
  }

  /** /ws clients and bytes waiting in their sockets. */
  stats(): { connections: number; buffered_bytes: number; dropped_log_lines: number } {
    return this.feed.stats();
  }
}
