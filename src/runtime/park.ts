/**
 * A parked worker (PrimaryToWorker `park`: a reload's previous generation, for the rollback
 * window). The primary gives it no new connection; its servers stay open and no shutdown code
 * runs, so a rollback can make it serve again at once. Its kept-alive HTTP clients are moved the
 * way a drain moves them (drain.ts): every response says `Connection: close`, and after the grace
 * period idle connections are closed every CLOSE_IDLE_EVERY_MS. Upgraded (WebSocket) and raw TCP
 * connections stay until the window ends and the worker drains.
 */
import { CLOSE_IDLE_EVERY_MS } from './drain.js';
import { isHttpServer, type ServerRegistry } from './servers.js';

export class ParkedState {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly servers: ServerRegistry) {}

  park(graceMs: number): void {
    this.servers.closeConnectionsAfterResponse(true);
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => this.closeIdle(), CLOSE_IDLE_EVERY_MS);
      this.timer.unref();
      this.closeIdle();
    }, graceMs);
    this.timer.unref();
  }

  /** Serving again (a rollback within the window). */
  unpark(): void {
    this.stop();
    this.servers.closeConnectionsAfterResponse(false);
  }

  /** The drain takes over (it keeps `Connection: close` on). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private closeIdle(): void {
    for (const server of this.servers.listening) if (isHttpServer(server)) server.closeIdleConnections();
  }
}
