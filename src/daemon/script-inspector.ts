/**
 * What a revision pins: the real entry script (symlinks followed, so `releases/<v>/` behind a
 * `current` link is recorded as the release it is), its sha256, the app's version and its git
 * commit. Read directly from the files; no git process is spawned.
 */
import { createHash } from 'node:crypto';
import { readFile as readFileCb, realpath as realpathCb, stat as statCb, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InspectScript, ScriptFacts } from '../cluster/revision.js';
import { HotctlError } from '../protocol/index.js';

// node:fs's callbacks, not node:fs/promises: that module (with the readline it loads) costs an
// idle daemon ~0.5 MB for these few reads (bench/RESULTS.md, section 26).
const settle =
  <T>(resolve: (value: T) => void, reject: (err: Error) => void) =>
  (err: NodeJS.ErrnoException | null, value: T): void =>
    err ? reject(err) : resolve(value);
/** As fs.promises.realpath: realpath(3). */
const realpath = (path: string): Promise<string> => new Promise((resolve, reject) => realpathCb.native(path, settle(resolve, reject)));
const stat = (path: string): Promise<Stats> => new Promise((resolve, reject) => statCb(path, settle(resolve, reject)));
function readFile(path: string): Promise<Buffer>;
function readFile(path: string, encoding: 'utf8'): Promise<string>;
function readFile(path: string, encoding?: 'utf8'): Promise<Buffer | string> {
  return new Promise((resolve, reject) => (encoding ? readFileCb(path, encoding, settle(resolve, reject)) : readFileCb(path, settle(resolve, reject))));
}

export const inspectScript: InspectScript = async (spec) => {
  // On the path of every reload before its fork, so every read that can start starts at once:
  // the working directory with the script (it does not depend on the script's real path), and the
  // package.json and .git of every directory up from the script, the nearest one winning
  // (bench/RESULTS.md, section 33: two round trips to the file system's thread pool, not ~8).
  const cwdReal = realpath(spec.cwd ?? dirname(spec.script));
  cwdReal.catch(() => {}); // awaited below, once the script is known to exist
  let script: string;
  try {
    // stat() follows symlinks as realpath() does: the same file.
    const [real, stats] = await Promise.all([realpath(spec.script), stat(spec.script)]);
    if (!stats.isFile()) throw new Error('not a file');
    script = real;
  } catch {
    throw new HotctlError('E_SCRIPT_NOT_FOUND', `The script of "${spec.name}" does not exist: ${spec.script}`, {
      details: { app: spec.name, script: spec.script },
    });
  }
  const [content, cwd, appVersion, gitHead] = await Promise.all([
    readFile(script),
    cwdReal.catch(() => {
      throw new HotctlError('E_SCRIPT_NOT_FOUND', `The working directory of "${spec.name}" does not exist: ${spec.cwd}`, { details: { app: spec.name, cwd: spec.cwd } });
    }),
    packageVersion(dirname(script)),
    gitCommit(dirname(script)),
  ]);
  const facts: ScriptFacts = {
    script,
    cwd,
    script_sha256: createHash('sha256').update(content).digest('hex'),
    app_version: appVersion,
    git_commit: gitHead,
  };
  return facts;
};

/** `dir` and every directory above it, nearest first. */
function upFrom(dir: string): string[] {
  const dirs = [dir];
  for (let d = dir; dirname(d) !== d; d = dirname(d)) dirs.push(dirname(d));
  return dirs;
}

/** The version in the nearest package.json that reads as JSON (all read at once), or null. */
async function packageVersion(dir: string): Promise<string | null> {
  const found = await Promise.all(
    upFrom(dir).map((d) =>
      readFile(join(d, 'package.json'), 'utf8')
        .then((text) => JSON.parse(text) as { version?: unknown } | null)
        .catch(() => undefined), // no package.json here (or not JSON): a directory further up may have one
    ),
  );
  const pkg = found.find((p) => p !== undefined && p !== null);
  return typeof pkg?.version === 'string' ? pkg.version : null;
}

/** The commit of the nearest .git directory (all looked for at once), or null. */
async function gitCommit(dir: string): Promise<string | null> {
  const gitDirs = upFrom(dir).map((d) => join(d, '.git'));
  const isDir = await Promise.all(gitDirs.map((g) => stat(g).then((s) => s.isDirectory(), () => false)));
  const nearest = isDir.indexOf(true);
  return nearest === -1 ? null : resolveHead(gitDirs[nearest]!);
}

async function resolveHead(gitDir: string): Promise<string | null> {
  try {
    const head = (await readFile(join(gitDir, 'HEAD'), 'utf8')).trim();
    if (!head.startsWith('ref: ')) return /^[0-9a-f]{40}$/.test(head) ? head : null;
    const ref = head.slice(5);
    try {
      return (await readFile(join(gitDir, ref), 'utf8')).trim();
    } catch {
      const packed = await readFile(join(gitDir, 'packed-refs'), 'utf8');
      const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
      return line ? line.slice(0, 40) : null;
    }
  } catch {
    return null;
  }
}
