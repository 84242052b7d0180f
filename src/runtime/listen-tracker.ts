/**
 * The app's listen() calls, for readiness and for keeping a fork-mode process alive:
 * - the primary learns of the first listen() call (a worker that never calls one serves no
 *   port, and is not killed for not listening: src/cluster/worker-pool.ts);
 * - in fork mode the worker is ready once its module has evaluated and every listen() started
 *   meanwhile has completed (`'listening'`). A listen() that failed stays pending: its server is
 *   not up, so the worker is not ready (an unhandled 'error' ends it anyway). No 'error'
 *   listener is added here: one would turn an unhandled EADDRINUSE into a silent one;
 * - a server of a cluster worker holds no socket of its own (the primary owns it, round-robin):
 *   only the IPC channel keeps the worker alive while it listens, or while a listen() waits for
 *   the primary's answer. {@link ListenTracker.needsChannel} says when that is.
 *
 * Installed over ServerRegistry's patch of `net.Server.prototype.listen` (src/runtime/servers.ts).
 */
import type net from 'node:net';
import { NetServer } from './net-server.js';

export interface ListenHooks {
  /** The app's first listen() call. */
  onFirstListen(): void;
  /** A listen() completed, started or a server closed: {@link ListenTracker.pending} or {@link ListenTracker.needsChannel} may have changed. */
  onChange(): void;
}

export class ListenTracker {
  private pendingCount = 0;
  private started = false;
  private readonly open = new Set<net.Server>();

  constructor(private readonly hooks: ListenHooks) {}

  /** listen() calls that have not completed. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Whether a listen() waits for the primary or a server listens (both need the IPC channel). */
  get needsChannel(): boolean {
    return this.pendingCount > 0 || this.open.size > 0;
  }

  install(): void {
    const tracker = this;
    const listen = NetServer.prototype.listen;
    NetServer.prototype.listen = function (this: net.Server, ...args: unknown[]) {
      tracker.track(this);
      return (listen as (...a: unknown[]) => net.Server).apply(this, args);
    } as typeof listen;
  }

  private track(server: net.Server): void {
    if (!this.started) {
      this.started = true;
      this.hooks.onFirstListen();
    }
    this.pendingCount++;
    server.once('listening', () => {
      this.pendingCount--;
      this.open.add(server);
      server.once('close', () => {
        this.open.delete(server);
        this.hooks.onChange();
      });
      this.hooks.onChange();
    });
    this.hooks.onChange();
  }
}
