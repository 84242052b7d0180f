/**
 * The handle through which the app's copy of `hotctl` (api.ts) reaches the runtime of the
 * worker it runs in. It lives on `globalThis` under a registered symbol because the app may
 * load its own copy of the package, whose module instances are not the runtime's.
 */

/** A function the app wants run when the worker shuts down. */
export type ShutdownHook = () => void | Promise<void>;

export interface RuntimeHandle {
  /** Bumped if the handle's shape ever changes, so an old api.ts can tell. */
  readonly version: 1;
  ready(): void;
  onShutdown(hook: ShutdownHook): () => void;
  /** Absent from runtimes older than the drain-start hooks. */
  onDrainStart?(hook: ShutdownHook): () => void;
  isDraining(): boolean;
}

export const RUNTIME_KEY: unique symbol = Symbol.for('hotctl.runtime') as never;

type WithRuntime = typeof globalThis & { [RUNTIME_KEY]?: RuntimeHandle };

export function getRuntime(): RuntimeHandle | undefined {
  const handle = (globalThis as WithRuntime)[RUNTIME_KEY];
  return handle?.version === 1 ? handle : undefined;
}

export function setRuntime(handle: RuntimeHandle): void {
  Object.defineProperty(globalThis, RUNTIME_KEY, { value: handle, enumerable: false, configurable: true });
}
