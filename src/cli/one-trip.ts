/**
 * One round trip for the commands that only read (`history`, `logs` without -f; `status` when
 * the daemon cannot be asked in one plain request, status-get.ts): the
 * hello and the request leave together, in one write, without waiting for the hello's answer;
 * the daemon answers both. The versions are still exchanged: a refused hello (another version,
 * another protocol) is the error the command reports, and the request's answer is dropped.
 * A request that changes something never goes this way: a daemon that refuses the hello would
 * still have carried it out.
 */
import type { Method, Params, Result } from '../protocol/index.js';
import { homeOf, noDaemonError, type CliIo } from './context.js';
import { connectDaemon } from './daemon-launcher.js';
import type { Output } from './output.js';

/** The methods that change nothing in the daemon: the only ones sent before the hello's answer. */
export const READ_ONLY_METHODS = ['status', 'history', 'logs'] as const satisfies readonly Method[];
export type ReadOnlyMethod = (typeof READ_ONLY_METHODS)[number];

/**
 * Asks the daemon of the context's home one read-only question over a fresh connection, closed
 * after. Resolves with null when no daemon runs (and none is to be started: see connectDaemon).
 */
export async function askDaemon<M extends ReadOnlyMethod>(ctx: CliIo, out: Output | (() => Promise<Output>), method: M, params: Params<M>, timeoutMs = 10_000): Promise<Result<M> | null> {
  let answer: Promise<Result<M>> | undefined;
  const conn = await connectDaemon({
    home: homeOf(ctx),
    start: false,
    out,
    env: ctx.env,
    alongside: (client) => (answer = client.request(method, params, { timeoutMs })),
  });
  if (!conn) return null;
  try {
    return await (answer as Promise<Result<M>>);
  } finally {
    conn.client.close();
  }
}

/** As askDaemon, but no daemon running is an error (E_DAEMON_UNREACHABLE), as for withDaemon. */
export async function askRunningDaemon<M extends ReadOnlyMethod>(ctx: CliIo, out: Output, method: M, params: Params<M>, timeoutMs = 10_000): Promise<Result<M>> {
  const result = await askDaemon(ctx, out, method, params, timeoutMs);
  if (result === null) throw noDaemonError(homeOf(ctx));
  return result;
}
