/**
 * The daemon's own log. In the background it goes to HOTCTL_HOME/daemon.log (its stderr); a
 * log that cannot be written (disk full: ENOSPC, a closed pipe: EPIPE) must never take the
 * daemon — and every app with it — down. Lines that could not be written are counted, said
 * once writing works again, and reported meanwhile as a notice.
 */
import { writeSync } from 'node:fs';
import type { DaemonMode } from '../protocol/index.js';
import { isoNow } from '../platform/iso-time.js';

/** The listeners on stdout/stderr are added once per process; they report to the latest log. */
let guarded = false;
let current: DaemonLog | null = null;

export class DaemonLog {
  private lost = 0;
  private lastError: string | null = null;

  constructor(private readonly mode: DaemonMode) {
    // Unhandled, an 'error' on stdout/stderr (EPIPE of a closed terminal, ENOSPC) would end the process.
    current = this;
    if (!guarded) {
      guarded = true;
      for (const stream of [process.stdout, process.stderr]) stream.on('error', (err: Error) => current?.failed(err));
    }
  }

  readonly line = (text: string): void => {
    const stamped = `${isoNow()} hotctl[${process.pid}] ${text}\n`;
    if (this.mode === 'run') {
      // A terminal or a pipe: the stream queues; its errors arrive on the listener above.
      process.stderr.write(stamped);
      return;
    }
    try {
      const note = this.lost > 0 ? `${isoNow()} hotctl[${process.pid}] ${this.lost} daemon log line(s) could not be written (${this.lastError})\n` : '';
      writeSync(2, note + stamped);
      this.lost = 0;
      this.lastError = null;
    } catch (err) {
      this.failed(err as Error);
    }
  };

  /** A notice for status while lines are being lost, else null. */
  notice(): string | null {
    return this.lost === 0 ? null : `The daemon log cannot be written (${this.lastError}): ${this.lost} line(s) lost so far. The apps keep running.`;
  }

  failed(err: Error): void {
    this.lost++;
    this.lastError = (err as NodeJS.ErrnoException).code ?? err.message;
  }
}
