/** Helpers of the watch tests: temp trees, and a recorder of onChange batches with bounded waits. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppWatcher, type WatchOptions } from '../../../src/watch/app-watcher.js';

/** Every wait is bounded by this; a timeout fails the test with what was seen. */
export const WAIT_MS = 10_000;

export function tempTree(): string {
  return mkdtempSync(join(tmpdir(), 'hwatch-'));
}

export function write(root: string, rel: string, text = `${Date.now()} ${Math.random()}\n`): void {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

export function remove(root: string, rel: string): void {
  rmSync(join(root, rel), { recursive: true, force: true });
}

export interface Recorder {
  batches: string[][];
  errors: Error[];
  /** The next batch not returned yet; rejects after WAIT_MS. */
  next(): Promise<string[]>;
}

export function recorder(): Recorder & Pick<WatchOptions, 'onChange' | 'onError'> {
  const batches: string[][] = [];
  const errors: Error[] = [];
  let taken = 0;
  let wake: (() => void) | null = null;
  return {
    batches,
    errors,
    onChange(files) {
      batches.push(files);
      wake?.();
    },
    onError(err) {
      errors.push(err);
    },
    async next() {
      const deadline = Date.now() + WAIT_MS;
      while (batches.length <= taken) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no onChange within ${WAIT_MS} ms; batches so far: ${JSON.stringify(batches)}; errors: ${errors.map((e) => e.message).join('; ')}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      return batches[taken++]!;
    },
  };
}

/** Starts a watcher on `root`; closed and the tree removed at teardown. */
export async function watching(
  t: { teardown(fn: () => void): void },
  root: string,
  options: Partial<Omit<WatchOptions, 'root' | 'onChange' | 'onError'>> = {},
): Promise<{ watcher: AppWatcher; rec: ReturnType<typeof recorder> }> {
  const rec = recorder();
  const watcher = new AppWatcher({ root, paths: true, ignore: [], debounceMs: 50, ...options, onChange: rec.onChange, onError: rec.onError });
  t.teardown(() => {
    watcher.close();
    rmSync(root, { recursive: true, force: true });
  });
  await watcher.start();
  return { watcher, rec };
}

/**
 * Proves nothing more was reported for earlier changes: a sentinel file is written and the very
 * next batch must be exactly it (inotify delivers in order, so a stray report would come first
 * or share the sentinel's batch).
 */
export async function nothingElse(root: string, rec: Recorder, sentinel = 'sentinel.txt'): Promise<string[]> {
  write(root, sentinel);
  return rec.next();
}
