/**
 * What a revision pins: the real entry script (symlinks followed, so `releases/<v>/` behind a
 * `current` link is recorded as the release it is), its sha256, the app's version and its git
 * commit. Read directly from the files; no git process is spawned.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { InspectScript, ScriptFacts } from '../cluster/revision.js';
import { HotctlError } from '../protocol/index.js';

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
