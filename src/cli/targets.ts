/**
 * `hotctl reload|restart|stop|delete <target>`: one operation per app, one app at a time
 * (gentle on the host: a surge reload doubles an app's workers while it runs). What a target
 * names is in file-targets.ts; restart, stop and delete also take an ecosystem file (reload
 * applies a file instead: apply-file.ts).
 */
import { resolve } from 'node:path';
import type { AppSpec, AppStatusInfo, OperationKind } from '../protocol/index.js';
import { HotctlError, toHotctlError } from '../protocol/errors.js';
import type { ControlClient } from './client.js';
import { isEcosystemPath, loadApps } from './config-bridge.js';
import { runAction, withDaemon, type CommandContext } from './context.js';
import { appList, appsForTarget, needsLookup, onlyNames, selectOnly } from './file-targets.js';
import { followOperations, operateOne, outcome, type FollowOptions, type SingleAppParams } from './operations.js';
import { printError, type Output } from './output.js';
import { currentSpecWithCliEnv, specWithCliEnv } from './update-env.js';

/** The operations a target (a name, `all`, or an ecosystem file) may name. */
export type TargetKind = Extract<OperationKind, 'reload' | 'restart' | 'stop' | 'delete'>;

export interface TargetOptions extends FollowOptions {
  wait: boolean;
  /** The rest of each app's request (reload's strategy flags, or a spec with an updated env). */
  params?: (client: ControlClient, name: string) => Promise<Partial<SingleAppParams<'reload'>>>;
}

/** Which apps `all` means for each kind: stopping or reloading a stopped app does nothing useful. */
function wantedFor(kind: TargetKind, app: AppStatusInfo): boolean {
  if (kind === 'reload' || kind === 'stop') return app.status !== 'stopped';
  return true;
}

function noApps(kind: TargetKind): HotctlError {
  // As PM2 (`No process found`, exit 1): `all` with no app at all is an error scripts can see.
  return new HotctlError('E_APP_NOT_FOUND', `No app to ${kind}: the daemon runs no app.`, {
    hint: 'Start one with `hotctl start <ecosystem file | script>`; `hotctl status` lists the apps.',
    details: { app: 'all', known: [] },
  });
}

export async function operateOnTargets(ctx: CommandContext, out: Output, kind: TargetKind, target: string, options: TargetOptions): Promise<number> {
  return withDaemon(ctx, out, false, async ({ client }) => {
    let names = [target];
    if (target === 'all') {
      const apps = await appList(client);
      if (apps.length === 0) throw noApps(kind);
      names = apps.filter((app) => wantedFor(kind, app)).map((app) => app.name);
      if (names.length === 0) {
        if (!out.json) out.line(`No apps to ${kind}.`);
        return 0;
      }
    } else if (needsLookup(target)) {
      names = appsForTarget(await appList(client), target, ctx.cwd);
    }
    return operateOnNames(ctx, out, client, kind, names, options);
  });
}

/** Every app gets its turn even when one fails; the first failure sets the exit code. */
async function operateOnNames(ctx: CommandContext, out: Output, client: ControlClient, kind: TargetKind, names: string[], options: TargetOptions, specs?: Map<string, AppSpec>): Promise<number> {
  let code = 0;
  for (const name of names) {
    let result: number;
    try {
      const spec = specs?.get(name);
      const extra = options.params ? await options.params(client, name) : spec && kind === 'restart' ? { spec } : {};
      const params = { ...extra, name, ...(options.wait ? { wait: true } : {}) };
      result = outcome(out, [await operateOne(client, out, kind, params, options)], ctx.env);
    } catch (err) {
      if (names.length === 1 || client.closed) throw err;
      const error = toHotctlError(err);
      printError(out, error, ctx.env);
      result = error.exitCode;
    }
    if (code === 0) code = result;
  }
  return code;
}

export interface FileTargetArgs {
  json: boolean;
  target: string;
  wait: boolean;
  only?: string | undefined;
  env?: string | undefined;
  updateEnv?: boolean;
}

/**
 * `hotctl restart|stop|delete <ecosystem file> [--only a,b]`: the file's apps. Restart starts the
 * file's apps the daemon does not know (as PM2 does) and runs the file's spec for the others.
 */
async function operateOnFile(ctx: CommandContext, out: Output, kind: Exclude<TargetKind, 'reload'>, argv: FileTargetArgs): Promise<number> {
  const loaded = selectOnly(await loadApps(out, resolve(ctx.cwd, argv.target), argv.env), onlyNames(argv.only), argv.target, kind);
  // An app the file starts gets this shell's environment; a running one keeps the one it was
  // started with (the daemon fills it in) unless --update-env.
  const apps = loaded.map((spec) => specWithCliEnv(spec, ctx.env));
  return withDaemon(ctx, out, kind === 'restart', async ({ client }) => {
    const known = new Set((await appList(client)).map((a) => a.name));
    const present = apps.filter((a) => known.has(a.name));
    const absent = apps.filter((a) => !known.has(a.name));
    let code = 0;
    if (kind === 'restart' && absent.length > 0) {
      const finals = await followOperations(client, out, async () => (await client.request('start', { apps: absent, follow: true })).operations);
      code = outcome(out, finals, ctx.env);
    } else if (absent.length > 0 && !out.json) {
      out.note(`Not running, nothing to ${kind}: ${absent.map((a) => a.name).join(', ')}.`);
    }
    if (present.length === 0) {
      if (kind !== 'restart' || absent.length === 0) {
        throw new HotctlError('E_APP_NOT_FOUND', `No app of ${argv.target} runs: nothing to ${kind}.`, {
          hint: `Start them with \`hotctl start ${argv.target}\`.`,
          details: { app: argv.target, known: [...known] },
        });
      }
      return code;
    }
    // Without --update-env a running app keeps the environment it was started with: the spec goes
    // without `inherited_env`, and the daemon keeps the deployed one.
    const specs = new Map(present.map(({ inherited_env: _shell, ...spec }) => [spec.name, argv.updateEnv ? { ...spec, inherited_env: _shell } : spec] as const));
    const result = await operateOnNames(ctx, out, client, kind, [...specs.keys()], { wait: argv.wait }, kind === 'restart' ? specs : undefined);
    return code !== 0 ? code : result;
  });
}

/** Whether a target is an ecosystem file to read (rather than an app or script). */
export async function isFileTarget(ctx: CommandContext, target: string): Promise<boolean> {
  if (target === 'all' || /^\d+$/.test(target)) return false;
  const { existsSync } = await import('node:fs');
  const fileLike = existsSync(resolve(ctx.cwd, target)) || /[\\/]/.test(target);
  return fileLike && (await isEcosystemPath(target));
}

/** The handler shared by restart, stop and delete. */
export function targetHandler(ctx: CommandContext, kind: Exclude<TargetKind, 'reload'>) {
  return (argv: FileTargetArgs): Promise<void> =>
    runAction(ctx, argv.json, async (out) => {
      if (await isFileTarget(ctx, argv.target)) return operateOnFile(ctx, out, kind, argv);
      const forFiles = [argv.only !== undefined && '--only', argv.env !== undefined && '--env'].filter(Boolean);
      if (forFiles.length > 0) throw new HotctlError('E_USAGE', `${forFiles.join(', ')}: for an ecosystem file only.`, { hint: `Run \`hotctl ${kind} --help\` for the accepted arguments.` });
      const params = argv.updateEnv ? async (client: ControlClient, name: string) => ({ spec: await currentSpecWithCliEnv(client, name, ctx.env) }) : undefined;
      return operateOnTargets(ctx, out, kind, argv.target, { wait: argv.wait, ...(params ? { params } : {}) });
    });
}
