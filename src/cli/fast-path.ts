/**
 * The command lines run most often, answered without loading yargs (most of the CLI's start-up
 * time): `--version`, `status` and `status --json`. Each does exactly what the yargs command
 * does for the same arguments; any other spelling (another flag, `--help`, a typo) goes
 * through yargs as before. test/unit/cli/fast-path.test.ts compares both ways.
 */
import { EXIT_CODES } from '../protocol/errors.js';
import { HOTCTL_VERSION } from '../version.js';
import type { CommandContext } from './context.js';

export type FastCommand = (ctx: CommandContext) => Promise<number>;

/** The fast way to run `args` (what precedes `--`), or null when yargs must parse them. */
export function fastPath(args: readonly string[]): FastCommand | null {
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
      const [{ runAction }, { status }] = await Promise.all([import('./context.js'), import('./commands/status.js')]);
      await runAction(ctx, json, (out) => status(ctx, out));
      return ctx.exitCode;
    };
  }
  return null;
}
