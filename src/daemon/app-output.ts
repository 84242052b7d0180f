/**
 * Where the apps' output goes: each worker's lines to the log files its own revision's spec
 * names, to `logs` subscribers through the event bus, and, under `hotctl run`, to this
 * process's stdout/stderr. A log file that cannot be written is a notice in status until
 * writing works again.
 */
import { homedir } from 'node:os';
import type { AppSpec, DaemonMode, LogStream } from '../protocol/index.js';
import type { Supervisor } from '../cluster/supervisor.js';
import type { ManagedWorker } from '../cluster/worker-state.js';
import { formatLogLine, LogWriter } from '../logs/log-writer.js';
import { AppLogFilesRouter } from './app-log-files.js';
import type { EventBus } from './event-bus.js';
import { isoTime } from '../platform/iso-time.js';

export interface AppOutputOptions {
  logsDir: string;
  /** `run`: lines are echoed to stdout/stderr as well. */
  mode: DaemonMode;
  bus: EventBus;
  /** The app's supervisor, while it is known. */
  find(app: string): Supervisor | undefined;
  log(line: string): void;
}

export class AppOutput {
  readonly logs: LogWriter;
  readonly files: AppLogFilesRouter;
  /** log file -> notice, while it cannot be written. */
  private readonly failing = new Map<string, string>();
  /** The spec each app's lines were last written with: a worker's last line may arrive after its app was deleted. */
  private readonly lastSpec = new Map<string, AppSpec>();

  constructor(private readonly o: AppOutputOptions) {
    this.logs = new LogWriter({
      onError: (path, err) => {
        const notice = `Cannot write log file ${path}: ${err.message}. The apps keep running; their lines are not stored until it can be written again (tried every second).`;
        this.failing.set(path, notice);
        o.log(notice);
        o.bus.statusChanged();
      },
      onResume: (path, dropped) => {
        this.failing.delete(path);
        o.log(`log file ${path} is writable again; ${dropped} line(s) could not be stored meanwhile`);
        o.bus.statusChanged();
      },
    });
    this.files = new AppLogFilesRouter(this.logs, { logsDir: o.logsDir, homeDir: homedir() });
  }

  notices(): string[] {
    return [...this.failing.values()];
  }

  /** One line of a worker's output. */
  write(worker: ManagedWorker, stream: LogStream, text: string): void {
    const sup = this.o.find(worker.app);
    const line = { app: worker.app, workerId: worker.id, revision: worker.revision, stream, text, atMs: Date.now() };
    // A worker's lines go where its own revision's spec says (a reload may move the files).
    const spec = sup ? (sup.pool.revisionOf(worker)?.spec ?? sup.spec) : this.lastSpec.get(worker.app);
    if (spec) {
      this.lastSpec.set(worker.app, spec);
      this.logs.write(line, this.files.targetsFor(spec, worker.instance, stream));
    }
    if (this.o.bus.wants('logs')) {
      this.o.bus.publish({ kind: 'log', at: isoTime(line.atMs), app: line.app, worker_id: line.workerId, revision: line.revision, stream, text });
    }
    if (this.o.mode === 'run') (stream === 'out' ? process.stdout : process.stderr).write(formatLogLine(line, sup?.spec.log_date_format));
  }
}
