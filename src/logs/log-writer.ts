/**
 * Writes workers' output to per-app files, one line at a time, each stamped with time, worker
 * and revision: `2026-11-23T10:00:00.000Z [api#3 r2] listening on 3000`.
 *
 * Which files a line goes to is decided by the caller (log-paths.ts: out or error file, plus
 * `log_file`); files are opened without following links (safe-open.ts). With `log_type: "json"`
 * each line is a JSON object, as PM2 writes it.
 *
 * Lines are queued per file and written together once per turn of the event loop, whole lines
 * only, so a rotation (by size: `log_max_size`, keeping `log_retain` old files) never splits a
 * line and never loses one: the queue is written to the new file after the rename.
 *
 * A file that cannot be written (disk full, no permission, directory gone) is reported once
 * through `onError`; the app keeps running, the lines of that moment are counted as dropped,
 * and writing is tried again (the file reopened) at most once per {@link RETRY_MS} until it
 * works, when `onResume` says how many lines were lost.
 */
import { closeSync, fstatSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LogEvent } from '../protocol/events.js';
import { formatLogLine, parseLogLine, type LogLine, type LogStream } from './log-line.js';
import { inodeAt, openForAppend, truncateSafely } from './safe-open.js';
import { readLastLines } from './tail.js';

export { formatLogLine, parseLogLine, type LogLine, type LogStream } from './log-line.js';

/** Where one line goes, and how it is written. */
export interface LogTargets {
  /** The files (stream file, `log_file`); empty: the line is not stored. */
  files: string[];
  log_date_format?: string;
  log_max_size?: number;
  log_retain?: number;
  log_type?: string;
}

/** The files `tail` reads for one app. */
export interface AppLogs {
  app: string;
  out: string[];
  err: string[];
}

/** Time between two attempts to write to a file that failed. */
export const RETRY_MS = 1000;

/** The rotated files of `path`: path.1 (newest) … path.N. */
export function rotatedPath(path: string, n: number): string {
  return `${path}.${n}`;
}

/** The rotated files of `path` that exist (path.1, path.2 …), whatever log_retain was when they were made. */
function rotatedFiles(path: string): string[] {
  const base = basename(path);
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  return names.filter((name) => name.startsWith(`${base}.`) && /^\d+$/.test(name.slice(base.length + 1))).map((name) => join(dirname(path), name));
}

interface OpenFile {
  path: string;
  fd: number | null;
  /** The inode opened, to see that the file was removed or replaced since. */
  ino: number | null;
  size: number;
  queue: string[];
  maxSize: number;
  retain: number;
  /** Lines dropped since the last failure, reported when writing works again. */
  dropped: number;
  failedAtMs: number | null;
}

export interface LogWriterHooks {
  onError: (path: string, err: Error) => void;
  onResume?: (path: string, droppedLines: number) => void;
  now?: () => number;
}

export class LogWriter {
  private readonly files = new Map<string, OpenFile>();
  private scheduled = false;
  private readonly hooks: LogWriterHooks;

  constructor(hooks: LogWriterHooks | ((path: string, err: Error) => void)) {
    this.hooks = typeof hooks === 'function' ? { onError: hooks } : hooks;
  }

  write(line: LogLine, targets: LogTargets): void {
    if (targets.files.length === 0) return;
    const text = formatLogLine(line, targets.log_date_format, targets.log_type);
    for (const path of targets.files) {
      let file = this.files.get(path);
      if (!file) {
        file = { path, fd: null, ino: null, size: 0, queue: [], maxSize: 0, retain: 0, dropped: 0, failedAtMs: null };
        this.files.set(path, file);
      }
      file.maxSize = targets.log_max_size ?? 0;
      file.retain = targets.log_retain ?? 5;
      file.queue.push(text);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /**
   * Closes the files of `paths` that were removed or replaced since they were opened (a deleted
   * app's file `rm`-ed by hand), so the next line creates the file again.
   */
  reopenIfReplaced(paths: string[]): void {
    this.drain();
    for (const path of paths) {
      const file = this.files.get(path);
      if (file && file.fd !== null && inodeAt(path) !== file.ino) this.closeFile(file);
    }
  }

  /** Writes what is queued for `paths` and closes them (an app deleted); the next line reopens. */
  release(paths: string[]): void {
    this.drain();
    for (const path of paths) {
      const file = this.files.get(path);
      if (!file) continue;
      this.closeFile(file);
      this.files.delete(path);
    }
  }

  /** Writes every queued line now. */
  drain(): void {
    this.scheduled = false;
    for (const file of this.files.values()) {
      if (file.queue.length > 0) this.writeQueue(file);
    }
  }

  /**
   * The last `lines` lines of the apps' files (both streams unless one is named), oldest first,
   * merged by time stamp, with the files read.
   */
  tail(apps: AppLogs[], options: { lines: number; stream?: LogStream }): { lines: LogEvent[]; files: string[] } {
    this.drain();
    const streams: LogStream[] = options.stream ? [options.stream] : ['out', 'err'];
    const found: Array<{ event: LogEvent; order: number }> = [];
    const files: string[] = [];
    let order = 0;
    for (const app of apps) {
      for (const stream of streams) {
        for (const path of app[stream]) {
          files.push(path);
          let raw = readLastLines(path, options.lines);
          if (raw.length < options.lines) raw = [...readLastLines(rotatedPath(path, 1), options.lines - raw.length), ...raw];
          for (const line of raw) found.push({ event: parseLogLine(line, app.app, stream), order: order++ });
        }
      }
    }
    const time = (e: LogEvent) => {
      const t = Date.parse(e.at);
      return Number.isNaN(t) ? null : t;
    };
    found.sort((a, b) => {
      const ta = time(a.event);
      const tb = time(b.event);
      if (ta !== null && tb !== null && ta !== tb) return ta - tb;
      return a.order - b.order;
    });
    return { lines: found.slice(Math.max(0, found.length - options.lines)).map((f) => f.event), files };
  }

  /**
   * Empties `paths` and deletes their rotated files, never following a link; returns the files
   * emptied. Which files an app may empty (its own, not shared) is the caller's decision.
   */
  flush(paths: string[]): string[] {
    this.drain();
    const emptied: string[] = [];
    for (const path of paths) {
      if (truncateSafely(path)) emptied.push(path);
      const open = this.files.get(path);
      if (open) open.size = 0;
      for (const rotated of rotatedFiles(path)) rmSync(rotated, { force: true });
    }
    return emptied;
  }

  /** Writes what is queued and closes every file. */
  async close(): Promise<void> {
    this.drain();
    for (const file of this.files.values()) this.closeFile(file);
    this.files.clear();
  }

  private writeQueue(file: OpenFile): void {
    const now = (this.hooks.now ?? Date.now)();
    if (file.failedAtMs !== null && now - file.failedAtMs < RETRY_MS) {
      file.dropped += file.queue.length;
      file.queue = [];
      return;
    }
    try {
      if (file.fd === null) this.openFile(file);
      while (file.queue.length > 0) {
        // Whole lines up to the size limit go to this file; the rest after a rotation.
        let bytes = 0;
        let count = 0;
        for (const line of file.queue) {
          const len = Buffer.byteLength(line);
          if (file.maxSize > 0 && count > 0 && file.size + bytes + len > file.maxSize) break;
          bytes += len;
          count++;
        }
        if (file.maxSize > 0 && file.size > 0 && file.size + bytes > file.maxSize) {
          this.rotate(file);
          continue;
        }
        const chunk = Buffer.from(file.queue.slice(0, count).join(''));
        let offset = 0;
        while (offset < chunk.length) offset += writeSync(file.fd!, chunk, offset);
        file.queue.splice(0, count);
        file.size += chunk.length;
      }
      if (file.failedAtMs !== null) {
        const dropped = file.dropped;
        file.failedAtMs = null;
        file.dropped = 0;
        this.hooks.onResume?.(file.path, dropped);
      }
    } catch (err) {
      file.dropped += file.queue.length;
      file.queue = [];
      this.closeFile(file);
      if (file.failedAtMs === null) this.hooks.onError(file.path, err as Error);
      file.failedAtMs = now;
    }
  }

  private openFile(file: OpenFile): void {
    file.fd = openForAppend(file.path);
    const st = fstatSync(file.fd);
    file.size = st.size;
    file.ino = st.ino;
  }

  private closeFile(file: OpenFile): void {
    if (file.fd === null) return;
    try {
      closeSync(file.fd);
    } catch {
      // Already unusable: nothing more to release.
    }
    file.fd = null;
  }

  /** path -> path.1, path.1 -> path.2 ..., the oldest beyond `retain` deleted; then a new, empty path. */
  private rotate(file: OpenFile): void {
    this.closeFile(file);
    if (file.retain === 0) {
      truncateSafely(file.path);
    } else {
      rmSync(rotatedPath(file.path, file.retain), { force: true });
      for (let n = file.retain - 1; n >= 1; n--) {
        try {
          renameSync(rotatedPath(file.path, n), rotatedPath(file.path, n + 1));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
      renameSync(file.path, rotatedPath(file.path, 1));
    }
    this.openFile(file);
  }
}
