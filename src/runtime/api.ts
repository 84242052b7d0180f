/**
 * What an app imports from `hotctl`. Every function is a no-op outside a hotctl worker, so
 * the same code runs under `node app.js`, in tests, or under another process manager.
 *
 * ```js
 * import { ready, onDrainStart, onShutdown, isDraining } from 'hotctl';
 * await db.connect();
 * server.listen(3000, () => ready());   // only waited for with `wait_ready: true`
 * onDrainStart(() => wss.clients.forEach((ws) => ws.close(1001, 'server restarting')));
 * onShutdown(() => db.close());         // after the last connection is gone
 * ```
 */
import { getRuntime, type ShutdownHook } from './global.js';

export type { ShutdownHook } from './global.js';

/**
 * Tells hotctl that this worker serves. Counts only when the app runs with `wait_ready: true`
 * (otherwise the worker is ready once its server listens); same as PM2's `process.send('ready')`.
 */
export function ready(): void {
  getRuntime()?.ready();
}

/**
 * Registers a function to run when the worker shuts down, after its servers have stopped
 * accepting and their last connection is gone. Hooks run one after another in the order they
 * were registered; each is awaited, for a bounded time. Returns a function that unregisters it.
 */
export function onShutdown(hook: ShutdownHook): () => void {
  return getRuntime()?.onShutdown(hook) ?? (() => {});
}

/**
 * Registers a function to run as soon as the worker starts draining: once it gets no new
 * connection, while in-flight requests still run. The place to close long-lived connections
 * (WebSocket: close code 1001 or 1012; server-sent events: end the response), which would
 * otherwise hold the drain open until the worker is killed after `kill_timeout`. Runs after
 * the app's PM2-style shutdown listeners (`process.on('SIGINT')`, or the 'shutdown' message),
 * one hook after another, each awaited for a bounded time. Returns a function that unregisters it.
 */
export function onDrainStart(hook: ShutdownHook): () => void {
  return getRuntime()?.onDrainStart?.(hook) ?? (() => {});
}

/** True once the worker has been told to shut down (for health checks, long polls, loops). */
export function isDraining(): boolean {
  return getRuntime()?.isDraining() ?? false;
}
