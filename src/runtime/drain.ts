/**
 * Graceful shutdown of one worker, as ordered phases:
 *
 *   stop-accepting → app-shutdown → finish-in-flight → close-idle → shutdown-hooks
 *                                                      (then worker.ts reports `drained` and exits)
 *
 * `app-shutdown` runs the app's own shutdown code once no new connection can reach it: its
 * signal or 'shutdown' message listeners (PM2's way) and its `onDrainStart` hooks — where a
 * WebSocket or SSE app closes its long-lived connections, which would otherwise keep the drain
 * open until the primary kills the worker.
 *
 * A server's `'close'` event fires once it stopped listening AND its last connection is gone,
 * so "every tracked server emitted close" is the one condition the connection phases wait for,
 * for HTTP and raw net servers alike. Raw net connections are never closed by us: they end
 * when the app or the client ends them, or the primary kills the worker after kill_timeout.
 */
import type net from 'node:net';
import { NetServer } from './net-server.js';
import { isHttpServer, type ServerRegistry } from './servers.js';
import type { ShutdownHook } from './global.js';

export const DRAIN_PHASES = ['stop-accepting', 'app-shutdown', 'finish-in-flight', 'close-idle', 'shutdown-hooks'] as const;
export type DrainPhase = (typeof DRAIN_PHASES)[number];

/** How often idle keep-alive connections are closed once the grace period is over. */
export const CLOSE_IDLE_EVERY_MS = 50;
/** The longest one shutdown hook is awaited; the primary's kill_timeout bounds the whole drain. */
export const HOOK_TIMEOUT_MS = 5000;

export class ShutdownHooks {
  private readonly hooks: ShutdownHook[] = [];

  add(hook: ShutdownHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /** Runs the hooks one after another; a hook that throws or hangs does not stop the others. */
  async run(timeoutMs = HOOK_TIMEOUT_MS): Promise<void> {
    for (const hook of [...this.hooks]) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, timeoutMs, 'timeout')));
      try {
        const outcome = await Promise.race([Promise.resolve().then(hook), timedOut]);
        if (outcome === 'timeout') process.stderr.write(`hotctl: a shutdown hook did not finish within ${timeoutMs} ms; moving on\n`);
      } catch (err) {
        process.stderr.write(`hotctl: a shutdown hook failed: ${(err as Error)?.stack ?? String(err)}\n`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

export interface DrainOptions {
  servers: ServerRegistry;
  /** `onShutdown` hooks: after the last connection is gone. */
  hooks: ShutdownHooks;
  /** `onDrainStart` hooks: once the worker stopped accepting. */
  drainStartHooks?: ShutdownHooks;
  /** Tells the app the way PM2 does (its signal or 'shutdown' message listeners); before the drain-start hooks. */
  notifyApp?: () => void;
  /** How long idle keep-alive connections are left open for their clients' next request. */
  graceMs: number;
  onPhase?: (phase: DrainPhase) => void;
}

class Drain {
  private readonly servers: net.Server[];
  /** Settles when every server has stopped listening and lost its last connection. */
  private readonly allClosed: Promise<void>;
  private closed = false;

  constructor(private readonly opts: DrainOptions) {
    this.servers = [...opts.servers.listening];
    this.allClosed = Promise.all(this.servers.map((s) => new Promise((resolve) => s.once('close', resolve)))).then(() => {
      this.closed = true;
    });
  }

  stopAccepting(): void {
    this.opts.servers.closeConnectionsAfterResponse();
    for (const server of this.servers) {
      // The app's own shutdown code often calls `server.close()`, which since Node 19 closes idle
      // keep-alive connections at once (the reset trap below): held off until the close-idle phase.
      if (isHttpServer(server)) server.closeIdleConnections = holdIdleConnections;
      // Not http.Server.prototype.close: since Node 19 it also closes idle keep-alive
      // connections at once, and a client sending on one at that moment gets a reset
      // (https://nodejs.org/docs/latest-v20.x/api/http.html#serverclosecallback,
      // https://github.com/nodejs/node/issues/51677). Under round-robin this only takes the
      // worker out of the primary's rotation; the primary keeps listening for the others.
      NetServer.prototype.close.call(server);
    }
  }

  /** Until the grace period ends, connections close only after a `Connection: close` response. */
  async finishInFlight(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.graceMs)));
    await Promise.race([this.allClosed, grace]);
    clearTimeout(timer);
  }

  /** The app's signal or message listeners, then its drain-start hooks (each awaited, bounded). */
  async appShutdown(): Promise<void> {
    try {
      this.opts.notifyApp?.();
    } catch (err) {
      process.stderr.write(`hotctl: the app's shutdown listener failed: ${(err as Error)?.stack ?? String(err)}\n`);
    }
    await this.opts.drainStartHooks?.run();
  }

  /** Idle now, or idle later when a response with keep-alive finishes: closed every ~50 ms. */
  async closeIdle(): Promise<void> {
    const http = this.servers.filter(isHttpServer);
    for (const server of http) delete (server as { closeIdleConnections?: unknown }).closeIdleConnections;
    if (this.closed) return;
    const closeIdle = (): void => {
      for (const server of http) server.closeIdleConnections();
    };
    closeIdle();
    const timer = setInterval(closeIdle, CLOSE_IDLE_EVERY_MS);
    await this.allClosed;
    clearInterval(timer);
  }

  shutdownHooks(): Promise<void> {
    return this.opts.hooks.run();
  }
}

const PHASES: ReadonlyArray<readonly [DrainPhase, (drain: Drain) => void | Promise<void>]> = [
  ['stop-accepting', (d) => d.stopAccepting()],
  ['app-shutdown', (d) => d.appShutdown()],
  ['finish-in-flight', (d) => d.finishInFlight()],
  ['close-idle', (d) => d.closeIdle()],
  ['shutdown-hooks', (d) => d.shutdownHooks()],
];

/** Stands in for `closeIdleConnections` on a draining server until the grace period is over. */
function holdIdleConnections(): void {}

/** Runs the phases in order. The first phase runs synchronously, before this returns. */
export async function drain(opts: DrainOptions): Promise<void> {
  const d = new Drain(opts);
  for (const [name, run] of PHASES) {
    opts.onPhase?.(name);
    await run(d);
  }
}
