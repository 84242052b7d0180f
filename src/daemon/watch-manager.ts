/**
 * Watch mode in the daemon: one AppWatcher per app whose spec has `watch`, kept in step with
 * the specs (an app reloaded with another watch setting, stopped or deleted gets its watcher
 * replaced or closed). A change reloads the app with zero downtime; a change that breaks
 * start-up fails that reload and the last good revision keeps serving (status shows the failed
 * operation, the app's error log the new worker's output).
 */
import type { Supervisor } from '../cluster/supervisor.js';
import type { AppWatcher } from '../watch/app-watcher.js';

/** watch/ loads with the first app that watches: a daemon without one never loads it. */
let watcherClass: typeof AppWatcher | null = null;
let loading: Promise<unknown> | null = null;

interface Entry {
  key: string;
  watcher: AppWatcher;
  /** A watch reload is queued already: further changes ride along with it. */
  pending: boolean;
}

export class WatchManager {
  private readonly entries = new Map<string, Entry>();
  private syncQueued = false;
  private closed = false;

  constructor(
    private readonly apps: () => Supervisor[],
    private readonly log: (line: string) => void,
  ) {}

  /** Call after any change; the work is coalesced to once per turn. */
  changed(): void {
    if (this.syncQueued) return;
    this.syncQueued = true;
    setImmediate(() => {
      this.syncQueued = false;
      this.sync();
    });
  }

  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) entry.watcher.close();
    this.entries.clear();
  }

  private sync(): void {
    if (this.closed) return;
    const wanted = new Map<string, Supervisor>();
    for (const sup of this.apps()) if (sup.wanted === 'running' && sup.spec.watch !== false) wanted.set(sup.name, sup);
    for (const [name, entry] of this.entries) {
      const sup = wanted.get(name);
      if (!sup || keyOf(sup) !== entry.key) {
        entry.watcher.close();
        this.entries.delete(name);
      }
    }
    const missing = [...wanted].filter(([name]) => !this.entries.has(name));
    if (missing.length > 0 && !watcherClass) {
      loading ??= import('../watch/app-watcher.js').then((m) => (watcherClass = m.AppWatcher));
      loading.then(
        () => this.changed(),
        (err: Error) => this.log(`watch could not start: ${err.message}`),
      );
      return;
    }
    for (const [, sup] of missing) this.watch(sup, watcherClass!);
  }

  private watch(sup: Supervisor, Watcher: typeof AppWatcher): void {
    const spec = sup.spec;
    const entry: Entry = {
      key: keyOf(sup),
      pending: false,
      watcher: new Watcher({
        root: spec.cwd ?? process.cwd(),
        paths: spec.watch === true ? true : (spec.watch as string[]),
        ignore: spec.ignore_watch,
        debounceMs: spec.watch_delay,
        onChange: (files) => this.reload(sup, entry, files),
        onError: (err) => this.log(`watch ${sup.name}: ${err.message}`),
      }),
    };
    this.entries.set(sup.name, entry);
    entry.watcher.start().then(
      () => this.log(`watching ${sup.name}: ${entry.watcher.watchedDirs} directories`),
      (err: Error) => this.log(`watch ${sup.name} could not start: ${err.message}`),
    );
  }

  private reload(sup: Supervisor, entry: Entry, files: string[]): void {
    if (entry.pending) return;
    entry.pending = true;
    const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? ` and ${files.length - 5} more` : '');
    this.log(`watch ${sup.name}: ${shown} changed; reloading`);
    sup
      .begin('reload', { wait: true, reason: `watch: ${shown} changed` })
      .then((op) => {
        entry.pending = false;
        return op.finished;
      })
      .then(
        (op) => op.state === 'failed' && this.log(`watch ${sup.name}: reload failed (${op.error?.message ?? 'unknown'}); the last good revision keeps serving`),
        (err: Error) => {
          entry.pending = false;
          this.log(`watch ${sup.name}: reload refused: ${err.message}`);
        },
      );
  }
}

function keyOf(sup: Supervisor): string {
  const s = sup.spec;
  return JSON.stringify([s.cwd, s.watch, s.ignore_watch, s.watch_delay]);
}
