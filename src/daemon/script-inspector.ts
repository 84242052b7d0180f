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
  let script: string;
  try {
    script = await realpath(spec.script);
    if (!(await stat(script)).isFile()) throw new Error('not a file');
  } catch {
    throw new HotctlError('E_SCRIPT_NOT_FOUND', `The script of "${spec.name}" does not exist: ${spec.script}`, {
      details: { app: spec.name, script: spec.script },
    });
  }
  // Each is a few file-system round trips, on the path of every reload before its fork: at once.
  const [content, cwd, appVersion, gitHead] = await Promise.all([
    readFile(script),
    realpath(spec.cwd ?? dirname(spec.script)).catch(() => {
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

async function packageVersion(dir: string): Promise<string | null> {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const pkg = JSON.parse(await readFile(join(d, 'package.json'), 'utf8')) as { version?: unknown };
      return typeof pkg.version === 'string' ? pkg.version : null;
    } catch {
      // no package.json here (or not JSON): look further up
    }
    if (dirname(d) === d) return null;
  }
}

async function gitCommit(dir: string): Promise<string | null> {
  for (let d = dir; ; d = dirname(d)) {
    const gitDir = join(d, '.git');
    try {
      if ((await stat(gitDir)).isDirectory()) return await resolveHead(gitDir);
    } catch {
      // not here
    }
    if (dirname(d) === d) return null;
  }
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
