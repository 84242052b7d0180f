/**
 * The command lines run most often, answered without loading yargs (most of the CLI's start-up
 * time): `--version`, `status`, `status --json`, and the operations people run by name —
 * `reload <name>`, `rollback <name>`, `promote <name>` with `--json`, `--wait` (and rollback's
 * `--force`), see fast-operation.ts. Each does exactly what the yargs command does for the same
 * arguments; any other spelling (another flag, `--help`, a typo, a file or `all` as the target)
 * goes through yargs as before. test/unit/cli/fast-path.test.ts compares both ways.
 *
 * main.ts imports this module alone before anything else of the CLI: keep its imports few.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_CODES } from '../protocol/exit-codes.js';
import { HOTCTL_VERSION } from '../version.js';
import type { CommandContext } from './context.js';
import type { FastOperationKind, FastOperationLine } from './fast-operation.js';

export type FastCommand = (ctx: CommandContext) => Promise<number>;

/** The operations by name that the fast path runs, and the boolean flags each takes. */
export const FAST_OPERATIONS = {
  reload: ['--json', '--wait'],
  rollback: ['--json', '--wait', '--force'],
  promote: ['--json', '--wait'],
} as const satisfies Record<FastOperationKind, readonly string[]>;

/**
 * `<kind> <name>` with each of the kind's boolean flags at most once (anywhere after the command
 * word; `--json` also before it), or null. A name that is a number or looks like a path or
 * script (`reload` reads it as a pid, a script or an ecosystem file: file-targets.ts), or `all`,
 * is left to yargs: so is a name yargs would not take as a plain string, and for `reload` a name
 * that exists as a file or folder in `cwd` (reload.ts decides whether it is an ecosystem file).
 */
export function fastOperationLine(args: readonly string[], cwd: string): FastOperationLine | null {
  const at = args.findIndex((arg) => !arg.startsWith('-'));
  if (at === -1 || (at > 0 && (at > 1 || args[0] !== '--json'))) return null;
  const kind = args[at] as FastOperationKind;
  if (!Object.hasOwn(FAST_OPERATIONS, kind)) return null;
  const allowed: readonly string[] = FAST_OPERATIONS[kind];
  const words = args.filter((arg, i) => i !== at && !arg.startsWith('-'));
  const flags = args.filter((arg) => arg.startsWith('-'));
  if (words.length !== 1 || flags.some((flag) => !allowed.includes(flag)) || new Set(flags).size !== flags.length) return null;
  const name = words[0]!;
  if (name === '' || name === 'all' || /^\d+$/.test(name) || /[\\/]|\.(c|m)?[jt]s$|\.json$/.test(name) || /^(true|false|null|undefined)$/.test(name)) return null;
  if (kind === 'reload' && existsSync(resolve(cwd, name))) return null;
  return { kind, name, json: flags.includes('--json'), wait: flags.includes('--wait'), force: flags.includes('--force') };
}

/** The fast way to run `args` (what precedes `--`), or null when yargs must parse them. */
export function fastPath(args: readonly string[], cwd: string): FastCommand | null {
  if (args.length === 1 && args[0] === '--version') {
    return async (ctx) => {
      ctx.stdout.write(`${HOTCTL_VERSION}\n`);
      return EXIT_CODES.ok;
    };
  }
  const rest = args.filter((arg) => arg !== '--json');
  if (rest.length === 1 && rest[0] === 'status' && args.length - rest.length <= 1) {
    const json = args.length === 2;
    return async (ctx) => {
      // The question leaves first (connect; one plain request, from the connect callback, after
      // this tick: status-get.ts); the command and its renderer load while the daemon answers.
      const { askStatus } = await import('./status-get.js');
      const asked = askStatus(ctx, () => import('./output.js').then(({ createOutput }) => createOutput(ctx, json)));
      asked.catch(() => {}); // awaited by status() below, which reports a failure
      await new Promise((resolve) => setImmediate(resolve));
      const [{ runAction }, { status }] = await Promise.all([import('./context.js'), import('./commands/status.js')]);
      await runAction(ctx, json, (out) => status(ctx, out, asked));
      return ctx.exitCode;
    };
  }
  const operation = fastOperationLine(args, cwd);
  if (operation) {
    return async (ctx) => {
      const { runFastOperation } = await import('./fast-operation.js');
      return runFastOperation(ctx, operation);
    };
  }
  return null;
}
