/**
 * A repeating timer for the quiet worker's heartbeat (src/runtime/report.ts) that runs none of
 * Node's own JavaScript when it fires.
 *
 * Why not setInterval: every expiry of a Node timer runs `processTimers` and `listOnTimeout`
 * (lib/internal/timers.js) before the callback, and V8 counts that bytecode against their tiering
 * budget. In a worker whose only JavaScript is a periodic heartbeat, `listOnTimeout` is the first
 * function V8 optimizes (after ~1,100 expiries, bench/worker-tierup.mjs), and the first TurboFan
 * compilation maps ~5 MB of the node binary's compiler code that an idle bare worker never
 * touches (bench/RESULTS.md, section 26e). `Atomics.waitAsync`'s timeout is a V8 task that Node's
 * platform runs from a C++ timer (unref'd, as ours are: it keeps no process alive), and its
 * promise calls back straight from the microtask queue: only `fire` runs.
 */
const CELL = 0;

/** Atomics.waitAsync (ES2024; in V8 since 8.7, Node 16): not in the ES2022 lib this project compiles against. */
type WaitAsync = (cell: Int32Array, index: number, value: number, timeoutMs: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Calls `fn` every `ms` (≥ 1) until the returned function is called. */
export function everyQuietly(ms: number, fn: () => void): () => void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const period = Math.max(1, ms);
  let on = true;
  // As little bytecode per call as can be: V8 charges each call's against the function's tiering
  // budget. The wait is bound (a builtin: no bytecode); it never returns synchronously here (the
  // cell holds 0 and the timeout is positive), so its `value` is a promise.
  const wait = waitAsync.bind(Atomics, cell, CELL, 0, period) as () => { value: Promise<string> };
  // Stopped by `fn` itself, it arms one more wait, which then finds it off.
  function fire(): void {
    if (on) {
      fn();
      void wait().value.then(fire);
    }
  }
  void wait().value.then(fire);
  return () => {
    on = false;
    // Resolves the pending wait at once (with "ok"), so nothing waits on a stopped timer.
    Atomics.notify(cell, CELL);
  };
}
