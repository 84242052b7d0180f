/**
 * `script: "npm"` (or `"yarn"`, `"pnpm"`) with `args: "start"` / `"run build:serve"`: PM2 runs the
 * package manager, which runs a shell command. hotctl loads a JavaScript file in each worker, so
 * it reads package.json's script instead and runs the file it names:
 * - `node [flags] <file> [args]` → that file, flags as node_args, args after the file's;
 * - `<bin> [args]` where node_modules/.bin/<bin> is a Node.js script (next, nest, …) → that script;
 * - leading `VAR=value` words → env of the app.
 * Anything else (`&&`, pipes, `tsc && node dist`, a non-Node binary) cannot be run so, and is an
 * error that says what to write instead.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { splitArgs } from './normalize.js';

export const PACKAGE_MANAGERS = ['npm', 'yarn', 'pnpm'] as const;

export interface NpmScriptResult {
  script: string;
  args: string[];
  nodeArgs: string[];
  env: Record<string, string>;
  /** The npm script as written, e.g. `"start": "node server.js"`. */
  source: string;
}

export interface NpmScriptProblem {
  expected: string;
  found: string;
}

/** The package manager a `script` value names (`npm`, `/usr/bin/npm`, `npm.cmd`), if it is one. */
export function packageManagerOf(script: string): (typeof PACKAGE_MANAGERS)[number] | undefined {
  const base = script.replace(/\\/g, '/').split('/').pop()!.replace(/\.(cmd|exe|js|cjs)$/, '');
  return (PACKAGE_MANAGERS as readonly string[]).includes(base) ? (base as (typeof PACKAGE_MANAGERS)[number]) : undefined;
}

const SHELL = /[|&;<>`$(){}*?\\]|\s-c\s/;

/** Which package.json script `npm <args>` runs, and the arguments given after it. */
function scriptName(manager: string, args: string[]): { name: string; extra: string[] } | null {
  const [first, ...rest] = args;
  if (first === undefined) return null;
  const dashes = (list: string[]) => (list[0] === '--' ? list.slice(1) : list);
  if (first === 'start' || first === 'test') return { name: first, extra: dashes(rest) };
  if (first === 'run' || first === 'run-script') return rest[0] === undefined ? null : { name: rest[0], extra: dashes(rest.slice(1)) };
  // yarn and pnpm run a package script by its bare name.
  if (manager !== 'npm') return { name: first, extra: dashes(rest) };
  return null;
}

function isNodeScript(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (/\.(c|m)?js$/.test(file)) return true;
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(128);
    const n = readSync(fd, head, 0, 128, 0);
    closeSync(fd);
    return /^#!.*\bnode\b/.test(head.subarray(0, n).toString('utf8').split('\n')[0] ?? '');
  } catch {
    return false;
  }
}

/** Resolves `script: npm, args: …` to the file it runs, or says why it cannot. */
export function resolveNpmScript(manager: string, rawArgs: unknown, cwd: string): NpmScriptResult | NpmScriptProblem {
  const args = typeof rawArgs === 'string' ? splitArgs(rawArgs) : Array.isArray(rawArgs) ? rawArgs.map(String) : [];
  const target = scriptName(manager, args);
  const instead = 'point "script" at the JavaScript file to run (e.g. "dist/server.js") and put its arguments in "args"';
  if (!target) {
    return { expected: `"args" naming a package.json script ("start", "run <name>"); or ${instead}`, found: `${manager} ${args.join(' ')}`.trim() };
  }
  const pkgPath = join(cwd, 'package.json');
  let scripts: Record<string, unknown> = {};
  try {
    scripts = ((JSON.parse(readFileSync(pkgPath, 'utf8')) as { scripts?: Record<string, unknown> }).scripts ?? {}) as Record<string, unknown>;
  } catch {
    return { expected: `a package.json in ${cwd} with a "${target.name}" script; or ${instead}`, found: existsSync(pkgPath) ? 'a package.json that is not JSON' : 'no package.json' };
  }
  let command = scripts[target.name];
  // npm's own default: `npm start` runs `node server.js` when there is no start script.
  if (command === undefined && target.name === 'start' && existsSync(join(cwd, 'server.js'))) command = 'node server.js';
  if (typeof command !== 'string') {
    return { expected: `a "${target.name}" script in ${pkgPath}; or ${instead}`, found: `scripts: ${Object.keys(scripts).join(', ') || 'none'}` };
  }
  const source = `"${target.name}": "${command}"`;
  const cannot = (why: string): NpmScriptProblem => ({
    expected: `an npm script of the form "node <file> [args]" (${why}); ${instead}`,
    found: source,
  });
  if (SHELL.test(command)) return cannot('a shell command cannot be run as a worker');
  const words = splitArgs(command);
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
    const word = words.shift()!;
    const eq = word.indexOf('=');
    env[word.slice(0, eq)] = word.slice(eq + 1);
  }
  const [program, ...rest] = words;
  if (program === undefined) return cannot('it runs nothing');
  if (program === 'node' || program === 'nodejs') {
    const run = nodeFile(rest, cwd);
    return 'why' in run ? cannot(run.why) : { ...run, args: [...run.args, ...target.extra], env, source };
  }
  // A package binary: node_modules/.bin/<program> is usually a link to a Node.js script.
  for (let dir = cwd; ; dir = resolve(dir, '..')) {
    const bin = join(dir, 'node_modules', '.bin', program);
    if (existsSync(bin)) {
      const real = realpathSync(bin);
      if (!isNodeScript(real)) return cannot(`${program} is not a Node.js script`);
      return { script: real, args: [...rest, ...target.extra], nodeArgs: [], env, source };
    }
    if (resolve(dir, '..') === dir) break;
  }
  return cannot(`${program} is neither node nor a package binary in node_modules/.bin`);
}

/** `node [flags] <file> [args]` as words after `node`: the file, its args and the node flags. */
function nodeFile(words: string[], cwd: string): { script: string; args: string[]; nodeArgs: string[] } | { why: string } {
  const nodeArgs: string[] = [];
  let i = 0;
  for (; i < words.length && words[i]!.startsWith('-'); i++) {
    nodeArgs.push(words[i]!);
    // Flags that take their value as the next word.
    if (/^(-r|--require|--import|--loader|--experimental-loader|--env-file|--conditions|-C)$/.test(words[i]!) && i + 1 < words.length) nodeArgs.push(words[++i]!);
  }
  const file = words[i];
  if (file === undefined) return { why: 'node is given no file' };
  const script = resolve(cwd, file);
  if (!existsSync(script)) return { why: `${file} does not exist in ${cwd}` };
  return { script, args: words.slice(i + 1), nodeArgs };
}

/**
 * `script: "node", args: "[flags] <file> [args]"`: PM2 runs the node binary with those arguments;
 * hotctl runs that file, the flags as node_args.
 */
export function resolveNodeScript(rawArgs: unknown, cwd: string): NpmScriptResult | NpmScriptProblem {
  const words = typeof rawArgs === 'string' ? splitArgs(rawArgs) : Array.isArray(rawArgs) ? rawArgs.map(String) : [];
  const source = `node ${words.join(' ')}`.trim();
  const run = nodeFile(words, cwd);
  if ('why' in run) {
    return { expected: `"args" of the form "[node flags] <file> [args]" (${run.why}); or point "script" at the JavaScript file to run and put its arguments in "args"`, found: source };
  }
  return { ...run, env: {}, source };
}
