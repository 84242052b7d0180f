/**
 * `hotctl reload <name|all|file>`: zero-downtime reload. With an ecosystem file, the file is
 * applied (see apply-file.ts): changed apps reload, new ones start, unchanged ones are left alone.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { HotctlError } from '../../protocol/index.js';
import { applyFile } from '../apply-file.js';
import { isEcosystemPath, loadApps } from '../config-bridge.js';
import { runAction, withDaemon, type CommandContext, type GlobalArgs } from '../context.js';
import type { Output } from '../output.js';
import { operateOnTargets } from '../targets.js';
import { targetOptions } from './shared-options.js';

interface ReloadArgs extends GlobalArgs {
  target: string;
  wait: boolean;
  env: string | undefined;
  dryRun: boolean;
}

async function reloadFile(ctx: CommandContext, out: Output, argv: ReloadArgs): Promise<number> {
  const apps = await loadApps(out, resolve(ctx.cwd, argv.target), argv.env);
  return withDaemon(ctx, out, true, ({ client }) => applyFile(client, out, ctx.env, apps, { wait: argv.wait, dryRun: argv.dryRun }));
}

export async function reload(ctx: CommandContext, out: Output, argv: ReloadArgs): Promise<number> {
  // "api.json" may be an app name: it is read as a file when one is there (or it has a path).
  const fileLike = existsSync(resolve(ctx.cwd, argv.target)) || /[\\/]/.test(argv.target);
  if (argv.target !== 'all' && fileLike && (await isEcosystemPath(argv.target))) return reloadFile(ctx, out, argv);
  if (argv.env !== undefined || argv.dryRun) {
    throw new HotctlError('E_USAGE', '--env and --dry-run apply to an ecosystem file only.', { hint: 'Run `hotctl reload --help` for the accepted arguments.' });
  }
  return operateOnTargets(ctx, out, 'reload', argv.target, { wait: argv.wait });
}

export function registerReload<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'reload <target>',
    'Zero-downtime reload: new workers up and ready, then the old ones drain',
    (cmd) =>
      targetOptions(cmd, 'reload (or an ecosystem file to apply)')
        .option('env', { type: 'string', describe: 'With an ecosystem file: use its env_<NAME> block' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'With an ecosystem file: only print what would change' })
        .example('$0 reload api', 'Deploy the new code on disk of the app "api"')
        .example('$0 reload ecosystem.json --env production', 'Apply the file: changed apps reload, new ones start')
        .example('$0 reload all --json', 'Reload every app, events as JSON lines'),
    (argv) => runAction(ctx, argv.json, (out) => reload(ctx, out, argv)),
  );
}
