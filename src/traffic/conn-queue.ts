/**
 * Connections waiting for a routable worker: a bounded FIFO with a deadline per entry. Past
 * the bound a new arrival is closed at once; past the deadline the oldest are closed. Both
 * are counted as dropped. One timer, armed for the head's deadline.
 */

export interface RawConnection {
  close(cb?: () => void): void;
}

export interface QueueLimits {
  /** Connections that may wait at once. */
  max: number;
  /** How long one may wait (ms). */
  timeoutMs: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = { max: 1024, timeoutMs: 30_000 };

interface Entry<H> {
  handle: H;
  atMs: number;
}

export class ConnQueue<H extends RawConnection> {
  private readonly entries: Entry<H>[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  dropped = 0;

  constructor(
    private readonly limits: QueueLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Queues `handle`, or closes it when the queue is full (false). */
  push(handle: H): boolean {
    if (this.size >= this.limits.max) {
      this.drop(handle);
      return false;
    }
    this.entries.push({ handle, atMs: this.now() });
    this.arm();
    return true;
  }

  /** The oldest waiting connection and how long it waited, or null. */
  shift(): { handle: H; waitedMs: number } | null {
    if (this.size === 0) return null;
    const entry = this.entries[this.head]!;
    this.entries[this.head++] = undefined as never;
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
    if (this.size === 0) this.disarm();
    return { handle: entry.handle, waitedMs: this.now() - entry.atMs };
  }

  /** Closes every waiting connection (the socket closes); they do not count as dropped. */
  closeAll(): void {
    this.disarm();
    for (let e = this.shift(); e !== null; e = this.shift()) safeClose(e.handle);
  }

  private drop(handle: H): void {
    this.dropped++;
    safeClose(handle);
  }

  private arm(): void {
    if (this.timer !== null || this.size === 0) return;
    const head = this.entries[this.head]!;
    this.timer = setTimeout(() => this.expire(), Math.max(0, head.atMs + this.limits.timeoutMs - this.now()));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private expire(): void {
    this.timer = null;
    const limit = this.now() - this.limits.timeoutMs;
    while (this.size > 0 && this.entries[this.head]!.atMs <= limit) this.drop(this.shift()!.handle);
    this.arm();
  }
}

export function safeClose(handle: RawConnection): void {
  try {
    handle.close();
  } catch {
    // already closed
  }
}
