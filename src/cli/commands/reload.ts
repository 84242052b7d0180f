/**
 * `hotctl reload <name|all|file>`: zero-downtime reload.
 *
 * - By name (or `all`): with the app's strategy, or `--strategy` / `--batch` for this reload;
 *   `--canary K` starts K new workers beside the old and holds (then `promote` or `rollback`);
 *   `--canary 10%` starts one new worker that takes 10 % of new connections (docs/traffic.md).
 * - With an ecosystem file: the file is applied (see apply-file.ts): its apps reload with the
 *   code on disk (only those whose spec or code changed with `--changed-only`), an `instances`
 *   change scales, new apps start, apps missing from the file are deleted only with `--prune`;
 *   `--only a,b` narrows the file to these apps; `--dry-run` prints the plan and changes nothing.
 * - `--update-env` merges the CLI's own environment (see update-env.ts for which wins).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { CanaryPlanOverrides, OperationSnapshot, ReloadStrategy } from '../../protocol/index.js';
import { isReloadStrategy, RELOAD_STRATEGIES } from '../../protocol/states.js';
import { runAction, withDaemon, type CommandContext, type GlobalArgs } from '../context.js';
import { parseDuration } from '../../config/normalize.js';
import { parseCount, usageError } from '../flags.js';
import type { Output } from '../output.js';
import { operateOnTargets } from '../targets.js';
import { autoOptions, autoParams, type AutoArgs } from './reload-auto.js';
import { targetOptions } from './shared-options.js';

export interface ReloadArgs extends GlobalArgs {
  target: string;
  wait: boolean;
  env: string | undefined;
  dryRun: boolean;
  prune: boolean;
  updateEnv: boolean;
  only: string | undefined;
  changedOnly: boolean;
  canary: string | undefined;
  strategy: string | undefined;
  batch: string | undefined;
  stopFirst?: boolean;
  auto?: boolean;
  rollbackWindow?: string;
}

/** What `reload <name>` adds to its request for the strategy flags. */
export interface StrategyParams {
  strategy?: ReloadStrategy;
  batch?: number;
  canary?: number;
  /** `--canary 10%`: the canary's share of new connections (one canary worker). */
  canary_share?: number;
  /** `--auto`: run the app's canary plan with these fields over it. */
  auto?: CanaryPlanOverrides;
  /** `--rollback-window 30s`: how long the old generation stays parked after this reload (ms). */
  rollback_window?: number;
}

/**
 * `--canary K` (K workers, whose share is their worker count) or `--canary P%` (one worker that
 * takes P % of new connections whatever the worker counts: the router's weights).
 */
export function parseCanary(value: string | undefined): Pick<StrategyParams, 'canary' | 'canary_share'> {
  if (value === undefined) return {};
  const text = String(value).trim();
  if (!text.endsWith('%')) return { canary: parseCount(value, '--canary', 'reload')! };
  const share = Number(text.slice(0, -1));
  if (!/^\d+(\.\d+)?%$/.test(text) || !(share > 0 && share < 100)) throw usageError('reload', `--canary takes a worker count (1) or a share of new connections above 0% and below 100% (10%); got "${text}".`);
  return { canary: 1, canary_share: share };
}

/** Reads --canary, --strategy, --batch and --rollback-window; a bad value or combination is a usage error. */
export function strategyParams(argv: Pick<ReloadArgs, 'canary' | 'strategy' | 'batch' | 'stopFirst' | 'rollbackWindow'>): StrategyParams {
  const window = rollbackWindow(argv.rollbackWindow);
  if (window === undefined) return chosenStrategy(argv);
  if (argv.canary !== undefined) throw usageError('reload', '--rollback-window is for a reload that replaces the workers; a canary\'s promote parks for the app\'s rollback_window.');
  return { ...chosenStrategy(argv), rollback_window: window };
}

/** `--rollback-window 30s` (or ms, "2m"; 0: no parking). */
function rollbackWindow(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(String(value));
  if (ms === null || ms < 0) throw usageError('reload', `--rollback-window takes a duration (30s, 1500, 2m; 0: no parking); got "${String(value)}".`);
  return ms;
}

function chosenStrategy(argv: Pick<ReloadArgs, 'canary' | 'strategy' | 'batch' | 'stopFirst'>): StrategyParams {
  const canaryFlags = parseCanary(argv.canary);
  const canary = canaryFlags.canary;
  const batch = parseCount(argv.batch, '--batch', 'reload');
  if (argv.stopFirst && argv.strategy !== undefined && argv.strategy !== 'stop-first') throw usageError('reload', `--stop-first is the strategy stop-first; it does not go with --strategy ${argv.strategy}.`);
  const named = argv.stopFirst ? 'stop-first' : argv.strategy;
  if (named !== undefined && !isReloadStrategy(named)) throw usageError('reload', `--strategy takes one of ${RELOAD_STRATEGIES.join(', ')}; got "${named}".`);
  const strategy: ReloadStrategy | undefined = named;
  if (canary !== undefined) {
    if (strategy !== undefined || batch !== undefined) {
      throw usageError('reload', '--canary holds the new workers; the app\'s reload_strategy completes the rollout at `hotctl promote`. Drop --strategy/--batch.');
    }
    return canaryFlags;
  }
  if (batch !== undefined) {
    if (strategy !== undefined && strategy !== 'rolling') throw usageError('reload', `--batch is the batch size of the rolling strategy; it does not go with --strategy ${strategy}.`);
    return { strategy: 'rolling', batch };
  }
  return strategy === undefined ? {} : { strategy };
}

function onlyForFiles(argv: ReloadArgs): void {
  const given = [argv.env !== undefined && '--env', argv.dryRun && '--dry-run', argv.prune && '--prune', argv.only !== undefined && '--only', argv.changedOnly && '--changed-only'].filter(Boolean);
  if (given.length > 0) throw usageError('reload', `${given.join(', ')}: for an ecosystem file only.`);
}

async function reloadFile(ctx: CommandContext, out: Output, argv: ReloadArgs, flags: StrategyParams): Promise<number> {
  if (Object.keys(flags).length > 0) {
    throw usageError('reload', '--canary, --strategy, --batch and --rollback-window apply to `hotctl reload <name|all>`; in an ecosystem file, set reload_strategy, reload_batch and rollback_window.');
  }
  // What only a file needs is loaded here: `reload <name>` starts without it (bench/RESULTS.md, section 12).
  const [{ applyFile }, { loadApps }, { onlyNames, selectOnly }, { specWithCliEnv }] = await Promise.all([
    import('../apply-file.js'),
    import('../config-bridge.js'),
    import('../file-targets.js'),
    import('../update-env.js'),
  ]);
  const only = onlyNames(argv.only);
  if (only && argv.prune) throw usageError('reload', '--prune deletes the apps the file does not name; it does not go with --only.');
  const loaded = selectOnly(await loadApps(out, resolve(ctx.cwd, argv.target), argv.env), only, argv.target, 'reload');
  // New apps of the file start with this shell's environment; running ones keep theirs unless --update-env.
  const apps = loaded.map((spec) => specWithCliEnv(spec, ctx.env));
  return withDaemon(ctx, out, true, ({ client }) =>
    applyFile(client, out, ctx.env, apps, { wait: argv.wait, dryRun: argv.dryRun, prune: argv.prune, changedOnly: argv.changedOnly, updateEnv: argv.updateEnv, source: argv.target }),
  );
}

/** The summary of a held canary: which revision serves beside which. */
function describeCanary(op: OperationSnapshot): string | undefined {
  if (op.to_revision === null) return undefined;
  return `: canary of revision ${op.to_revision} serves beside revision ${op.from_revision ?? '-'}`;
}

/** The summary of `--auto`: promoted (a failure prints its error: the metric, value, threshold and step). */
function describeAuto(op: OperationSnapshot): string | undefined {
  return op.state === 'succeeded' && op.to_revision !== null ? `: every step passed, revision ${op.to_revision} promoted` : undefined;
}

export async function reload(ctx: CommandContext, out: Output, argv: ReloadArgs): Promise<number> {
  const auto = await autoParams(argv as unknown as AutoArgs);
  if (auto.auto && (argv.canary !== undefined || argv.strategy !== undefined || argv.batch !== undefined || argv.stopFirst)) {
    throw usageError('reload', "--auto runs the app's canary plan and promotes with its reload_strategy; it does not go with --canary, --strategy, --batch or --stop-first.");
  }
  const flags: StrategyParams = { ...strategyParams(argv), ...auto };
  // "api.json" may be an app name: it is read as a file when one is there (or it has a path).
  const fileLike = existsSync(resolve(ctx.cwd, argv.target)) || /[\\/]/.test(argv.target);
  if (argv.target !== 'all' && fileLike && (await (await import('../config-bridge.js')).isEcosystemPath(argv.target))) return reloadFile(ctx, out, argv, flags);
  onlyForFiles(argv);
  const code = await operateOnTargets(ctx, out, 'reload', argv.target, {
    wait: argv.wait,
    params: async (client, name) => (argv.updateEnv ? { ...flags, spec: await (await import('../update-env.js')).currentSpecWithCliEnv(client, name, ctx.env) } : flags),
    ...(flags.auto !== undefined ? { describe: describeAuto } : flags.canary === undefined ? {} : { describe: describeCanary }),
  });
  if (code === 0 && flags.canary !== undefined && !out.json) {
    const name = argv.target === 'all' ? '<name>' : argv.target;
    out.line(out.colours.dim(`The canary holds: \`hotctl promote ${name}\` completes the rollout, \`hotctl rollback ${name}\` retires it.`));
  }
  return code;
}

export function registerReload<T extends GlobalArgs>(y: Argv<T>, ctx: CommandContext): Argv<T> {
  return y.command(
    'reload <target>',
    'Zero-downtime reload: new workers up and ready, then the old ones drain (or apply an ecosystem file)',
    (cmd) =>
      autoOptions(targetOptions(cmd, 'reload (or an ecosystem file to apply)'))
        .option('strategy', { type: 'string', choices: [...RELOAD_STRATEGIES], describe: "This reload's strategy: surge (all new workers first), rolling (--batch at a time) or stop-first (old ones stopped first); default: the app's reload_strategy" })
        .option('stop-first', { type: 'boolean', describe: 'Stop the old workers before the new ones start (--strategy stop-first): for a singleton that must never run twice at once' })
        .option('batch', { type: 'string', describe: 'Rolling batch size: replace N workers at a time (implies --strategy rolling)' })
        .option('rollback-window', { type: 'string', describe: "How long the old workers stay parked (alive, unrouted) after this surge reload, for an instant `hotctl rollback` (\"30s\", \"2m\", ms; 0: drain them after reload_hold); default: the app's rollback_window" })
        .option('canary', { type: 'string', describe: 'Start K new workers beside the old ones and hold (status "canary") until `hotctl promote` or `hotctl rollback`; "10%": one new worker that gets 10% of new connections whatever the worker counts' })
        .option('update-env', { type: 'boolean', default: false, describe: "Merge this shell's environment into the app's env. With a file the file's env wins; with a name the shell's wins" })
        .option('env', { type: 'string', describe: 'With an ecosystem file: use its env_<NAME> block' })
        .option('prune', { type: 'boolean', default: false, describe: 'With an ecosystem file: delete the running apps the file does not name' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'With an ecosystem file: print the plan, change nothing' })
        .option('only', { type: 'string', describe: 'With an ecosystem file: only these apps ("api,worker")' })
        .option('changed-only', { type: 'boolean', default: false, describe: 'With an ecosystem file: reload only apps whose spec or code on disk (entry sha256, version, git commit) changed; by default every app of the file is reloaded' })
        .example('$0 reload api', 'Deploy the new code on disk of the app "api" (its reload_strategy, surge by default)')
        .example('$0 reload api --strategy rolling --batch 2', 'Replace 2 workers at a time (for hosts short of memory)')
        .example('$0 reload consumer --stop-first', 'A singleton (a queue consumer holding a lock): the old process stops before the new one starts')
        .example('$0 reload api --rollback-window 5m', 'Keep the old workers parked 5 minutes: `hotctl rollback api` within them makes them serve again at once')
        .example('$0 reload api --canary 1', 'One new worker beside the old ones; then `hotctl promote api` or `hotctl rollback api`')
        .example('$0 reload api --canary 10%', 'One new worker that gets 10% of new connections, however many old ones serve')
        .example('$0 reload api --auto', "Progressive delivery: the app's canary plan (5%, 25%, 50% by default), judged step by step, then promoted or rolled back")
        .example('$0 reload api --auto --steps 10%,50% --step-interval 1m --max-error-rate 0.02', 'The same with this plan')
        .example('$0 reload api --wait', 'Queue behind an operation in progress instead of exiting 4')
        .example('DB_URL=postgres://db2 $0 reload api --update-env', "Redeploy with this shell's DB_URL over the app's env")
        .example('$0 reload ecosystem.json --env production', "Deploy: the file's apps reload with the code on disk, instances changes scale, new apps start")
        .example('$0 reload ecosystem.json --only api', 'Only the app "api" of the file')
        .example('$0 reload ecosystem.json --dry-run', 'Print what applying the file would do; change nothing')
        .example('$0 reload ecosystem.json --prune', 'Apply the file and delete the apps it no longer names')
        .example('$0 reload all --json', 'Reload every app, events as JSON lines'),
    (argv) => runAction(ctx, argv.json, (out) => reload(ctx, out, argv)),
  );
}
