/**
 * Runs operations with live progress and turns their outcome into an exit code.
 *
 * With --json, stdout gets every event as a JSON line (`{"event":…,"data":…}`), then one line
 * per operation with its final snapshot.
 */
import type { OperationSnapshot } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import type { ControlClient } from './client.js';
import { OperationFollower } from './follow.js';
import { printError, type Output } from './output.js';

/**
 * Sends a request that starts operations with `follow: true` (`send` resolves with the
 * operations the daemon answered with), and waits until every one of them has ended.
 */
export async function followOperations(client: ControlClient, out: Output, send: () => Promise<OperationSnapshot[]>): Promise<OperationSnapshot[]> {
  const follower = new OperationFollower(client, out);
  try {
    const answers = await send();
    follower.showApp = new Set(answers.map((op) => op.app)).size > 1;
    const finals = await Promise.all(answers.map((op) => follower.watch(op)));
    if (out.json) for (const op of finals) out.jsonLine(op);
    return finals;
  } finally {
    follower.dispose();
  }
}

/** The error a failed operation ended with. */
export function operationError(op: OperationSnapshot): HotctlError {
  if (op.error) return HotctlError.fromJSON(op.error);
  return new HotctlError('E_INTERNAL', `${op.kind} ${op.app} failed without saying why.`);
}

/** Prints the error of every failed operation; returns the exit code of the first (0 if none failed). */
export function outcome(out: Output, ops: OperationSnapshot[], env: NodeJS.ProcessEnv): number {
  let code = 0;
  for (const op of ops) {
    if (op.state !== 'failed') continue;
    const err = operationError(op);
    // With --json the final snapshot already carries the error: stderr only.
    printError({ ...out, json: false }, err, env);
    if (code === 0) code = err.exitCode;
  }
  return code;
}

/** One of the single-app operations (`reload`, `restart`, `stop`, `delete`) on `name`. */
export async function operateOne(
  client: ControlClient,
  out: Output,
  kind: 'reload' | 'restart' | 'stop' | 'delete',
  name: string,
  options: { wait: boolean },
): Promise<OperationSnapshot> {
  const [final] = await followOperations(client, out, async () => {
    const params = { name, follow: true, ...(options.wait ? { wait: true } : {}) };
    const { operation } = await client.request(kind, params);
    return [operation];
  });
  return final as OperationSnapshot;
}
