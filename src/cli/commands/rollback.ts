/**
 * `hotctl rollback <name> [--to N] [--force]`: retire a canary; or, without one, reload with an
 * earlier revision's spec and files (default: the last good one before the active).
 */
import type { Argv } from 'yargs';
import type { OperationSnapshot } from '../../protocol/index.js';
import type { ControlClient } from '../client.js';
import { runAction, withDaemon, type CommandContext, type GlobalArgs } from '../context.js';
import { parseCount, usageError } from '../flags.js';
import { operateOne, outcome } from '../operations.js';
import type { Output } from '../output.js';

export interface RollbackArgs {
  name: string;
  to: string | undefined;
  force: boolean;
  wait: boolean;
}

export function describeCanaryRollback(op: OperationSnapshot): string {
  return `: canary of revision ${op.to_revision ?? '-'} retired; revision ${op.from_revision ?? '-'} serves alone`;
}

export async function rollback(ctx: CommandContext, out: Output, argv: RollbackArgs): Promise<number> {
  const to = parseCount(argv.to, '--to', 'rollback');
  return withDaemon(ctx, out, false, async ({ client }) => {
    // The daemon retires a canary when there is one: --to would be ignored, so it is refused.
    const status = await client.request('status', {}, { timeoutMs: 10_000 });
    const canary = status.apps.find((app) => app.name === argv.name)?.canary ?? null;
    if (canary && to !== undefined) {
      throw usageError('rollback', `A canary of revision ${canary.revision} is in progress on "${argv.name}": \`hotctl rollback ${argv.name}\` retires it first; --to comes after.`);
    }
    const params = { name: argv.name, ...(to === undefined ? {} : { to }), ...(argv.force ? { force: true } : {}), ...(argv.wait ? { wait: true } : {}) };
    const final = await operateOne(client, out, 'rollback', params, canary ? { describe: describeCanaryRollback } : {});
    return rollbackEnded(ctx, out, client, argv.name, canary !== null, final);
  });
}

/** What the command says and exits with once the rollback operation ended (shared with fast-operation.ts). */
export async function rollbackEnded(ctx: CommandContext, out: Output, client: ControlClient, name: string, canary: boolean, final: OperationSnapshot): Promise<number> {
  // During `reload --auto` the answer is that reload, ended by this rollback: what was asked is done.
  if (final.kind === 'reload' && final.error?.code === 'E_CANARY_FAILED' && (final.error.details as { metric?: string } | undefined)?.metric === 'rollback') {
    if (!out.json) out.line(`✓ rollback ${name}: the canary analysis ended${describeCanaryRollback(final)}`);
    return 0;
  }
  const code = outcome(out, [final], ctx.env);
  if (code === 0 && !canary && !out.json && final.to_revision !== null) {
    const { revisions } = await client.request('history', { name }, { timeoutMs: 10_000 });
    const made = revisions.find((r) => r.number === final.to_revision);
    if (made?.rollback_of != null) out.line(out.colours.dim(`revision ${made.number} runs revision ${made.rollback_of}'s spec and files (${made.script}).`));
  }
  return code;
}

export function registerRollback<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'rollback <name>',
    'Retire a canary; within the rollback window after a reload, make the parked old workers serve again at once (no fork); or go back to an earlier revision (its spec and its files) with zero downtime',
    (cmd) =>
      cmd
        .positional('name', { type: 'string', demandOption: true, describe: 'The app' })
        .option('to', { type: 'string', describe: 'The revision to go back to (`hotctl history <name>` lists them); default: the last good one before the active' })
        .option('force', { type: 'boolean', default: false, describe: "Roll back even though the revision's script changed on disk since (it runs the files as they are now)" })
        .option('wait', { type: 'boolean', default: false, describe: 'Queue behind an operation already running on the app instead of failing (exit 4)' })
        .example('$0 rollback api', 'Retire the canary; or, within the rollback window, the parked previous workers serve again; or go back to the previous good revision')
        .example('$0 rollback api', 'During `reload api --auto`: end the analysis now, the canary rolled back (that reload fails with E_CANARY_FAILED; this command exits 0)')
        .example('$0 rollback api --to 3', "Deploy revision 3's spec and files again (exit 2 if its files changed)")
        .example('$0 rollback api --to 3 --force', "Revision 3's spec, with its files as they are now"),
    (argv) => runAction(ctx, argv.json, (out) => rollback(ctx, out, argv)),
  );
}
