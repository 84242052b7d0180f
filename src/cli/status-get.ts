/**
 * `hotctl status`'s question in one plain HTTP request (src/protocol/status-get.ts): connect to the
 * daemon's socket, write `GET /api/status` with the hello's two facts as headers, read the answer.
 * The WebSocket client (unix-websocket.ts, client.ts) spends most of a fresh CLI's time past
 * Node's own start on its handshake, frames, request ids and events: for one question and one
 * answer, a third of `hotctl status`'s time over the floor of any Node client (bench/RESULTS.md,
 * section 37). What the answer means is unchanged: the same hello check (a refusal is the same
 * error), the same status document.
 *
 * When the daemon cannot be asked this way — none listens (no daemon, or one that died: any
 * command starts that one again, daemon-launcher.ts), or one older than this request answers 426 —
 * the question goes over the WebSocket as before (one-trip.ts), which knows what to do then.
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { PROTOCOL_VERSION } from '../protocol/control.js';
import { HotctlError, type ErrorPayload } from '../protocol/errors.js';
import { checkStateDir, homePaths, resolveHome } from '../protocol/home.js';
import type { StatusSnapshot } from '../protocol/status.js';
import { CLIENT_VERSION_HEADER, PROTOCOL_HEADER, STATUS_GET_PATH, UPGRADE_REQUIRED } from '../protocol/status-get.js';
import { HOTCTL_VERSION } from '../version.js';
import type { CliIo } from './context.js';
import type { Output } from './output.js';
import { afterQuietly } from './quiet-deadline.js';

/** The status: over plain HTTP, else over the WebSocket; null when no daemon runs (and none is to be started). */
export async function askStatus(ctx: CliIo, out: Output | (() => Promise<Output>), timeoutMs = 10_000): Promise<StatusSnapshot | null> {
  const snapshot = await getStatus(resolveHome(ctx.env), timeoutMs);
  if (snapshot !== null) return snapshot;
  const { askDaemon } = await import('./one-trip.js');
  return askDaemon(ctx, out, 'status', {}, timeoutMs);
}

/**
 * The status from the daemon of `home` over one plain HTTP request; null when it cannot be asked
 * this way (see above). Rejects with the daemon's refusal (a HotctlError), or E_DAEMON_UNREACHABLE
 * when it closed the connection or did not answer within `timeoutMs`.
 */
export function getStatus(home: string, timeoutMs = 10_000): Promise<StatusSnapshot | null> {
  const paths = homePaths(home);
  // As for every connection (daemon-launcher.ts): a state directory others can write to is refused first.
  if (existsSync(paths.home)) checkStateDir(paths.home);
  return new Promise((resolve, reject) => {
    const socket = connect(paths.socket);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let connected = false;
    let settled = false;
    // Done: the socket is left to the exit, paused (so that the daemon's end of it is not read):
    // destroying a socket reads process.stderr (net.js's Socket._destroy), whose making costs a
    // fresh CLI ~0.8 ms. A failure destroys it.
    const settle = (then: () => void, failed = true): void => {
      if (settled) return;
      settled = true;
      cancelDeadline();
      if (failed) socket.destroy();
      else socket.pause();
      then();
    };
    const unreachable = (why: string) => () => reject(new HotctlError('E_DAEMON_UNREACHABLE', `${why} No answer to "status".`));
    const cancelDeadline = afterQuietly(timeoutMs, () => settle(unreachable(`The daemon did not answer "status" within ${timeoutMs} ms.`)));
    socket.on('connect', () => {
      connected = true;
      socket.write(`GET ${STATUS_GET_PATH} HTTP/1.1\r\nHost: hotctl\r\n${CLIENT_VERSION_HEADER}: ${HOTCTL_VERSION}\r\n${PROTOCOL_HEADER}: ${PROTOCOL_VERSION}\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      const answer = readAnswer(chunks.length === 1 ? chunk : Buffer.concat(chunks, bytes));
      if (answer === null) return;
      if (answer instanceof HotctlError) settle(() => reject(answer));
      else settle(() => resolve(answer === OLDER ? null : answer), false);
    });
    socket.on('end', () => settle(unreachable('The daemon closed the connection before its answer was whole.')));
    // Not connected: nothing listens there (or may): the WebSocket path says why, or starts the daemon.
    socket.on('error', (err) => settle(connected ? unreachable(`The connection to the daemon failed: ${err.message}.`) : () => resolve(null)));
  });
}

/** What a daemon older than the request answers (426): ask it over the WebSocket. */
const OLDER = 'older';

/**
 * The answer in `all` once it is whole (its head and Content-Length bytes of body), else null: the
 * status document (200), OLDER, or the error to throw.
 */
function readAnswer(all: Buffer): StatusSnapshot | typeof OLDER | HotctlError | null {
  const end = all.indexOf('\r\n\r\n');
  if (end === -1) return null;
  // ASCII; utf8 like the body (one decoder's first use in a fresh CLI, not two). Read with
  // indexOf and slice: each regular expression is compiled on its first use, ~0.1 ms.
  const head = all.subarray(0, end).toString('utf8').toLowerCase();
  const status = head.startsWith('http/1.') && head[8] === ' ' && head[12] === ' ' ? Number(head.slice(9, 12)) : NaN;
  if (status === UPGRADE_REQUIRED) return OLDER;
  const at = head.indexOf('\r\ncontent-length:');
  const lineEnd = head.indexOf('\r\n', at + 2);
  const length = at === -1 ? NaN : Number(head.slice(at + 17, lineEnd === -1 ? undefined : lineEnd));
  if (!Number.isInteger(status) || !Number.isInteger(length) || length < 0) return new HotctlError('E_PROTOCOL', 'The daemon sent a malformed answer to "status".');
  if (all.length < end + 4 + length) return null;
  let body: unknown;
  try {
    body = JSON.parse(all.subarray(end + 4, end + 4 + length).toString('utf8'));
  } catch {
    return new HotctlError('E_PROTOCOL', 'The daemon sent a malformed answer to "status".');
  }
  if (status === 200) return body as StatusSnapshot;
  const error = (body as { error?: ErrorPayload } | null)?.error;
  return typeof error?.code === 'string' ? HotctlError.fromJSON(error) : new HotctlError('E_PROTOCOL', `The daemon answered "status" with HTTP ${status}.`);
}
