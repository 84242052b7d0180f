/**
 * The CLI's deadlines (a handshake or a request that takes too long, the safety exit) without
 * Node's timers. In a fresh process the first `setTimeout` costs ~0.5 ms and the first
 * `clearTimeout` ~0.25 ms (lib/internal/timers.js compiles and sets up its lists), and a command
 * like `hotctl status` sets three and clears three: ~0.8 ms of a ~50 ms command, for timers that
 * never fire when the daemon answers (bench/RESULTS.md, section 37).
 *
 * `Atomics.waitAsync` with a timeout is a V8 task that Node's platform runs from a C++ timer (the
 * worker's quiet heartbeat uses the same, src/runtime/quiet-timer.ts): ~0.05 ms to arm, a few µs
 * to cancel. Like an unref'd Node timer it keeps no process alive; every deadline here guards
 * something that does (an open socket), or is the exit itself.
 */
const CELL = 0;

/** Atomics.waitAsync (ES2024; in V8 since 8.7, Node 16): not in the ES2022 lib this project compiles against. */
type WaitAsync = (cell: Int32Array, index: number, value: number, timeoutMs: number) => { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Calls `fn` once after `ms` (≥ 1), unless the returned function is called first. */
export function afterQuietly(ms: number, fn: () => void): () => void {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  let armed = true;
  // The cell holds 0 and the timeout is positive: the wait never returns synchronously.
  void waitAsync(cell, CELL, 0, Math.max(1, ms)).value.then(() => {
    if (!armed) return;
    armed = false;
    fn();
  });
  return () => {
    if (!armed) return;
    armed = false;
    // Ends the pending wait at once (with "ok"): nothing is left waiting on a cancelled deadline.
    Atomics.notify(cell, CELL);
  };
}
