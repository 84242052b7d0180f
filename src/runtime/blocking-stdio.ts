/**
 * The daemon reads a worker's stdout and stderr through pipes, which node:cluster leaves
 * non-blocking: what sits in the write queue when the worker exits (process.exit, a fatal error)
 * would be lost. A blocking pipe writes each line before `write` returns, as Node does for files
 * and terminals, so no line is lost; a worker that logs faster than the daemon stores waits for it.
 *
 * Each stream is made blocking when it is first used, not before the app's first line: Node
 * creates `process.stdout` / `process.stderr` on first access (a net.Socket on the pipe, ~2 ms),
 * which an app that does not log while it starts never pays under plain node; every reload
 * waits for the new workers' start (bench/RESULTS.md, section 33). The first access (the app's
 * first log line, console.*, the runtime's own error report) goes through Node's getter, then
 * the handle is made blocking, before anything can be written.
 */
type Blockable = { _handle?: { setBlocking?: (on: boolean) => void } };

export function blockingStdioOnFirstUse(target: NodeJS.Process = process): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const own = Object.getOwnPropertyDescriptor(target, name);
    if (!own?.get || !own.configurable) {
      setBlocking(target[name]);
      continue;
    }
    const get = own.get;
    Object.defineProperty(target, name, {
      configurable: true,
      enumerable: own.enumerable,
      get() {
        const stream = get.call(target) as NodeJS.WriteStream;
        // Node's getter again (it keeps the stream it made): later reads cost what they cost before.
        Object.defineProperty(target, name, own);
        setBlocking(stream);
        return stream;
      },
    });
  }
}

function setBlocking(stream: unknown): void {
  (stream as Blockable)._handle?.setBlocking?.(true);
}
