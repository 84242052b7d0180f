/**
 * The running daemon's side of `hotctl update` (messages.ts has the sequence): it spawns the new
 * daemon with an IPC channel, hands it every routed listening socket, and waits until it says
 * every app is ready. Only then does it let the new one take over and release its own share
 * (`release`: stop accepting, stop writing the state, close the HTTP listener). Anything that goes
 * wrong before the take-over ends the new daemon and throws E_UPDATE_FAILED with the cause: this
 * daemon has changed nothing and keeps serving.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { HotctlError } from '../../protocol/index.js';
import type { AdoptedSocket } from '../../traffic/router.js';
import { HANDOFF_CMD, HANDOFF_ENV, isHandoffMessage, type NewToOld, type OldToNew } from './messages.js';

export interface GiveDeps {
  /** The daemon log: the new daemon's stdout and stderr, and where its last words are read from. */
  logPath: string;
  log(line: string): void;
  sockets(): AdoptedSocket[];
  /** The HTTP listener's listening socket, handed over too (the new one accepts on it before ours closes). */
  http(): { host: string; port: number; handle: object } | null;
  /** The new daemon took over: stop accepting, stop writing the state, close the HTTP listener. */
  release(): Promise<void>;
}

export interface GiveParams {
  entry: string;
  exec_path: string;
  timeout_ms: number;
}

/** After SIGTERM, a new daemon that failed gets this long to stop its workers before SIGKILL. */
const FAILED_CHILD_KILL_MS = 10_000;

/** One hand-off at a time: a second `hotctl update` meanwhile is refused. */
let running = false;

export async function handOver(deps: GiveDeps, params: GiveParams) {
  if (running) throw new HotctlError('E_UPDATE_FAILED', 'Another `hotctl update` is handing this daemon over right now.', { details: { cause: 'a hand-off is already running' } });
  running = true;
  try {
    return await handOverOnce(deps, params);
  } finally {
    running = false;
  }
}

async function handOverOnce(deps: GiveDeps, params: GiveParams) {
  const started = Date.now();
  const logOffset = fileSize(deps.logPath);
  const fd = openSync(deps.logPath, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(params.exec_path, [params.entry], { detached: true, stdio: ['ignore', fd, fd, 'ipc'], env: { ...process.env, [HANDOFF_ENV]: '1' } });
  } finally {
    closeSync(fd);
  }
  const channel = new Channel(child, params.timeout_ms);
  const fail = (cause: string): never => {
    channel.end();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), FAILED_CHILD_KILL_MS).unref();
    }
    const said = lastLines(deps.logPath, logOffset, child.pid);
    deps.log(`update: the new daemon did not take over (${cause}); still serving`);
    throw new HotctlError('E_UPDATE_FAILED', `The new daemon did not take over: ${cause}. This daemon (pid ${process.pid}) keeps serving every app.`, {
      details: { cause, new_pid: child.pid ?? null, ...(said.length > 0 ? { daemon_log: said } : {}) },
    });
  };

  deps.log(`update: started the new daemon (pid ${child.pid ?? '?'}, ${params.exec_path} ${params.entry})`);
  const hello = await channel.next();
  if (hello.kind === 'gone' || hello.message.act !== 'hello') return fail(describe(hello, 'before it asked for the sockets'));
  const sockets = deps.sockets();
  for (const s of sockets) channel.send({ cmd: HANDOFF_CMD, act: 'socket', key: s.key, app: s.app, query: s.query }, s.handle);
  const http = deps.http();
  if (http) channel.send({ cmd: HANDOFF_CMD, act: 'http', host: http.host, port: http.port }, http.handle);
  channel.send({ cmd: HANDOFF_CMD, act: 'sockets-done', old_pid: process.pid, count: sockets.length, timeout_ms: params.timeout_ms });
  deps.log(`update: handed ${sockets.length} listening socket(s) to pid ${child.pid}; waiting until its apps are ready`);
  const ready = await channel.next();
  if (ready.kind === 'gone' || ready.message.act !== 'ready') return fail(describe(ready, 'before its apps were ready'));
  const apps = ready.message.apps;
  channel.send({ cmd: HANDOFF_CMD, act: 'go' });
  const took = await channel.next();
  if (took.kind === 'gone' || took.message.act !== 'took-over') return fail(describe(took, 'while taking over'));
  // From here on the new daemon serves: ours close, whatever happens to them.
  await deps.release().catch((err: Error) => deps.log(`update: releasing: ${err.message}`));
  channel.send({ cmd: HANDOFF_CMD, act: 'http-free' });
  channel.end();
  child.unref();
  deps.log(`update: pid ${child.pid} took over in ${Date.now() - started} ms; draining and exiting`);
  return { old_pid: process.pid, pid: child.pid ?? 0, sockets: sockets.length, apps, took_ms: Date.now() - started };
}

type Next = { kind: 'message'; message: NewToOld } | { kind: 'gone'; why: string };

function describe(next: Next, when: string): string {
  if (next.kind === 'gone') return `${next.why} ${when}`;
  if (next.message.act === 'failed') return `it failed ${when}: ${next.message.message} (${next.message.code})`;
  return `it said ${next.message.act} ${when}`;
}

/** The new daemon's messages one at a time; its exit or the deadline end the wait. */
class Channel {
  private readonly queue: Next[] = [];
  private waiter: ((next: Next) => void) | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly child: ChildProcess, timeoutMs: number) {
    child.on('message', (message: unknown) => {
      if (isHandoffMessage(message)) this.push({ kind: 'message', message: message as NewToOld });
    });
    child.once('error', (err) => this.push({ kind: 'gone', why: `it could not be spawned (${err.message})` }));
    child.once('exit', (code, signal) => this.push({ kind: 'gone', why: `it exited with ${signal ? `signal ${signal}` : `code ${code}`}` }));
    this.timer = setTimeout(() => this.push({ kind: 'gone', why: `it was not done after ${timeoutMs} ms (--timeout)` }), timeoutMs);
    this.timer.unref();
  }

  next(): Promise<Next> {
    const first = this.queue.shift();
    if (first) return Promise.resolve(first.kind === 'gone' ? (this.queue.unshift(first), first) : first);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  send(message: OldToNew, handle?: unknown): void {
    if (!this.child.connected) return;
    (this.child.send as (m: unknown, h?: unknown) => boolean)(message, handle);
  }

  end(): void {
    clearTimeout(this.timer);
    if (this.child.connected) this.child.disconnect();
  }

  private push(next: Next): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter(next);
    } else this.queue.push(next);
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The last lines the new daemon wrote to the daemon log (its own cause, in its words). */
function lastLines(path: string, offset: number, pid: number | undefined): string[] {
  try {
    const size = fileSize(path) - offset;
    if (size <= 0) return [];
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(Math.min(size, 64 * 1024));
    readSync(fd, buf, 0, buf.length, Math.max(offset, offset + size - buf.length));
    closeSync(fd);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.trim() !== '');
    const own = pid === undefined ? lines : lines.filter((l) => l.includes(`[${pid}]`) || !/hotctl\[\d+\]/.test(l));
    return own.slice(-5);
  } catch {
    return [];
  }
}
