/**
 * What watch mode ignores. Pure: no fs, so every rule is unit-tested.
 *
 * Always ignored (below a watched path; a path listed in `watch` is watched even when it is one
 * of these):
 * - directories named `node_modules`, and directories whose name starts with `.` (`.git`,
 *   `.cache`, `.next`, …): never descended into, so they cost no watch;
 * - editor droppings that change on every keystroke: `*.swp`, `*.swo`, `*.swx`, `*~`, `.#*`,
 *   `4913` (vim's probe), `.DS_Store`.
 * Dot-files (`.env`) are watched.
 *
 * `ignore_watch` entries:
 * - a name, without `/` (a trailing `/` is allowed: `logs/`): matched against the name of every
 *   file and directory at any depth: `tmp`, `coverage`, `*.log`, `*.test.js`;
 * - a path, with a `/` or starting with `./`: relative to the app's cwd (an absolute path works
 *   too): matches that file or directory and everything under it: `./logs`, `public/build`,
 *   `src/**.test.js` (test files at any depth under src).
 * Wildcards: `*` (any characters but `/`), `?` (one character but `/`), and in paths `**` (any
 * number of directories). No braces, no character classes, no negation.
 */
import { isAbsolute, relative, sep } from 'node:path';

const ALWAYS_IGNORED_DIRS = (name: string): boolean => name === 'node_modules' || name.startsWith('.');
const EDITOR_FILES = [/\.sw[pox]$/, /~$/, /^\.#/, /^4913$/, /^\.DS_Store$/];

/** A glob → a regular expression source (no anchors). */
export function globSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') {
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else {
      out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return out;
}

export interface IgnoreRules {
  /**
   * Whether an entry is ignored. `name` is its base name, `rel` its path relative to the app's
   * cwd with `/` separators; `isDir` says whether it is a directory.
   */
  ignores(name: string, rel: string, isDir: boolean): boolean;
}

/** Compiles `ignore_watch` entries; `root` is the app's cwd (to make absolute entries relative). */
export function compileIgnore(entries: readonly string[], root: string): IgnoreRules {
  const names: RegExp[] = [];
  const paths: RegExp[] = [];
  for (const raw of entries) {
    let entry = raw.trim();
    if (entry === '') continue;
    if (isAbsolute(entry)) entry = relative(root, entry).split(sep).join('/') || '.';
    entry = entry.replace(/\\/g, '/');
    const anchored = entry.startsWith('./');
    entry = entry.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    if (entry === '' || entry === '.') continue;
    if (!anchored && !entry.includes('/')) names.push(new RegExp(`^${globSource(entry.replace(/\*\*/g, '*'))}$`));
    else paths.push(new RegExp(`^${globSource(entry)}(?:/.*)?$`));
  }
  return {
    ignores(name, rel, isDir) {
      if (isDir ? ALWAYS_IGNORED_DIRS(name) : EDITOR_FILES.some((re) => re.test(name))) return true;
      return names.some((re) => re.test(name)) || paths.some((re) => re.test(rel));
    },
  };
}
