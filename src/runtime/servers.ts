/**
 * Knows every server the app listens on, and for HTTP servers every response in flight.
 *
 * Servers are found by patching `net.Server.prototype.listen` before the app loads: http,
 * https, tls and raw net servers all go through it, whatever framework created them. For
 * HTTP servers one `'request'` listener is prepended; its per-request cost is one Set insert
 * and one shared `'close'` listener.
 */
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';

type HttpServer = http.Server | https.Server;

export function isHttpServer(server: net.Server): server is HttpServer {
  return server instanceof http.Server || server instanceof https.Server;
}

export class ServerRegistry {
  /** Servers listening now; a server leaves when it closes. */
  readonly listening = new Set<net.Server>();
  private readonly inFlight = new Set<http.ServerResponse>();
  private served = 0;
  private closingConnections = false;
  private readonly watched = new WeakSet<net.Server>();
  private readonly onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  private readonly onServerListening: (this: net.Server) => void;
  private readonly onServerClose: (this: net.Server) => void;

  /**
   * `onListening` runs each time a tracked server starts listening. With `countRequests: false`
   * (HOTCTL_REQUEST_COUNTING=0) requests are neither counted nor tracked (both counts stay 0);
   * a draining worker still answers requests that arrive after the drain began with
   * `Connection: close`, but cannot add it to responses already in flight (their connections
   * get it on their next request, or are closed idle after the grace period).
   */
  constructor(onListening: (server: net.Server) => void, { countRequests = true }: { countRequests?: boolean } = {}) {
    const registry = this;
    const inFlight = this.inFlight;
    function onResponseClose(this: http.ServerResponse): void {
      inFlight.delete(this);
      if (this.writableFinished) registry.served++;
    }
    this.onRequest = countRequests
      ? (_req, res) => {
          inFlight.add(res);
          res.on('close', onResponseClose);
          if (registry.closingConnections) res.setHeader('connection', 'close');
        }
      : (_req, res) => {
          if (registry.closingConnections) res.setHeader('connection', 'close');
        };
    this.onServerListening = function () {
      registry.listening.add(this);
      onListening(this);
    };
    this.onServerClose = function () {
      registry.listening.delete(this);
    };
  }

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  get requestsServed(): number {
    return this.served;
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
    // Prepended so that the count and the `Connection: close` come before the app's handler.
    if (isHttpServer(server)) server.prependListener('request', this.onRequest);
  }

  /**
   * From now on every response whose headers are not written yet says `Connection: close`,
   * including responses to requests that arrive later on kept-alive connections: a client
   * told so opens its next connection elsewhere (to a new worker) instead of being reset.
   */
  closeConnectionsAfterResponse(): void {
    this.closingConnections = true;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
  }
}
