/**
 * Limits failed token attempts on the HTTP listener's actions, per remote address: after
 * {@link TOKEN_ATTEMPTS_PER_WINDOW} failures within {@link TOKEN_WINDOW_MS}, every action from
 * that address is answered 429 (with Retry-After) until the window ends. Pure: the clock is
 * passed in. The table is bounded; when full, the entry whose window began first goes.
 */
export const TOKEN_ATTEMPTS_PER_WINDOW = 10;
export const TOKEN_WINDOW_MS = 60_000;
/** Addresses remembered at most. */
export const TOKEN_TRACKED_ADDRESSES = 4096;

interface Entry {
  startMs: number;
  failures: number;
}

export class AttemptLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limit = TOKEN_ATTEMPTS_PER_WINDOW,
    private readonly windowMs = TOKEN_WINDOW_MS,
    private readonly maxAddresses = TOKEN_TRACKED_ADDRESSES,
  ) {}

  /** Seconds to wait before `address` may try again, or 0 when it may try now. */
  retryAfterSec(address: string): number {
    const entry = this.current(address);
    if (!entry || entry.failures < this.limit) return 0;
    return Math.max(1, Math.ceil((entry.startMs + this.windowMs - this.now()) / 1000));
  }

  /** Counts a wrong or missing token from `address`. */
  failed(address: string): void {
    let entry = this.current(address);
    if (!entry) {
      if (this.entries.size >= this.maxAddresses) this.entries.delete(this.entries.keys().next().value!);
      entry = { startMs: this.now(), failures: 0 };
      this.entries.set(address, entry);
    }
    entry.failures++;
  }

  private current(address: string): Entry | undefined {
    const entry = this.entries.get(address);
    if (entry && this.now() - entry.startMs >= this.windowMs) {
      this.entries.delete(address);
      return undefined;
    }
    return entry;
  }
}
