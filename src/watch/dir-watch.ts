/** The record of one watched directory, and the helpers over the table of them (see app-watcher.ts). */
import { lstatSync, statSync, type FSWatcher, type Stats } from 'node:fs';
import { sep } from 'node:path';

export interface DirWatch {
  watcher: FSWatcher;
  /** Identity of the directory watched: a directory removed and made again is another one. */
  dev: number;
  ino: number;
  /** Every entry counts (a directory of a watched tree); else only `names`. */
  tree: boolean;
  /** Entries that count even when not a tree, and are never ignored: the paths listed in `paths`. */
  names: Set<string>;
  /** A path listed in `paths` itself (its own name is never ignored). */
  listed: boolean;
  /** Ignored subdirectories (node_modules, .git, …): their removal is not a change either. */
  skipped: Set<string>;
}

/** `follow`: through a symbolic link (stat), else the link itself (lstat); null when not there. */
export function statOf(path: string, follow: boolean): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return null;
  }
}

/** Closes and forgets the watch of `dir` and of every directory below it. */
export function dropTree(dirs: Map<string, DirWatch>, dir: string): void {
  const below = dir + sep;
  for (const [path, entry] of dirs) {
    if (path === dir || path.startsWith(below)) {
      entry.watcher.close();
      dirs.delete(path);
    }
  }
}
