/**
 * The daemon's state kept durable: every change written (coalesced, state-store.ts), and a
 * state that cannot be made durable a notice in status until a retry succeeds. The end of an
 * operation is where its result is known written or not: the file replaced at once (said in its
 * steps when it cannot be), fsynced right after its answer (see `settle`).
 */
import type { DaemonEvent, OperationEvent } from '../protocol/index.js';
import { isTerminalOperationState } from '../protocol/index.js';
import { StateWriter, type StateFile } from './state-store.js';
import { isoNow } from '../platform/iso-time.js';

/** Changes are written this long after the first of a burst. */
export const STATE_WRITE_DELAY_MS = 50;

function ended(event: DaemonEvent): event is OperationEvent {
  return event.kind === 'operation' && isTerminalOperationState(event.operation.state);
}

export class DurableState {
  /** Set while the state on disk is not the latest. */
  notice: string | null = null;
  private readonly writer: StateWriter;

  constructor(file: string, snapshot: () => StateFile, log: (line: string) => void, noticeChanged: () => void) {
    this.writer = new StateWriter(
      file,
      snapshot,
      (err) => {
        this.notice = `Cannot write ${file}: ${err.message}. The apps run as asked, but the state is only in memory: a daemon killed now would come back at the state on disk. Retried every second.`;
        log(this.notice);
        noticeChanged();
      },
      STATE_WRITE_DELAY_MS,
      () => {
        this.notice = null;
        log(`${file} is written again: the state on disk is the latest`);
        noticeChanged();
      },
    );
  }

  /**
   * `hotctl update`: a daemon that does not (yet, or any more) own the state writes nothing: the
   * new one until it has taken over, the old one once it has handed over (handoff/).
   */
  set frozen(value: boolean) {
    this.writer.frozen = value;
  }

  get frozen(): boolean {
    return this.writer.frozen;
  }

  changed(): void {
    this.writer.changed();
  }

  /** Writes now; true when the state on disk is the latest. */
  flush(): boolean {
    return this.writer.flush();
  }

  stop(): void {
    this.writer.stop();
  }

  /**
   * An operation that ended, before its event is published: the state file replaced now, and a
   * warning added to its steps when it could not be. The fsync waits for `settled`, after the
   * event went out (the answer does not wait for the disk: ~3-20 ms here, bench/RESULTS.md
   * section 22). A daemon that dies between the two (kill -9, a crash) reads the new state
   * when it starts again: the file was replaced (the page cache is the file system's, not the
   * process's). Only a power loss or kernel crash within those milliseconds can find the disk
   * without it: the previous state file then, on file systems that commit a replacing rename
   * after the new file's data (ext4's default auto_da_alloc, btrfs).
   */
  settle(event: DaemonEvent): void {
    if (!ended(event)) return;
    if (this.writer.flush({ fsync: false })) return;
    const message = `warning: ${this.notice ?? 'the state could not be written to disk'}`;
    event.operation.steps.push({ at: isoNow(), message, elapsed_ms: event.operation.duration_ms });
  }

  /** After the event `settle` saw was published: its state made durable (on the next turn, once the event is written to the sockets). */
  settled(event: DaemonEvent): void {
    if (ended(event)) setImmediate(() => this.writer.sync());
  }
}
