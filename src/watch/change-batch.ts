/**
 * Debounce of watch events: changed paths are collected, and flushed as one batch once no new
 * change came for `debounceMs`. A steady stream of changes (a build writing for seconds) is
 * flushed at the latest `maxWaitMs` after its first change, so it cannot postpone a reload
 * forever. While nothing changes there is no timer at all.
 */
export class ChangeBatch {
  private readonly paths = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private firstMs = 0;

  constructor(
    private readonly debounceMs: number,
    private readonly maxWaitMs: number,
    private readonly flush: (paths: string[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Paths waiting for the next flush. */
  get pending(): number {
    return this.paths.size;
  }

  add(path: string): void {
    if (this.paths.size === 0) this.firstMs = this.now();
    this.paths.add(path);
    const wait = Math.max(0, Math.min(this.debounceMs, this.firstMs + this.maxWaitMs - this.now()));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), wait);
  }

  /** Drops what is pending; no flush follows. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.paths.clear();
  }

  private fire(): void {
    this.timer = null;
    const paths = [...this.paths].sort();
    this.paths.clear();
    if (paths.length > 0) this.flush(paths);
  }
}
