/**
 * `hotctl reload|rollback|promote <name>` (with `--json`, `--wait`, rollback's `--force`: see
 * fast-path.ts) run without yargs, and with the request sent before anything the answer needs
 * is loaded: the operation starts in the daemon while the follower and its renderer load here,
 * and the events that arrive meanwhile are handed to the follower in order. What is printed,
 * and the exit code, are those of the yargs commands (reload.ts, rollback.ts, promote.ts);
 * test/unit/cli/fast-path.test.ts runs both ways against the same daemon.
 *
 *   main → fast-path → this → daemon-launcher → client → unix-websocket  (14 modules in all)
 *   connect ─ hello ─ request ┬─ (daemon: the operation runs)
 *                             └─ import output, operations (follow, progress) ─ follow ─ exit
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
  // rollback asks for the status first (is a canary held?): it is read-only, so it leaves with the hello.
  let status: Promise<StatusSnapshot> | undefined;
  const conn = await connectDaemon({
    home,
    start: false,
    out: output,
    env: ctx.env,
    ...(line.kind === 'rollback' ? { alongside: (client: ControlClient) => (status = client.request('status', {}, { timeoutMs: 10_000 })) } : {}),
  });
  if (!conn) throw (await import('./context.js')).noDaemonError(home);
  const { client } = conn;
  const early: DaemonEvent[] = [];
  const stopEarly = client.onEvent((event) => early.push(event));
  try {
    const canary = status ? ((await status).apps.find((app) => app.name === line.name)?.canary ?? null) : null;
    const answer = (client.request as (method: FastOperationLine['kind'], params: Params<'reload'>) => Promise<{ operation: OperationSnapshot }>).call(client, line.kind, paramsOf(line));
    answer.catch(() => {}); // awaited by the follower below; a refusal is reported from there
    // The request is out: what follows loads while the daemon works.
    const [out, { followOperations, outcome }, rollback] = await Promise.all([output(), import('./operations.js'), line.kind === 'rollback' ? import('./commands/rollback.js') : null]);
    stopEarly();
    const describe = canary && rollback ? { describe: rollback.describeCanaryRollback } : {};
    const [final] = await followOperations(client, out, async () => [(await answer).operation], { ...describe, earlier: early });
    if (rollback) return await rollback.rollbackEnded(ctx, out, client, line.name, canary !== null, final!);
    return outcome(out, [final!], ctx.env);
  } finally {
    stopEarly();
    client.close();
  }
}
