/**
 * Runs operations with live progress and turns their outcome into an exit code.
 *
 * With --json, stdout gets every event as a JSON line (`{"event":…,"data":…}`), then one line
 * per operation with its final snapshot.
 */
import type { DaemonEvent, OperationKind, OperationSnapshot, Params } from '../protocol/index.js';
import { HotctlError } from '../protocol/errors.js';
import type { ControlClient } from './client.js';
import { OperationFollower } from './follow.js';
import { printError, type Output } from './output.js';
import type { ProgressOptions } from './render/progress.js';

export interface FollowOptions {
  /** The summary's account of the revisions, when the command knows better (see ProgressOptions). */
  describe?: ProgressOptions['describe'];
  /** Events received before following began (the request already sent: fast-operation.ts). */
  earlier?: readonly DaemonEvent[];
}

/**
 * Sends a request that starts operations with `follow: true` (`send` resolves with the
 * operations the daemon answered with), and waits until every one of them has ended.
 */
export async function followOperations(
  client: ControlClient,
  out: Output,
  send: () => Promise<OperationSnapshot[]>,
  options: FollowOptions = {},
): Promise<OperationSnapshot[]> {
  const follower = new OperationFollower(client, out, { ...(options.describe ? { describe: options.describe } : {}), ...(options.earlier ? { earlier: options.earlier } : {}) });
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

/** The operations that act on one named app and answer `{ operation }`. */
export type SingleAppKind = Exclude<OperationKind, 'start'>;

/** What a single-app request carries besides `follow` (added here). */
export type SingleAppParams<K extends SingleAppKind> = Omit<Params<K>, 'follow'>;

/** Runs one single-app operation (`params.name`) and follows it to its end. */
export async function operateOne<K extends SingleAppKind>(
  client: ControlClient,
  out: Output,
  kind: K,
  params: SingleAppParams<K>,
  options: FollowOptions = {},
): Promise<OperationSnapshot> {
  const [final] = await followOperations(
    client,
    out,
    async () => {
      const request = client.request as (method: SingleAppKind, params: Params<SingleAppKind>) => Promise<{ operation: OperationSnapshot }>;
      const { operation } = await request.call(client, kind, { ...params, follow: true } as Params<SingleAppKind>);
      return [operation];
    },
    options,
  );
  return final as OperationSnapshot;
}
