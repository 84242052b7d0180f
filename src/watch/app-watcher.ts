/**
 * Watch mode: one AppWatcher per app, reporting changed files (debounced) so the daemon can
 * reload the app.
 *
 * No polling and no scanning on a timer: one non-recursive `fs.watch` per directory (one
 * inotify watch on Linux), ignored subtrees (node_modules, dot-folders, `ignore_watch`) never
 * entered, so they cost nothing. Directories created later get a watch of their own, removed
 * ones lose theirs. While nothing changes, nothing runs: no timer, no stat.
 *
 * ```
 * fs.watch(dir) ──event(name)──► is dir still ours? (inode) ── no ──► drop its subtree
 *                                  │ yes
 *                                  ▼
 *                   ignored? ─yes─► nothing
 *                                  │ no
 *             new directory ◄──────┼──────► file (changed, created or removed)
 *         watch it, walk it,       │                 │
 *         its files changed        ▼                 ▼
 *                       ChangeBatch (debounceMs) ──► onChange([relative paths])
 * ```
 *
 * Why not `fs.watch(root, { recursive: true })`: on Linux (Node 20) it is emulated in
 * JavaScript over the whole tree, node_modules included, with no way to leave a subtree out.
 *
 * Limits: a path listed in `paths` that is removed and made again later is not seen again
 * unless its parent directory is watched too; symbolic links to directories are not followed
 * below the listed paths (a listed path may itself be a link). What is ignored, and how
 * `ignore` entries are read: see ignore-rules.ts.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { ChangeBatch } from './change-batch.js';
import { dropTree, statOf, type DirWatch } from './dir-watch.js';
import { compileIgnore, type IgnoreRules } from './ignore-rules.js';

export interface WatchOptions {
  /** The app's cwd: `paths` and `ignore` are relative to it, and so are reported files. */
  root: string;
  /** `true`: the whole root. A list: those files or directories (relative to root). */
  paths: string[] | true;
  /** `ignore_watch` entries (names, relative paths, simple globs; see ignore-rules.ts). */
  ignore: string[];
  /** `watch_delay`: changes within this many ms of each other are reported together. */
  debounceMs: number;
  /** The distinct changed files (created, modified or removed), relative to root with `/`, sorted. */
  onChange(files: string[]): void;
  /** A directory that could not be watched, a watcher that failed, or onChange throwing. */
  onError?(err: Error): void;
}

type WatcherState = 'new' | 'watching' | 'closed';

/** How long a steady stream of changes may postpone its report, at most. */
function maxWaitFor(debounceMs: number): number {
  return Math.max(1000, debounceMs * 10);
}

export class AppWatcher {
  private readonly root: string;
  private readonly dirs = new Map<string, DirWatch>();
  private readonly rules: IgnoreRules;
  private readonly batch: ChangeBatch;
  private state: WatcherState = 'new';
  private reportedLimit = false;

  constructor(private readonly o: WatchOptions) {
    this.root = resolve(o.root);
    this.rules = compileIgnore(o.ignore, this.root);
    this.batch = new ChangeBatch(Math.max(0, o.debounceMs), maxWaitFor(o.debounceMs), (files) => this.report(files));
  }

  /** How many directories have a watch (one inotify watch each on Linux). */
  get watchedDirs(): number {
    return this.dirs.size;
  }

  /** Walks the watched paths and sets the watches; resolves once every directory is watched. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`AppWatcher.start: the watcher is ${this.state}`);
    this.state = 'watching';
    const targets = this.o.paths === true ? [this.root] : [...new Set(this.o.paths.map((p) => resolve(this.root, p)))];
    for (const target of targets) {
      if (this.state !== 'watching') return;
      await this.addTarget(target);
    }
  }

  /** Closes every watch and drops pending changes; nothing is reported after. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.batch.cancel();
    for (const entry of this.dirs.values()) entry.watcher.close();
    this.dirs.clear();
  }

  private async addTarget(target: string): Promise<void> {
    if (statOf(target, true)?.isDirectory()) {
      await this.addTree(target, true);
      return;
    }
    // A file, or a path not there yet: its directory is watched for that one name, so an
    // editor's atomic save (write elsewhere, rename over) is seen, and so is its creation.
    const parent = dirname(target);
    if (!statOf(parent, true)?.isDirectory()) {
      this.fail(new Error(`watch: ${this.rel(target)} cannot be watched: ${this.rel(parent)} is not a directory`));
      return;
    }
    this.watchDir(parent, { tree: false, name: basename(target), listed: false });
  }

  /**
   * Watches `top` and every directory below it that is not ignored; returns the files found
   * (relative), which the caller reports when the tree is new.
   */
  private async addTree(top: string, listed: boolean): Promise<string[]> {
    const files: string[] = [];
    const stack = [top];
    while (stack.length > 0 && this.state === 'watching') {
      const dir = stack.pop()!;
      // Watch before listing: an entry made meanwhile is seen by one or the other.
      if (this.watchDir(dir, { tree: true, listed: listed && dir === top }) !== 'walk') continue;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        this.dropTree(dir);
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.fail(err as Error);
        continue;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        const isDir = entry.isDirectory();
        if (this.rules.ignores(entry.name, this.rel(full), isDir)) {
          if (isDir) this.dirs.get(dir)?.skipped.add(entry.name);
          continue;
        }
        if (isDir) stack.push(full);
        else files.push(this.rel(full));
      }
    }
    return files;
  }

  /** Sets (or widens) the watch of one directory. `walk`: its entries must be listed now. */
  private watchDir(dir: string, what: { tree: boolean; name?: string; listed: boolean }): 'walk' | 'kept' | 'failed' {
    const existing = this.dirs.get(dir);
    if (existing) {
      if (what.name !== undefined) existing.names.add(what.name);
      existing.listed ||= what.listed;
      if (!what.tree || existing.tree) return 'kept';
      existing.tree = true;
      return 'walk';
    }
    const stats = statOf(dir, true);
    if (!stats?.isDirectory()) return 'failed';
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (event, name) => this.onEvent(dir, watcher, event, name === null ? null : String(name)));
    } catch (err) {
      this.fail(err as Error, dir);
      return 'failed';
    }
    watcher.on('error', (err) => {
      this.dropTree(dir);
      this.fail(err, dir);
    });
    const names = new Set(what.name === undefined ? [] : [what.name]);
    this.dirs.set(dir, { watcher, dev: stats.dev, ino: stats.ino, tree: what.tree, names, listed: what.listed, skipped: new Set() });
    return what.tree ? 'walk' : 'kept';
  }

  private onEvent(dir: string, from: FSWatcher, event: string, name: string | null): void {
    const entry = this.dirs.get(dir);
    // Only the current watch of the directory speaks for it (not one dropped meanwhile).
    if (this.state !== 'watching' || entry?.watcher !== from) return;
    // The directory itself removed, moved away or replaced: its watch is dead. libuv names the
    // watched directory itself in such events (inotify's *_SELF); the inode alone cannot tell,
    // as a directory made again at once often gets the same inode number back.
    const self = statOf(dir, true);
    const selfGone = event === 'rename' && name === basename(dir) && statOf(join(dir, name), false) === null;
    if (selfGone || !self?.isDirectory() || self.ino !== entry.ino || self.dev !== entry.dev) {
      this.dropTree(dir);
      if (self?.isDirectory()) this.rewatch(dir, entry);
      else if (entry.listed) this.batch.add(this.rel(dir));
      return;
    }
    if (name === null) {
      // The platform did not say which entry: treat the directory as changed and walk it again.
      this.batch.add(this.rel(dir));
      if (entry.tree) void this.addNewTree(dir, entry.listed);
      return;
    }
    const isListed = entry.names.has(name);
    if (!entry.tree && !isListed) return;
    const full = join(dir, name);
    const rel = this.rel(full);
    const stats = statOf(full, isListed);
    const watched = this.dirs.get(full);
    if (!isListed) {
      // A removed entry is a directory if it was one when we saw it.
      const isDir = stats ? stats.isDirectory() : watched !== undefined || entry.skipped.has(name);
      if (this.rules.ignores(name, rel, isDir)) {
        if (stats && isDir) entry.skipped.add(name);
        else if (!stats) entry.skipped.delete(name);
        return;
      }
    }
    if (watched && (!stats?.isDirectory() || stats.ino !== watched.ino || stats.dev !== watched.dev)) {
      this.dropTree(full);
      this.batch.add(rel);
    }
    if (stats?.isDirectory()) {
      if (!this.dirs.get(full)?.tree) void this.addNewTree(full, isListed);
      return;
    }
    this.batch.add(rel);
  }

  /** A directory at a path whose watch died: watch it again in the same roles; it changed. */
  private rewatch(dir: string, old: DirWatch): void {
    this.batch.add(this.rel(dir));
    for (const name of old.names) {
      this.watchDir(dir, { tree: false, name, listed: false });
      if (statOf(join(dir, name), true)) this.batch.add(this.rel(join(dir, name)));
    }
    if (old.tree) void this.addNewTree(dir, old.listed);
  }

  /** A directory that appeared: watch it, and report the files it came with. */
  private async addNewTree(dir: string, listed: boolean): Promise<void> {
    try {
      const files = await this.addTree(dir, listed);
      if (this.state === 'watching') for (const file of files) this.batch.add(file);
    } catch (err) {
      this.fail(err as Error, dir);
    }
  }

  private dropTree(dir: string): void {
    dropTree(this.dirs, dir);
  }

  private report(files: string[]): void {
    if (this.state !== 'watching') return;
    try {
      this.o.onChange(files);
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private fail(err: Error, dir?: string): void {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EMFILE') {
      // One report, not one per directory: the fix is the same for all of them.
      if (this.reportedLimit) return;
      this.reportedLimit = true;
      const limit =
        code === 'ENOSPC'
          ? 'the inotify watch limit was reached (raise fs.inotify.max_user_watches)'
          : 'too many open files (raise the limit of open files)';
      err = Object.assign(new Error(`watch: ${limit} after ${this.dirs.size} directories; narrow \`watch\` or add to \`ignore_watch\``), { code, cause: err });
    } else if (dir !== undefined) {
      err = Object.assign(new Error(`watch: ${this.rel(dir)}: ${err.message}`), { code, cause: err });
    }
    this.o.onError?.(err);
  }

  private rel(path: string): string {
    return relative(this.root, path).split(sep).join('/') || '.';
  }
}
