/**
 * `hotctl reload|restart|stop|delete <name|all>`: one operation per app, one app at a time
 * (gentle on the host: a surge reload doubles an app's workers while it runs).
 */
import type { AppStatusInfo } from '../protocol/index.js';
import { toHotctlError } from '../protocol/index.js';
import type { ControlClient } from './client.js';
import { runAction, withDaemon, type CommandContext } from './context.js';
import { operateOne, outcome, type FollowOptions, type SingleAppParams } from './operations.js';
import { printError, type Output } from './output.js';

export type TargetKind = 'reload' | 'restart' | 'stop' | 'delete';

export interface TargetOptions extends FollowOptions {
  wait: boolean;
  /** The rest of each app's reload request (its strategy flags, or a spec with an updated env). */
  params?: (client: ControlClient, name: string) => Promise<Partial<SingleAppParams<'reload'>>>;
}

/** Which apps `all` means for each kind: stopping or reloading a stopped app does nothing useful. */
function wantedFor(kind: TargetKind, app: AppStatusInfo): boolean {
  if (kind === 'reload' || kind === 'stop') return app.status !== 'stopped';
  return true;
}

export async function operateOnTargets(ctx: CommandContext, out: Output, kind: TargetKind, target: string, options: TargetOptions): Promise<number> {
  return withDaemon(ctx, out, false, async ({ client }) => {
    let names = [target];
    if (target === 'all') {
      const status = await client.request('status', {}, { timeoutMs: 10_000 });
      names = status.apps.filter((app) => wantedFor(kind, app)).map((app) => app.name);
      if (names.length === 0) {
        if (!out.json) out.line(`No apps to ${kind}.`);
        return 0;
      }
    }
    // Every app gets its turn even when one fails; the first failure sets the exit code.
    let code = 0;
    for (const name of names) {
      let result: number;
      try {
        const extra = options.params ? await options.params(client, name) : {};
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
  });
}

/** The handler shared by restart, stop and delete. */
export function targetHandler(ctx: CommandContext, kind: TargetKind) {
  return (argv: { json: boolean; target: string; wait: boolean }): Promise<void> =>
    runAction(ctx, argv.json, (out) => operateOnTargets(ctx, out, kind, argv.target, { wait: argv.wait }));
}
