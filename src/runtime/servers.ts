/**
 * Knows every server the app listens on, and for HTTP servers every response in flight.
 *
 * Servers are found by patching `net.Server.prototype.listen` before the app loads: http,
 * https, tls and raw net servers all go through it, whatever framework created them. For
 * HTTP servers one `'request'` listener is prepended (per request: a counter and a flag) and
 * their connections are tracked (per connection: a Set insert and a `'close'` listener); with
 * request outcomes (issue 12) each request is timed too (outcome-counter.ts).
 */
import diagnostics from 'node:diagnostics_channel';
import type net from 'node:net';
import { builtin } from './builtin.js';
import { NetServer } from './net-server.js';
import http from 'node:http';
import type https from 'node:https';
import type { RequestOutcomes } from '../protocol/outcomes.js';
import { OutcomeCounter } from './outcome-counter.js';

type HttpServer = http.Server | https.Server;

export function isHttpServer(server: net.Server): server is HttpServer {
  return server instanceof http.Server || isHttpsServer(server);
}

/**
 * node:https (with tls and crypto, ~0.9 MB of RSS) is loaded only for a TLS server, whose app
 * has loaded tls already: an http app's worker stays as small as under plain node.
 */
function isHttpsServer(server: net.Server): server is https.Server {
  if (typeof (server as { setSecureContext?: unknown }).setSecureContext !== 'function') return false;
  const { Server } = builtin<typeof https>('node:https');
  return server instanceof Server;
}

/** Node's own link from a connection to the response it is writing now (set for a response's whole life). */
type HttpSocket = net.Socket & { _httpMessage?: http.ServerResponse | null; _paused?: boolean; [NEWEST]?: http.ServerResponse };
/** Node closes the connection after a response whose `_last` is set (lib/_http_server.js resOnFinish). */
type LastResponse = http.ServerResponse & { _last?: boolean };

/**
 * The response to the newest request received on a connection. Node parses every pipelined
 * request it has received, runs the app's handler for each, and queues their responses
 * (`state.outgoing` in lib/_http_server.js, out of our reach) behind the one being written;
 * responses go out in request order, so only the newest one can be a connection's last.
 */
const NEWEST = Symbol('hotctl.newestResponse');

export class ServerRegistry {
  /** Servers listening now; a server leaves when it closes. */
  readonly listening = new Set<net.Server>();
  /** Open connections of the HTTP servers (their count changes per connection, not per request). */
  private readonly sockets = new Set<HttpSocket>();
  private started = 0;
  private servedFloor = 0;
  private closingConnections = false;
  private readonly watched = new WeakSet<net.Server>();
  private readonly onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  private readonly onConnection: (this: net.Server, socket: HttpSocket) => void;
  private readonly counter: OutcomeCounter | null;
  private readonly onServerListening: (this: net.Server) => void;
  private readonly onServerClose: (this: net.Server) => void;
  /** Called once at the next connection to any server (a quiet worker's wake, report.ts); null: none. */
  private nextConnection: (() => void) | null = null;
  private readonly onNextConnectionEvent = (): void => {
    const fn = this.nextConnection;
    this.onNextConnection(null);
    fn?.();
  };

  /**
   * `onListening` runs each time a tracked server starts listening. With `countRequests: false`
   * (HOTCTL_REQUEST_COUNTING=0) requests are not counted (both counts stay 0) and connections
   * are not tracked; a draining worker still adds `Connection: close` to the last response of
   * each connection whose headers are written after the drain began. With `countOutcomes:
   * false` (HOTCTL_REQUEST_OUTCOMES=0; implied by `countRequests: false`) requests are counted
   * as before but their outcomes are not: {@link outcomes} is null.
   */
  constructor(onListening: (server: net.Server) => void, { countRequests = true, countOutcomes = true }: { countRequests?: boolean; countOutcomes?: boolean } = {}) {
    const registry = this;
    const sockets = this.sockets;
    const counter = countRequests && countOutcomes ? new OutcomeCounter() : null;
    this.counter = counter;
    const onSocketClose = counter
      ? function (this: HttpSocket): void {
          sockets.delete(this);
          counter.closed(this, this[NEWEST]);
        }
      : function (this: HttpSocket): void {
          sockets.delete(this);
        };
    // Per request: a counter and a flag. What is in flight is read from the connections when
    // asked (once a second), not tracked per response: a Set insert and a 'close' listener per
    // response cost about 2 % of a small request's CPU.
    this.onRequest = counter
      ? (req, res) => {
          registry.started++;
          (req.socket as HttpSocket)[NEWEST] = res;
          counter.received(res);
        }
      : countRequests
      ? (req, res) => {
          registry.started++;
          (req.socket as HttpSocket)[NEWEST] = res;
        }
      : (req, res) => {
          (req.socket as HttpSocket)[NEWEST] = res;
        };
    this.onConnection = counter
      ? function (socket) {
          sockets.add(socket);
          socket.once('close', onSocketClose);
          counter.connected(this, socket);
        }
      : countRequests
      ? (socket) => {
          sockets.add(socket);
          socket.once('close', onSocketClose);
        }
      : () => {};
    this.onServerListening = function () {
      registry.listening.add(this);
      if (registry.nextConnection !== null) this.on('connection', registry.onNextConnectionEvent);
      onListening(this);
    };
    this.onServerClose = function () {
      registry.listening.delete(this);
      this.removeListener('connection', registry.onNextConnectionEvent);
    };
  }

  /** What became of the requests received (cumulative since start; a new object); null when not counted. */
  get outcomes(): RequestOutcomes | null {
    return this.counter?.outcomes ?? null;
  }

  /**
   * Calls `fn` once, at the next connection to any of the app's servers (raw TCP, HTTP, TLS, routed
   * or not: each emits 'connection'); null cancels. A listener only while one is armed: nothing per
   * connection otherwise.
   */
  onNextConnection(fn: (() => void) | null): void {
    if ((this.nextConnection !== null) === (fn !== null)) {
      this.nextConnection = fn;
      return;
    }
    this.nextConnection = fn;
    for (const server of this.listening) {
      if (fn !== null) server.on('connection', this.onNextConnectionEvent);
      else server.removeListener('connection', this.onNextConnectionEvent);
    }
  }

  /** The responses being written now: one per connection with a response attached (HTTP/1.1 without pipelining). */
  get requestsInFlight(): number {
    let n = 0;
    for (const socket of this.sockets) if (socket._httpMessage) n++;
    return n;
  }

  /** Connections open on the app's servers (HTTP, upgraded, raw TCP): what a SIGKILL would cut. */
  get connectionsOpen(): number {
    let n = 0;
    for (const server of this.listening) n += (server as net.Server & { _connections?: number })._connections ?? 0;
    return n;
  }

  /**
   * Requests received and no longer in flight: answered, or given up by their client. Never
   * goes down (a counter): a pipelined request queued behind another is counted as done until
   * its response starts, and must not be taken back then.
   */
  get requestsServed(): number {
    this.servedFloor = Math.max(this.servedFloor, this.started - this.requestsInFlight);
    return this.servedFloor;
  }

  /**
   * Patches `net.Server.prototype.listen` so that every server the app starts is tracked, and
   * `http.ServerResponse.prototype.writeHead` (which `end()`/`write()` call too) so that, while
   * draining, the last response of each connection says `Connection: close`.
   */
  install(): void {
    const registry = this;
    this.counter?.start();
    const writeHead = http.ServerResponse.prototype.writeHead;
    http.ServerResponse.prototype.writeHead = function (this: http.ServerResponse, ...args: unknown[]) {
      if (registry.closingConnections && !this.headersSent && isLastOnItsConnection(this)) this.setHeader('connection', 'close');
      return (writeHead as (...a: unknown[]) => http.ServerResponse).apply(this, args);
    } as typeof writeHead;
    const listen = NetServer.prototype.listen;
    NetServer.prototype.listen = function (this: net.Server, ...args: unknown[]) {
      registry.watch(this);
      return (listen as (...a: unknown[]) => net.Server).apply(this, args);
    } as typeof listen;
  }

  private watch(server: net.Server): void {
    if (this.watched.has(server)) return;
    this.watched.add(server);
    server.on('listening', this.onServerListening);
    server.on('close', this.onServerClose);
    if (isHttpServer(server)) {
      // Prepended so that the count and the `Connection: close` come before the app's handler.
      server.prependListener('request', this.onRequest);
      // The socket Node's HTTP layer serves on: the TLS socket for https, the TCP one for http.
      server.on(isHttpsServer(server) ? 'secureConnection' : 'connection', this.onConnection);
    }
  }

  /**
   * From now on every response whose headers are not written yet says `Connection: close` when
   * it is the last one its connection owes (responses in flight now included, and responses to
   * requests that arrive later on kept-alive connections): a client told so opens its next
   * connection elsewhere (to a new worker) instead of being reset. Not on a response with
   * pipelined requests queued behind it: Node closes the connection after a `Connection: close`
   * response and would drop the answers to requests whose handlers already ran. A parked worker
   * does the same without draining (`on` false: it serves again, see PrimaryToWorker `park`).
   */
  closeConnectionsAfterResponse(on = true): void {
    if (this.closingConnections === on) return;
    this.closingConnections = on;
    // Off again only for a parked worker brought back (a rollback within the window); a drain never turns it off.
    if (on) diagnostics.subscribe('http.server.response.finish', keepOpenForQueuedAnswers);
    else diagnostics.unsubscribe('http.server.response.finish', keepOpenForQueuedAnswers);
  }
}

/**
 * An app that answers synchronously writes its answer while Node is still parsing the chunk
 * its request came in: whether more pipelined requests follow in that chunk is unknowable then,
 * so such an answer may say `Connection: close` with more requests parsed (and run) after it.
 * Node would then close the connection and drop their answers; published just before Node
 * looks at `_last`, this keeps the connection open until the newest request is answered.
 */
function keepOpenForQueuedAnswers(message: unknown): void {
  const { response, socket } = message as { response: LastResponse; socket: HttpSocket };
  if (response._last && socket[NEWEST] !== undefined && socket[NEWEST] !== response) response._last = false;
}

/**
 * No request received after this one's on its connection, and no unparsed request waiting in
 * the socket (Node pauses a connection whose pipelined answers pile up, leaving requests unread).
 * A queued response may write its headers before it has its socket: its request's socket counts.
 */
function isLastOnItsConnection(res: http.ServerResponse): boolean {
  const socket = (res.socket ?? res.req?.socket) as HttpSocket | null | undefined;
  if (!socket) return true;
  const newest = socket[NEWEST];
  return (newest === undefined || newest === res) && socket.readableLength === 0 && socket._paused !== true;
}
