/**
 * Knows every server the app listens on, and for HTTP servers every response in flight.
 *
 * Servers are found by patching `net.Server.prototype.listen` before the app loads: http,
 * https, tls and raw net servers all go through it, whatever framework created them. For
 * HTTP servers one `'request'` listener is prepended (per request: a counter and a flag) and
 * their connections are tracked (per connection: a Set insert and a `'close'` listener).
 */
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';

type HttpServer = http.Server | https.Server;

export function isHttpServer(server: net.Server): server is HttpServer {
  return server instanceof http.Server || server instanceof https.Server;
}

/** Node's own link from a connection to the response it is writing now (set for a response's whole life). */
type HttpSocket = net.Socket & { _httpMessage?: http.ServerResponse | null };

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
  private readonly onConnection: (socket: HttpSocket) => void;
  private readonly onServerListening: (this: net.Server) => void;
  private readonly onServerClose: (this: net.Server) => void;

  /**
   * `onListening` runs each time a tracked server starts listening. With `countRequests: false`
   * (HOTCTL_REQUEST_COUNTING=0) requests are not counted (both counts stay 0) and connections
   * are not tracked; a draining worker still answers requests that arrive after the drain began
   * with `Connection: close`, but cannot add it to responses already in flight (their
   * connections get it on their next request, or are closed idle after the grace period).
   */
  constructor(onListening: (server: net.Server) => void, { countRequests = true }: { countRequests?: boolean } = {}) {
    const registry = this;
    const sockets = this.sockets;
    function onSocketClose(this: HttpSocket): void {
      sockets.delete(this);
    }
    // Per request: a counter and a flag. What is in flight is read from the connections when
    // asked (once a second), not tracked per response: a Set insert and a 'close' listener per
    // response cost about 2 % of a small request's CPU.
    this.onRequest = countRequests
      ? (_req, res) => {
          registry.started++;
          if (registry.closingConnections) res.setHeader('connection', 'close');
        }
      : (_req, res) => {
          if (registry.closingConnections) res.setHeader('connection', 'close');
        };
    this.onConnection = countRequests
      ? (socket) => {
          sockets.add(socket);
          socket.once('close', onSocketClose);
        }
      : () => {};
    this.onServerListening = function () {
      registry.listening.add(this);
      onListening(this);
    };
    this.onServerClose = function () {
      registry.listening.delete(this);
    };
  }

  /** The responses being written now: one per connection with a response attached (HTTP/1.1 without pipelining). */
  get requestsInFlight(): number {
    let n = 0;
    for (const socket of this.sockets) if (socket._httpMessage) n++;
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

  /** Patches `net.Server.prototype.listen` so that every server the app starts is tracked. */
  install(): void {
    const registry = this;
    const listen = net.Server.prototype.listen;
    net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
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
      server.on(server instanceof https.Server ? 'secureConnection' : 'connection', this.onConnection);
    }
  }

  /**
   * From now on every response whose headers are not written yet says `Connection: close`,
   * including responses to requests that arrive later on kept-alive connections: a client
   * told so opens its next connection elsewhere (to a new worker) instead of being reset.
   */
  closeConnectionsAfterResponse(): void {
    this.closingConnections = true;
    for (const socket of this.sockets) {
      const res = socket._httpMessage;
      if (res && !res.headersSent) res.setHeader('connection', 'close');
    }
  }
}
