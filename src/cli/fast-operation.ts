/**
 * `hotctl reload|rollback|promote <name>` (with `--json`, `--wait`, rollback's `--force`: see
 * fast-path.ts) run without yargs, and with the request sent before anything the answer needs
 * is loaded: the operation starts in the daemon while the follower and its renderer load here,
 * and the events that arrive meanwhile are handed to the follower in order. What is printed,
 * and the exit code, are those of the yargs commands (reload.ts, rollback.ts, promote.ts);
 * test/unit/cli/fast-path.test.ts runs both ways against the same daemon.
 *
 *   main → fast-path → this → daemon-launcher → client → unix-websocket  (14 modules in all)
 *   connect ─ upgrade + hello + request, one write ┬─ (daemon: the operation runs)
 *                                                  └─ import output, operations (follow, progress) ─ follow ─ exit
 */
import type { DaemonEvent, OperationSnapshot, Params, StatusSnapshot } from '../protocol/index.js';
import { toHotctlError } from '../protocol/errors.js';
import { resolveHome } from '../protocol/home.js';
import type { ControlClient } from './client.js';
import type { CommandContext } from './context.js';
import { connectDaemon } from './daemon-launcher.js';
import type { Output } from './output.js';

export type FastOperationKind = 'reload' | 'rollback' | 'promote';

/** A command line this module runs (fast-path.ts reads it): the operation, the app's name and its flags. */
export interface FastOperationLine {
  kind: FastOperationKind;
  name: string;
  json: boolean;
  wait: boolean;
  force: boolean;
}

/** As `runAction(ctx, json, body)` (context.ts), with the output loaded once the request is out. */
export async function runFastOperation(ctx: CommandContext, line: FastOperationLine): Promise<number> {
  let output: Promise<Output> | undefined;
  const out = () => (output ??= import('./output.js').then(({ createOutput }) => createOutput(ctx, line.json)));
  try {
    ctx.exitCode = await operate(ctx, out, line);
  } catch (err) {
    const error = toHotctlError(err);
    const [{ printError }, o] = await Promise.all([import('./output.js'), out()]);
    printError(o, error, ctx.env);
    ctx.exitCode = error.exitCode;
  }
  return ctx.exitCode;
}

/** The request's params, built in the order the yargs commands build them (the same JSON). */
function paramsOf(line: FastOperationLine): Params<'reload'> & Params<'rollback'> {
  return { name: line.name, ...(line.force ? { force: true } : {}), ...(line.wait ? { wait: true } : {}), follow: true };
}

async function operate(ctx: CommandContext, output: () => Promise<Output>, line: FastOperationLine): Promise<number> {
  const home = resolveHome(ctx.env);
  // The request leaves with the hello, in the connection's first write, sent `afterHello`: the
  // daemon carries it out only if it accepted the hello. rollback also asks for the status (is a
  // canary held?), read-only, ahead of it. Events that arrive before the follower is loaded are kept.
  let status: Promise<StatusSnapshot> | undefined;
  let answer: Promise<{ operation: OperationSnapshot }> | undefined;
  let early: DaemonEvent[] = [];
  let stopEarly = (): void => {};
  const send = (client: ControlClient): Promise<unknown> => {
    const kept: DaemonEvent[] = (early = []);
    stopEarly = client.onEvent((event) => kept.push(event));
    if (line.kind === 'rollback') (status = client.request('status', {}, { timeoutMs: 10_000 })).catch(() => {}); // awaited below when connected
    const request = client.request as (method: FastOperationLine['kind'], params: Params<'reload'>, options: { afterHello: true }) => Promise<{ operation: OperationSnapshot }>;
    answer = request.call(client, line.kind, paramsOf(line), { afterHello: true });
    return answer;
  };
  const conn = await connectDaemon({ home, start: false, out: output, env: ctx.env, alongside: send });
  if (!conn) throw (await import('./context.js')).noDaemonError(home);
  const { client } = conn;
  try {
    const canary = status ? ((await status).apps.find((app) => app.name === line.name)?.canary ?? null) : null;
    // The request is out: what follows loads while the daemon works.
    const [out, { followOperations, outcome }, rollback] = await Promise.all([output(), import('./operations.js'), line.kind === 'rollback' ? import('./commands/rollback.js') : null]);
    stopEarly();
    const describe = canary && rollback ? { describe: rollback.describeCanaryRollback } : {};
    const [final] = await followOperations(client, out, async () => [(await answer!).operation], { ...describe, earlier: early });
    if (rollback) return await rollback.rollbackEnded(ctx, out, client, line.name, canary !== null, final!);
    return outcome(out, [final!], ctx.env);
  } finally {
    stopEarly();
    client.close();
  }
}
