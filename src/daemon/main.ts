/**
 * Entry of the background daemon, started detached by the CLI (`node dist/src/daemon/main.js`),
 * its stdout and stderr appended to HOTCTL_HOME/daemon.log.
 */
import { resolveHome, toHotctlError } from '../protocol/index.js';
import { startDaemon } from './daemon.js';

try {
  const daemon = await startDaemon({ home: resolveHome(), mode: 'daemon' });
  const code = await daemon.done;
  // Every app has drained by now; exit even if a library left a handle open.
  process.exit(code);
} catch (err) {
  const error = toHotctlError(err);
  process.stderr.write(`${new Date().toISOString()} hotctl[${process.pid}] cannot start: ${error.message} (${error.code})\nhint: ${error.hint}\n`);
  process.exitCode = error.exitCode;
}
