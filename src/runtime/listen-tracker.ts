/**
 * Which listen() calls of the app are still pending, for readiness:
 * - the primary learns of the first listen() call (a worker that never calls one serves no
 *   port, and is not killed for not listening: src/cluster/worker-pool.ts);
 * - in fork mode the worker is ready once its module has evaluated and every listen() started
 *   meanwhile has completed (`'listening'`). A listen() that failed stays pending: its server is
 *   not up, so the worker is not ready (an unhandled 'error' ends it anyway). No 'error'
 *   listener is added here: one would turn an unhandled EADDRINUSE into a silent one.
 *
 * Installed over ServerRegistry's patch of `net.Server.prototype.listen` (src/runtime/servers.ts).
 */
import net from 'node:net';

export class ListenTracker {
  private pendingCount = 0;
  private started = false;

  /** `onFirstListen` runs at the app's first listen() call; `onSettled` each time the last pending listen() completes. */
  constructor(
    private readonly onFirstListen: () => void,
    private readonly onSettled: () => void,
  ) {}

  /** listen() calls that have neither completed nor failed. */
  get pending(): number {
    return this.pendingCount;
  }

  install(): void {
    const tracker = this;
    const listen = net.Server.prototype.listen;
    net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
      tracker.track(this);
      return (listen as (...a: unknown[]) => net.Server).apply(this, args);
    } as typeof listen;
  }

  private track(server: net.Server): void {
    if (!this.started) {
      this.started = true;
      this.onFirstListen();
    }
    this.pendingCount++;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      if (--this.pendingCount === 0) this.onSettled();
    };
    server.once('listening', settle);
  }
}
