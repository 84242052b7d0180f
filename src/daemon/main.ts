/**
 * Entry of the background daemon, started detached by the CLI (`node dist/src/daemon/main.js`),
 * its stdout and stderr appended to HOTCTL_HOME/daemon.log. Started by a running daemon for
 * `hotctl update` (HOTCTL_HANDOFF=1, with an IPC channel), it first receives that daemon's
 * listening sockets (handoff/take.ts).
 */
// First: holds V8's optimizing compiler off before the other modules are evaluated.
import './hold-compiler.js';
import { resolveHome, toHotctlError } from '../protocol/index.js';
import { startDaemon } from './daemon.js';
import { HANDOFF_ENV } from './handoff/messages.js';
import type { TakeOver } from './handoff/take.js';
import { isoNow } from '../platform/iso-time.js';

// No top-level await: the same file is bundled as CommonJS (scripts/bundle.mjs), which has none.
async function main(): Promise<void> {
  let handoff: TakeOver | null = null;
  try {
    // The hand-off's code loads only for `hotctl update` (receive() also clears the variable).
    if (process.env[HANDOFF_ENV] !== undefined) handoff = await (await import('./handoff/take.js')).TakeOver.receive();
    const daemon = await startDaemon({ home: resolveHome(), mode: 'daemon', handoff });
    const code = await daemon.done;
    // Every app has drained by now; exit even if a library left a handle open.
    process.exit(code);
  } catch (err) {
    const error = toHotctlError(err);
    process.stderr.write(`${isoNow()} hotctl[${process.pid}] cannot start: ${error.message} (${error.code})\nhint: ${error.hint}\n`);
    process.exitCode = error.exitCode;
    if (handoff) {
      // A failed hand-off leaves nothing behind: not even the channel to the running daemon.
      await handoff.fail(error.code, error.message);
      process.exit(error.exitCode);
    }
  }
}

void main();
