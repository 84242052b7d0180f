/**
 * Writes workers' output to per-app files, one line at a time, each stamped with time, worker
 * and revision: `2026-11-23T10:00:00.000Z [api#3 r2] listening on 3000`.
 *
 * Files: `out_file` / `error_file` when the app sets them, else HOTCTL_HOME/logs/<app>-out.log
 * and <app>-error.log.
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
import { closeSync, fstatSync, openSync, readdirSync, renameSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LogEvent } from '../protocol/events.js';
import { formatStamp } from './date-format.js';
import { readLastLines } from './tail.js';

export type LogStream = 'out' | 'err';

export interface LogLine {
  app: string;
  workerId: number;
  revision: number;
  stream: LogStream;
  text: string;
  atMs: number;
}

export interface LogTargets {
  out_file?: string;
  error_file?: string;
  log_date_format?: string;
  log_max_size?: number;
  log_retain?: number;
}

export interface AppLogs {
  app: string;
  targets: LogTargets;
}

/** Time between two attempts to write to a file that failed. */
export const RETRY_MS = 1000;

export function formatLogLine(line: LogLine, dateFormat?: string): string {
  return `${formatStamp(line.atMs, dateFormat)} [${line.app}#${line.workerId} r${line.revision}] ${line.text}\n`;
}

const STAMPED = /^(.*?) \[([A-Za-z0-9._-]+)#(\d+) r(\d+)\] (.*)$/;

/** Reads a stamped line back; a line not in that form (written by something else) is kept as text. */
export function parseLogLine(raw: string, app: string, stream: LogStream): LogEvent {
  const m = STAMPED.exec(raw);
  if (!m) return { kind: 'log', at: '', app, worker_id: -1, revision: 0, stream, text: raw };
  return { kind: 'log', at: m[1]!, app: m[2]!, worker_id: Number(m[3]), revision: Number(m[4]), stream, text: m[5]! };
}

export function defaultLogPath(logsDir: string, app: string, stream: LogStream): string {
  return join(logsDir, `${app}-${stream === 'out' ? 'out' : 'error'}.log`);
}

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

  constructor(
    private readonly logsDir: string,
    hooks: LogWriterHooks | ((path: string, err: Error) => void),
  ) {
    this.hooks = typeof hooks === 'function' ? { onError: hooks } : hooks;
  }

  pathFor(app: string, targets: LogTargets, stream: LogStream): string {
    const custom = stream === 'out' ? targets.out_file : targets.error_file;
    return custom ?? defaultLogPath(this.logsDir, app, stream);
  }

  write(line: LogLine, targets: LogTargets): void {
    const path = this.pathFor(line.app, targets, line.stream);
    let file = this.files.get(path);
    if (!file) {
      file = { path, fd: null, size: 0, queue: [], maxSize: 0, retain: 0, dropped: 0, failedAtMs: null };
      this.files.set(path, file);
    }
    file.maxSize = targets.log_max_size ?? 0;
    file.retain = targets.log_retain ?? 5;
    file.queue.push(formatLogLine(line, targets.log_date_format));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
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
    for (const { app, targets } of apps) {
      for (const stream of streams) {
        const path = this.pathFor(app, targets, stream);
        files.push(path);
        let raw = readLastLines(path, options.lines);
        if (raw.length < options.lines) raw = [...readLastLines(rotatedPath(path, 1), options.lines - raw.length), ...raw];
        for (const line of raw) found.push({ event: parseLogLine(line, app, stream), order: order++ });
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

  /** Empties the apps' log files and deletes their rotated files; returns the files emptied. */
  flush(apps: AppLogs[]): string[] {
    this.drain();
    const emptied: string[] = [];
    for (const { app, targets } of apps) {
      for (const stream of ['out', 'err'] as const) {
        const path = this.pathFor(app, targets, stream);
        const open = this.files.get(path);
        try {
          truncateSync(path, 0);
          emptied.push(path);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        if (open) open.size = 0;
        for (const rotated of rotatedFiles(path)) rmSync(rotated, { force: true });
      }
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
    file.fd = openSync(file.path, 'a', 0o600);
    file.size = fstatSync(file.fd).size;
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

  /** path → path.1, path.1 → path.2 …, the oldest beyond `retain` deleted; then a new, empty path. */
  private rotate(file: OpenFile): void {
    this.closeFile(file);
    if (file.retain === 0) {
      truncateSync(file.path, 0);
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
