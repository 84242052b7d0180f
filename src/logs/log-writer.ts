/**
 * Writes workers' output to per-app files, one line at a time, each stamped with time, worker
 * and revision: `2026-11-23T10:00:00.000Z [api#3 r2] listening on 3000`.
 *
 * Files: `out_file` / `error_file` when the app sets them, else HOTCTL_HOME/logs/<app>-out.log
 * and <app>-error.log. A file that cannot be written (disk full, no permission) is reported once
 * through `onError`; the app keeps running.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

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
}

export function formatLogLine(line: LogLine): string {
  return `${new Date(line.atMs).toISOString()} [${line.app}#${line.workerId} r${line.revision}] ${line.text}\n`;
}

export function defaultLogPath(logsDir: string, app: string, stream: LogStream): string {
  return join(logsDir, `${app}-${stream === 'out' ? 'out' : 'error'}.log`);
}

export class LogWriter {
  private readonly files = new Map<string, WriteStream>();
  private readonly failed = new Set<string>();

  constructor(
    private readonly logsDir: string,
    private readonly onError: (path: string, err: Error) => void,
  ) {}

  pathFor(app: string, targets: LogTargets, stream: LogStream): string {
    const custom = stream === 'out' ? targets.out_file : targets.error_file;
    return custom ?? defaultLogPath(this.logsDir, app, stream);
  }

  write(line: LogLine, targets: LogTargets): void {
    this.file(this.pathFor(line.app, targets, line.stream)).write(formatLogLine(line));
  }

  /** Flushes and closes every file. */
  async close(): Promise<void> {
    const closing = [...this.files.values()].map((s) => new Promise<void>((resolve) => s.end(resolve)));
    this.files.clear();
    await Promise.all(closing);
  }

  private file(path: string): WriteStream {
    let stream = this.files.get(path);
    if (!stream) {
      stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
      stream.on('error', (err) => {
        this.files.delete(path);
        if (!this.failed.has(path)) this.onError(path, err);
        this.failed.add(path);
      });
      stream.on('open', () => this.failed.delete(path));
      this.files.set(path, stream);
    }
    return stream;
  }
}
