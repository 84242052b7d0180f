/**
 * The daemon's side of an app's log files: which files each worker's lines go to (cached per
 * spec), the check before a start or reload that every file can be written (else the command
 * fails with E_LOG_UNWRITABLE and nothing starts: lines are never silently dropped), closing a
 * deleted app's files, and `flush`, which empties only the files an app owns alone.
 */
import type { AppSpec } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import { allLogFilesOf, logFilesOf, type AppLogFiles, type LogPathContext } from '../logs/log-paths.js';
import type { AppLogs, LogStream, LogTargets, LogWriter } from '../logs/log-writer.js';
import { checkWritable, LogFileRefused } from '../logs/safe-open.js';
import { statSync } from 'node:fs';

export interface FlushResult {
  files: string[];
  skipped: Array<{ file: string; reason: string }>;
}

function allOf(files: AppLogFiles): string[] {
  return [...files.out, ...files.err, ...files.combined];
}

export class AppLogFilesRouter {
  private readonly targets = new WeakMap<AppSpec, Map<string, LogTargets>>();

  constructor(
    private readonly writer: LogWriter,
    private readonly ctx: LogPathContext,
  ) {}

  /** Where a line of worker `instance` on `stream` goes. */
  targetsFor(spec: AppSpec, instance: number, stream: LogStream): LogTargets {
    let bySpec = this.targets.get(spec);
    if (!bySpec) this.targets.set(spec, (bySpec = new Map()));
    const key = `${instance}:${stream}`;
    let targets = bySpec.get(key);
    if (!targets) {
      const files = logFilesOf(spec, this.ctx, instance);
      const own = stream === 'out' ? files.out : files.err;
      targets = {
        files: [own, files.combined].filter((p): p is string => p !== null),
        log_date_format: spec.log_date_format,
        log_max_size: spec.log_max_size,
        log_retain: spec.log_retain,
        log_type: spec.log_type,
      };
      bySpec.set(key, targets);
    }
    return targets;
  }

  filesOf(spec: AppSpec): AppLogFiles {
    return allLogFilesOf(spec, this.ctx);
  }

  /** What `tail` reads for an app: its out and error files, or its `log_file` when those are not stored. */
  tailSources(spec: AppSpec): AppLogs {
    const files = this.filesOf(spec);
    if (files.out.length === 0 && files.err.length === 0) return { app: spec.name, out: files.combined, err: [] };
    return { app: spec.name, out: files.out, err: files.err };
  }

  /**
   * Before a start or reload: every file of each spec can be opened for appending (parents
   * created, no link followed, not another user's in a shared directory). A file removed since
   * it was opened is opened again. Throws E_LOG_UNWRITABLE naming the app, file and reason.
   */
  check(specs: AppSpec[]): void {
    for (const spec of specs) {
      const files = allOf(this.filesOf(spec));
      for (const file of files) {
        try {
          checkWritable(file);
        } catch (err) {
          const reason = err instanceof LogFileRefused ? err.reason : (err as Error).message;
          throw new HotctlError('E_LOG_UNWRITABLE', `The log file ${file} of "${spec.name}" cannot be written: ${reason}.`, {
            details: { app: spec.name, file, reason, code: (err as NodeJS.ErrnoException).code ?? null },
          });
        }
      }
      this.writer.reopenIfReplaced(files);
    }
  }

  /** An app deleted: its files are closed (a later start creates them again if removed). */
  release(spec: AppSpec, others: AppSpec[]): void {
    const shared = new Set(others.filter((o) => o.name !== spec.name).flatMap((o) => allOf(this.filesOf(o))));
    this.writer.release(allOf(this.filesOf(spec)).filter((f) => !shared.has(f)));
  }

  /** Empties the files of `specs` that their app owns alone, among `all` the apps; says what was skipped and why. */
  flush(specs: AppSpec[], all: AppSpec[]): FlushResult {
    const owners = new Map<string, Set<string>>();
    for (const spec of all) for (const file of allOf(this.filesOf(spec))) owners.set(file, (owners.get(file) ?? new Set()).add(spec.name));
    const skipped: FlushResult['skipped'] = [];
    const toEmpty: string[] = [];
    const me = typeof process.geteuid === 'function' ? process.geteuid() : null;
    for (const spec of specs) {
      for (const file of allOf(this.filesOf(spec))) {
        if (toEmpty.includes(file) || skipped.some((s) => s.file === file)) continue;
        const others = [...(owners.get(file) ?? [])].filter((name) => name !== spec.name);
        if (others.length > 0) {
          skipped.push({ file, reason: `shared with ${others.map((n) => `"${n}"`).join(', ')}` });
          continue;
        }
        let uid: number | null = null;
        try {
          uid = statSync(file).uid;
        } catch {
          // Not there: nothing to empty.
        }
        if (uid !== null && me !== null && uid !== me) {
          skipped.push({ file, reason: `belongs to another user (uid ${uid})` });
          continue;
        }
        toEmpty.push(file);
      }
    }
    const files: string[] = [];
    for (const file of toEmpty) {
      try {
        files.push(...this.writer.flush([file]));
      } catch (err) {
        skipped.push({ file, reason: err instanceof LogFileRefused ? err.reason : (err as Error).message });
      }
    }
    return { files, skipped };
  }
}
