/**
 * `hotctl start <file|script>`: start the apps of an ecosystem file, or one script.
 *
 * A file goes through the daemon's `apply`, like `hotctl reload <file>`: apps not running yet
 * start, and apps of the file that already run get the file applied (they reload with the code
 * on disk — only changed ones with `--changed-only` — and an `instances` change scales).
 * `--only a,b` narrows the file; `--dry-run` prints the plan. A script is a plain `start`.
 */
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { AppSpec } from '../../protocol/index.js';
import { HotctlError } from '../../protocol/index.js';
import { applyFile, startStoppedApps } from '../apply-file.js';
import { onlyNames, selectOnly } from '../file-targets.js';
import { dryRunSummary, renderPlan } from '../render/plan.js';
import { appFromFlags, isEcosystemPath, loadApps, type CliAppInput } from '../config-bridge.js';
import { runAction, withDaemon, type CommandContext, type GlobalArgs } from '../context.js';
import { followOperations, outcome } from '../operations.js';
import type { Output } from '../output.js';
import { specWithCliEnv } from '../update-env.js';

interface StartArgs extends GlobalArgs {
  target: string;
  name: string | undefined;
  instances: string | undefined;
  env: string | undefined;
  waitReady: boolean | undefined;
  watch: boolean | undefined;
  updateEnv: boolean;
  wait: boolean;
  only: string | undefined;
  dryRun: boolean;
  changedOnly: boolean;
}

/** `-i 4`, `-i max`, `-i 0`, `-i -1`, `-i -100` (cores - 100, at least 1, as PM2) → what specFromCli takes. */
export function parseInstances(value: string): number | 'max' {
  if (value === 'max') return 'max';
  if (/^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  throw new HotctlError('E_USAGE', `--instances must be a whole number, "max", 0 or -N (cores minus N); got "${value}".`);
}

function usage(message: string): HotctlError {
  return new HotctlError('E_USAGE', message, { hint: 'Run `hotctl start --help` for the accepted arguments.' });
}

interface ToStart {
  apps: AppSpec[];
  /** From an ecosystem file: applied, not merely started. */
  file: boolean;
}

async function appsToStart(argv: StartArgs, out: Output, ctx: CommandContext): Promise<ToStart> {
  const { cwd, passthrough: args } = ctx;
  if (await isEcosystemPath(argv.target)) {
    const perApp = [argv.name !== undefined && '--name', argv.instances !== undefined && '--instances', argv.waitReady !== undefined && '--wait-ready', args.length > 0 && '-- args']
      .filter(Boolean)
      .join(', ');
    if (perApp) throw usage(`${perApp}: set these in the ecosystem file, not on the command line.`);
    const loaded = selectOnly(await loadApps(out, resolve(cwd, argv.target), argv.env), onlyNames(argv.only), argv.target, 'start');
    // `--watch` turns watching on for every app of the file (a list of paths stays as it is).
    const watched = argv.watch ? loaded.map((app) => (app.watch === false ? { ...app, watch: true } : app)) : loaded;
    return { apps: watched.map((app) => specWithCliEnv(app, ctx.env)), file: true };
  }
  if (argv.env !== undefined) throw usage('--env selects an env_<name> block of an ecosystem file; it does not apply to a script.');
  const fileOnly = [argv.only !== undefined && '--only', argv.dryRun && '--dry-run', argv.changedOnly && '--changed-only'].filter(Boolean);
  if (fileOnly.length > 0) throw usage(`${fileOnly.join(', ')}: for an ecosystem file only.`);
  const input: CliAppInput = { script: argv.target, args };
  if (argv.name !== undefined) input.name = argv.name;
  if (argv.instances !== undefined) input.instances = parseInstances(argv.instances);
  if (argv.waitReady !== undefined) input.waitReady = argv.waitReady;
  if (argv.watch !== undefined) input.watch = argv.watch;
  return { apps: [specWithCliEnv(await appFromFlags(input, cwd), ctx.env)], file: false };
}

export async function start(ctx: CommandContext, out: Output, argv: StartArgs): Promise<number> {
  const { apps, file } = await appsToStart(argv, out, ctx);
  if (apps.length === 0) throw usage(`${argv.target} defines no apps.`);
  if (file && argv.dryRun) return dryRun(ctx, out, apps, argv);
  if (file) {
    return withDaemon(ctx, out, true, async ({ client }) => {
      const code = await applyFile(client, out, ctx.env, apps, { wait: argv.wait, dryRun: false, changedOnly: argv.changedOnly, updateEnv: argv.updateEnv, source: argv.target });
      return code !== 0 ? code : startStoppedApps(client, out, ctx.env, apps, argv.wait);
    });
  }
  if (argv.wait) throw usage('--wait applies to an ecosystem file (its apps may be busy); a script start has nothing to wait for.');
  return withDaemon(ctx, out, true, async ({ client }) => {
    const finals = await followOperations(client, out, async () => (await client.request('start', { apps, follow: true })).operations);
    if (finals.length === 0 && !out.json) out.line('Nothing to start.');
    return outcome(out, finals, ctx.env);
  });
}

/** `start <file> --dry-run`: the plan, without starting anything (not even the daemon). */
async function dryRun(ctx: CommandContext, out: Output, apps: AppSpec[], argv: StartArgs): Promise<number> {
  const running = await withDaemon(ctx, out, false, async ({ client }) =>
    applyFile(client, out, ctx.env, apps, { wait: argv.wait, dryRun: true, changedOnly: argv.changedOnly, source: argv.target }),
  ).catch((err: unknown) => {
    if (err instanceof HotctlError && err.code === 'E_DAEMON_UNREACHABLE') return null;
    throw err;
  });
  if (running !== null) return running;
  // No daemon: every app would start.
  const plan = apps.map((app) => ({ app: app.name, action: 'start' as const, changed: [], reasons: ['new app'] }));
  if (out.json) {
    out.jsonLine({ plan });
  } else {
    for (const line of renderPlan(argv.target, plan, out.colours)) out.line(line);
    out.line(dryRunSummary(plan, out.colours));
  }
  return 0;
}

export function registerStart<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'start <target>',
    'Start the apps of an ecosystem file, or one script',
    (cmd) =>
      cmd
        .positional('target', { type: 'string', demandOption: true, describe: 'An ecosystem file (ecosystem.json, ecosystem.config.js/.cjs/.mjs) or a script' })
        .option('name', { alias: 'n', type: 'string', describe: 'App name (script only; default: the script\'s name)' })
        .option('instances', { alias: 'i', type: 'string', describe: 'Workers: a number, "max" (one per core), -N (cores - N, at least 1) (script only)' })
        .option('env', { type: 'string', describe: 'Use the env_<NAME> block of the ecosystem file' })
        .option('wait-ready', { type: 'boolean', describe: 'Ready when the app calls process.send("ready"), not when it listens (script only)' })
        .option('watch', { type: 'boolean', describe: "Reload on file changes (the app's cwd, unless the file lists paths)" })
        .option('update-env', { type: 'boolean', default: false, describe: "Apps of the file that already run get this shell's environment too (started apps always do); the file's env wins over it" })
        .option('wait', { type: 'boolean', default: false, describe: 'With a file whose apps run: queue behind an operation in progress instead of failing (exit 4)' })
        .option('only', { type: 'string', describe: 'With an ecosystem file: only these apps ("api,worker")' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'With an ecosystem file: print the plan, start nothing' })
        .option('changed-only', { type: 'boolean', default: false, describe: 'With a file whose apps run: reload only those whose spec or code on disk changed (default: every app of the file)' })
        .example('$0 start ecosystem.json', 'Start every app of the file; apps already running reload with the file and the code on disk')
        .example('$0 start ecosystem.config.js --only api,worker', 'Only these apps of the file')
        .example('$0 start ecosystem.json --env production', 'Use env_production')
        .example('$0 start server.js -n api -i max -- --port 3000', 'Start one script on every core, with arguments')
        .example('$0 start ecosystem.json --watch', 'Development: every save reloads the app with zero downtime')
        .example('DATABASE_URL=postgres://db $0 start server.js', "The app gets this shell's environment (never the daemon's)"),
    (argv) => runAction(ctx, argv.json, (out) => start(ctx, out, argv)),
  );
}
